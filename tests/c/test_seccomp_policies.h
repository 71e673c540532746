/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hand-built seccomp policies for the seccomp tests, written as the parser
 * would resolve them (numbers, widths decided).  Together they cover:
 * allowlists and denylists, every action as a rule and as a default,
 * 32-bit arguments (== and masked ==), 64-bit ==, !=, <, <=, >, >=, masked
 * ==, constants across the 32-bit boundary, unsatisfiable and always-true
 * conditions, EQ and NE rules on one argument, and a filter big enough to
 * need jumps over 255 instructions.
 */
#ifndef VMJAIL_TEST_SECCOMP_POLICIES_H
#define VMJAIL_TEST_SECCOMP_POLICIES_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "policies/compile/seccomp.h"

struct tpol {
	const char *name;
	struct vj_seccomp sc;
	size_t cap;
};

static inline struct tpol *tpol_new(const char *name, enum vj_act def, int errnum)
{
	struct tpol *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->name = name;
	t->sc.def.kind = def;
	t->sc.def.errnum = errnum;
	return t;
}

static inline void tpol_free(struct tpol *t)
{
	if (t) {
		free(t->sc.rules);
		free(t);
	}
}

static inline struct vj_rule *tpol_rule_nr(struct tpol *t, int nr, const char *name,
                                           enum vj_act act, int errnum)
{
	struct vj_rule *r;

	if (t->sc.nrules == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->sc.rules = realloc(t->sc.rules, t->cap * sizeof(*t->sc.rules));
		if (!t->sc.rules)
			abort();
	}
	r = &t->sc.rules[t->sc.nrules++];
	memset(r, 0, sizeof(*r));
	r->nr = nr;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->action.kind = act;
	r->action.errnum = errnum;
	r->loc.file = t->name;
	r->loc.line = (unsigned)t->sc.nrules;
	return r;
}

#define RULE(t, sys, act, err) tpol_rule_nr((t), SYS_##sys, #sys, (act), (err))

/* Add a condition; returns the rule for chaining. */
static inline struct vj_rule *cond(struct vj_rule *r, unsigned arg, enum vj_op op, uint64_t value,
                                   uint64_t mask, bool arg32)
{
	struct vj_cond *c = &r->cond[r->ncond++];
	c->arg = arg;
	c->op = op;
	c->value = value;
	c->mask = mask;
	c->arg32 = arg32;
	c->loc = r->loc;
	return r;
}

#define EQ32(r, a, v)      cond((r), (a), VJ_OP_EQ, (v), 0, true)
#define MEQ32(r, a, m, v)  cond((r), (a), VJ_OP_MASKED_EQ, (v), (m), true)
#define CMP64(r, a, op, v) cond((r), (a), (op), (v), 0, false)
#define MEQ64(r, a, m, v)  cond((r), (a), VJ_OP_MASKED_EQ, (v), (m), false)

/* Allowlist for a VMM-like process; default kill-process. */
static inline struct tpol *tpol_allowlist(void)
{
	struct tpol *t = tpol_new("allowlist", VJ_ACT_KILL_PROCESS, 0);
	static const unsigned long ioctls[] = {KVM_RUN, KVM_GET_REGS, TCGETS, FIONREAD};
	static const unsigned fcntls[] = {F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC};

	RULE(t, read, VJ_ACT_ALLOW, 0);
	RULE(t, write, VJ_ACT_ALLOW, 0);
	RULE(t, close, VJ_ACT_ALLOW, 0);
	RULE(t, exit_group, VJ_ACT_ALLOW, 0);
	RULE(t, getpid, VJ_ACT_ALLOW, 0);
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		EQ32(RULE(t, ioctl, VJ_ACT_ALLOW, 0), 1, ioctls[i]);
	for (size_t i = 0; i < sizeof(fcntls) / sizeof(fcntls[0]); i++)
		EQ32(RULE(t, fcntl, VJ_ACT_ALLOW, 0), 1, fcntls[i]);
	MEQ64(RULE(t, mmap, VJ_ACT_ALLOW, 0), 2, PROT_EXEC, 0);
	MEQ64(RULE(t, mprotect, VJ_ACT_ALLOW, 0), 2, PROT_EXEC, 0);
	MEQ32(EQ32(RULE(t, socket, VJ_ACT_ALLOW, 0), 0, AF_UNIX), 1, 0xf, SOCK_STREAM);
	EQ32(EQ32(RULE(t, socket, VJ_ACT_ALLOW, 0), 0, AF_INET), 1, SOCK_DGRAM);
	MEQ64(RULE(t, clone, VJ_ACT_ALLOW, 0), 0, CLONE_NEWUSER | CLONE_NEWNS, 0);
	EQ32(RULE(t, madvise, VJ_ACT_ALLOW, 0), 2, MADV_DONTNEED);
	EQ32(RULE(t, kill, VJ_ACT_ALLOW, 0), 1, 0); /* signal 0: probe only */
	CMP64(RULE(t, lseek, VJ_ACT_ALLOW, 0), 0, VJ_OP_EQ, 0x100000003ull);
	return t;
}

/* Denylist of attack surface; default allow. */
static inline struct tpol *tpol_denylist(void)
{
	struct tpol *t = tpol_new("denylist", VJ_ACT_ALLOW, 0);

	RULE(t, perf_event_open, VJ_ACT_ERRNO, EPERM);
	RULE(t, clone3, VJ_ACT_ERRNO, ENOSYS);
	RULE(t, ptrace, VJ_ACT_KILL_PROCESS, 0);
	EQ32(RULE(t, ioctl, VJ_ACT_KILL_PROCESS, 0), 1, TIOCSTI);
	EQ32(RULE(t, ioctl, VJ_ACT_KILL_PROCESS, 0), 1, TIOCLINUX);
	EQ32(RULE(t, socket, VJ_ACT_KILL_PROCESS, 0), 0, 40 /* AF_VSOCK */);
	RULE(t, kexec_load, VJ_ACT_TRAP, 0);
	RULE(t, uname, VJ_ACT_LOG, 0);
	RULE(t, execveat, VJ_ACT_USER_NOTIF, 0);
	MEQ64(RULE(t, unshare, VJ_ACT_ERRNO, EPERM), 0, CLONE_NEWUSER, CLONE_NEWUSER);
	MEQ64(RULE(t, clone, VJ_ACT_ERRNO, EPERM), 0, CLONE_NEWUSER, CLONE_NEWUSER);
	RULE(t, keyctl, VJ_ACT_KILL_THREAD, 0);
	return t;
}

/* 64-bit ordering comparisons, across and at the edges of 32 bits;
 * default errno EPERM. */
static inline struct tpol *tpol_orderings(void)
{
	struct tpol *t = tpol_new("orderings", VJ_ACT_ERRNO, EPERM);

	CMP64(RULE(t, mmap, VJ_ACT_ALLOW, 0), 1, VJ_OP_LT, 0x100000005ull);
	CMP64(RULE(t, mremap, VJ_ACT_ALLOW, 0), 2, VJ_OP_LE, 0xffffffffull);
	CMP64(RULE(t, lseek, VJ_ACT_ALLOW, 0), 1, VJ_OP_GT, 0x7fffffff00000000ull);
	CMP64(RULE(t, pread64, VJ_ACT_ALLOW, 0), 3, VJ_OP_GE, 0x100000000ull);
	CMP64(RULE(t, prctl, VJ_ACT_ALLOW, 0), 0, VJ_OP_NE, 22);
	CMP64(RULE(t, read, VJ_ACT_ALLOW, 0), 2, VJ_OP_LT, 0);             /* never */
	CMP64(RULE(t, write, VJ_ACT_ALLOW, 0), 2, VJ_OP_GE, 0);            /* always */
	CMP64(RULE(t, madvise, VJ_ACT_ALLOW, 0), 1, VJ_OP_GT, UINT64_MAX); /* never */
	CMP64(RULE(t, brk, VJ_ACT_ALLOW, 0), 0, VJ_OP_LE, UINT64_MAX);     /* always */
	CMP64(RULE(t, getpid, VJ_ACT_ALLOW, 0), 0, VJ_OP_GT, 0xffffffffull);
	CMP64(RULE(t, gettid, VJ_ACT_ALLOW, 0), 0, VJ_OP_LT, 0xffffffffull);
	CMP64(RULE(t, getppid, VJ_ACT_ALLOW, 0), 5, VJ_OP_GE, 0xffffffff00000001ull);
	struct vj_rule *r = RULE(t, pwrite64, VJ_ACT_ALLOW, 0);
	CMP64(r, 0, VJ_OP_EQ, 3);
	CMP64(r, 2, VJ_OP_LT, 4096);
	CMP64(r, 3, VJ_OP_GE, 1ull << 40);
	r = RULE(t, sendto, VJ_ACT_ALLOW, 0);
	CMP64(r, 2, VJ_OP_GT, 10);
	CMP64(r, 2 + 1, VJ_OP_LE, 0x80000000ull);
	CMP64(r, 5, VJ_OP_NE, 0);
	return t;
}

/* Several rules on one syscall and argument, same action: EQ next to NE,
 * ranges next to points.  Default trap. */
static inline struct tpol *tpol_mixed(void)
{
	struct tpol *t = tpol_new("mixed", VJ_ACT_TRAP, 0);

	CMP64(RULE(t, getpriority, VJ_ACT_ALLOW, 0), 0, VJ_OP_NE, 1);
	CMP64(CMP64(RULE(t, getpriority, VJ_ACT_ALLOW, 0), 0, VJ_OP_EQ, 1), 1, VJ_OP_EQ, 0);
	CMP64(RULE(t, sched_setaffinity, VJ_ACT_ERRNO, EINVAL), 1, VJ_OP_GT, 100);
	CMP64(RULE(t, sched_setaffinity, VJ_ACT_ERRNO, EINVAL), 1, VJ_OP_EQ, 50);
	CMP64(RULE(t, sched_setaffinity, VJ_ACT_ERRNO, EINVAL), 1, VJ_OP_LT, 10);
	CMP64(RULE(t, fstat, VJ_ACT_ALLOW, 0), 0, VJ_OP_NE, 0);
	CMP64(RULE(t, fstat, VJ_ACT_ALLOW, 0), 0, VJ_OP_NE, 1); /* together: always */
	RULE(t, dup, VJ_ACT_ALLOW, 0);
	CMP64(RULE(t, dup, VJ_ACT_ALLOW, 0), 0, VJ_OP_EQ, 7); /* subsumed */
	MEQ64(RULE(t, openat, VJ_ACT_LOG, 0), 2, O_ACCMODE, O_RDONLY);
	MEQ64(RULE(t, openat, VJ_ACT_LOG, 0), 2, O_CREAT | O_EXCL, O_CREAT | O_EXCL);
	CMP64(CMP64(RULE(t, openat, VJ_ACT_LOG, 0), 0, VJ_OP_NE, (uint64_t)-100), 3, VJ_OP_LE,
	      0644);
	EQ32(RULE(t, ioctl, VJ_ACT_USER_NOTIF, 0), 1, TIOCSTI);
	MEQ32(RULE(t, ioctl, VJ_ACT_USER_NOTIF, 0), 1, 0xff00, 0xae00); /* all KVM ioctls */
	return t;
}

/* Masks at their edges; default log. */
static inline struct tpol *tpol_masks(void)
{
	struct tpol *t = tpol_new("masks", VJ_ACT_LOG, 0);

	MEQ64(RULE(t, read, VJ_ACT_ERRNO, EIO), 0, 0xf0, 0x0f); /* value outside mask: never */
	MEQ64(RULE(t, write, VJ_ACT_ERRNO, EIO), 0, 0, 0);      /* mask 0, value 0: always */
	MEQ64(RULE(t, close, VJ_ACT_ERRNO, EIO), 0, 0, 1);      /* mask 0, value 1: never */
	MEQ32(RULE(t, ioctl, VJ_ACT_ERRNO, EIO), 1, 0xffffffff0000ffffull,
	      0x5412); /* mask high bits ignored */
	EQ32(RULE(t, fcntl, VJ_ACT_ERRNO, EIO), 1,
	     0x100000001ull); /* value beyond 32 bits: never */
	MEQ64(RULE(t, mmap, VJ_ACT_KILL_PROCESS, 0), 3, 0xffffffff00000000ull, 0x100000000ull);
	MEQ64(RULE(t, mmap, VJ_ACT_KILL_PROCESS, 0), 2, UINT64_MAX, 7);
	MEQ64(RULE(t, munmap, VJ_ACT_ALLOW, 0), 1, 0x8000000000000001ull, 0x8000000000000001ull);
	MEQ32(RULE(t, socket, VJ_ACT_ALLOW, 0), 1, 0x80000000u, 0x80000000u);
	return t;
}

/* Every syscall number up to 450 allowed outright plus 300 ioctl values:
 * the program is long enough that libseccomp must chain jumps over 255
 * instructions.  Default kill-thread. */
static inline struct tpol *tpol_large(void)
{
	struct tpol *t = tpol_new("large", VJ_ACT_KILL_THREAD, 0);

	for (int nr = 0; nr < 450; nr++)
		if (nr != SYS_ioctl && nr != SYS_fcntl)
			tpol_rule_nr(t, nr, "nr", VJ_ACT_ALLOW, 0);
	for (unsigned i = 0; i < 300; i++)
		EQ32(RULE(t, ioctl, VJ_ACT_ALLOW, 0), 1, 0xae00u + i * 3);
	for (unsigned i = 0; i < 40; i++)
		CMP64(CMP64(RULE(t, fcntl, VJ_ACT_ALLOW, 0), 0, VJ_OP_EQ, i), 2, VJ_OP_LT,
		      (uint64_t)i << 33);
	return t;
}

/* Shapes libseccomp 2.5.4 gets wrong when it compares arguments itself
 * (policies/compile/codegen.c): ranges on one argument in several rules of
 * one syscall, and a pair of rules it never finishes adding.  Default
 * allow. */
static inline struct tpol *tpol_ranges(void)
{
	struct tpol *t = tpol_new("ranges", VJ_ACT_ALLOW, 0);

	CMP64(RULE(t, socket, VJ_ACT_KILL_PROCESS, 0), 5, VJ_OP_LE, 0x100000005ull);
	CMP64(RULE(t, socket, VJ_ACT_KILL_PROCESS, 0), 5, VJ_OP_LE, 3);
	CMP64(RULE(t, mmap, VJ_ACT_ERRNO, ENOMEM), 1, VJ_OP_LT, 0x200000003ull);
	CMP64(RULE(t, mmap, VJ_ACT_ERRNO, ENOMEM), 1, VJ_OP_GT, 0x7fff00000000ull);
	CMP64(CMP64(RULE(t, mmap, VJ_ACT_ERRNO, ENOMEM), 1, VJ_OP_GE, 0x300000000ull), 2, VJ_OP_LE,
	      0x1affffffff38145eull);
	/* libseccomp 2.5.4 never returns from adding this pair (a shared >=
	 * followed by masked == with high-word mask bits) */
	MEQ64(CMP64(RULE(t, mremap, VJ_ACT_ERRNO, ENOMEM), 1, VJ_OP_GE, 0x300000000ull), 2,
	      0xf000000000000000ull, 0);
	MEQ64(CMP64(RULE(t, mremap, VJ_ACT_ERRNO, ENOMEM), 1, VJ_OP_GE, 0x300000000ull), 2,
	      0xf800000000000000ull, 0x1000000000000000ull);
	CMP64(RULE(t, pread64, VJ_ACT_TRAP, 0), 2, VJ_OP_LT, 0x8000000000000000ull);
	CMP64(RULE(t, pread64, VJ_ACT_TRAP, 0), 2, VJ_OP_LE, 0x7fffffffffffffffull);
	CMP64(RULE(t, pread64, VJ_ACT_TRAP, 0), 3, VJ_OP_LE, UINT64_MAX);
	CMP64(RULE(t, pwrite64, VJ_ACT_LOG, 0), 3, VJ_OP_LT, 1);
	CMP64(RULE(t, pwrite64, VJ_ACT_LOG, 0), 3, VJ_OP_GE, 0xfffffffffffffff0ull);
	return t;
}

/* Allow by default, a single user-notify rule: the exec-once shape. */
static inline struct tpol *tpol_notify(void)
{
	struct tpol *t = tpol_new("notify", VJ_ACT_ALLOW, 0);

	RULE(t, execve, VJ_ACT_USER_NOTIF, 0);
	RULE(t, execveat, VJ_ACT_USER_NOTIF, 0);
	return t;
}

typedef struct tpol *(*tpol_ctor)(void);
static const tpol_ctor tpol_all[] = {tpol_allowlist, tpol_denylist, tpol_orderings, tpol_mixed,
                                     tpol_masks,     tpol_ranges,   tpol_large,     tpol_notify};
#define TPOL_COUNT (sizeof(tpol_all) / sizeof(tpol_all[0]))

#endif
