// SPDX-License-Identifier: Apache-2.0
/*
 * lint's "cannot start" check.  vmjail installs the filter before the VMM's
 * execve, so a policy that holds only a VMM's steady state kills it in its
 * libc start-up.  This replays the calls every VMM makes before it reaches
 * its own code (musl and glibc start-up, static and dynamic, and thread
 * creation, as the probes in tests/helpers/vmmstart*.c make them) through
 * the compiled program, with the arguments the libcs pass, and names the
 * first one that would not run.
 */
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "policies/compile/seccomp.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/lint.h"

#ifndef ARCH_SET_FS
#define ARCH_SET_FS 0x1002
#endif
#ifndef MAP_DENYWRITE
#define MAP_DENYWRITE 0x0800
#endif

enum need {
	RUN,           /* must run: the libc gives up (or dies) otherwise */
	RUN_OR_ERR,    /* any errno is survived (ld.so.preload missing, rseq off) */
	RUN_OR_ENOSYS, /* ENOSYS makes the libc fall back (clone3 -> clone) */
};

struct call {
	const char *name;
	uint64_t a[4];
	enum need need;
	const char *who;
};

#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static const struct call seq[] = {
    {"execve", {0, 0, 0, 0}, RUN, "vmjail's exec of the VMM"},
    {"brk", {0, 0, 0, 0}, RUN, "libc start-up"},
    {"arch_prctl", {ARCH_SET_FS, 0x7f0000001000, 0, 0}, RUN, "libc start-up (thread pointer)"},
    {"set_tid_address", {0x7f0000001000, 0, 0, 0}, RUN, "libc start-up"},
    {"set_robust_list", {0x7f0000001000, 24, 0, 0}, RUN_OR_ERR, "glibc start-up"},
    {"rseq", {0x7f0000001000, 32, 0, 0x53053053}, RUN_OR_ERR, "glibc start-up"},
    {"prlimit64", {0, 3, 0, 0x7fff0000}, RUN_OR_ERR, "glibc start-up (RLIMIT_STACK)"},
    {"access", {0x7f0000002000, 4, 0, 0}, RUN_OR_ERR, "ld.so (/etc/ld.so.preload)"},
    {"openat", {(uint64_t)-100, 0x7f0000002000, 0x80000, 0}, RUN, "ld.so (opening libraries)"},
    {"newfstatat", {3, 0x7f0000002000, 0x7fff0000, 0x1000}, RUN, "ld.so"},
    {"read", {3, 0x7fff0000, 832, 0}, RUN, "ld.so"},
    {"pread64", {3, 0x7fff0000, 784, 64}, RUN, "ld.so (ELF notes)"},
    {"mmap", {0, 0x1000, PROT_READ, MAP_PRIVATE | MAP_DENYWRITE}, RUN, "ld.so"},
    {"mmap",
     {0x7f0000100000, 0x1000, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE},
     RUN,
     "ld.so (a library's code)"},
    {"mmap", {0, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS}, RUN, "malloc"},
    {"mprotect", {0x7f0000100000, 0x1000, PROT_READ, 0}, RUN, "ld.so (RELRO)"},
    {"munmap", {0x7f0000100000, 0x1000, 0, 0}, RUN, "ld.so, malloc"},
    {"close", {3, 0, 0, 0}, RUN, "ld.so"},
    {"getrandom", {0x7fff0000, 8, 1, 0}, RUN_OR_ERR, "glibc malloc"},
    {"rt_sigaction",
     {33 /* SIGRTMIN + 1 in glibc */, 0x7fff0000, 0, 8},
     RUN,
     "glibc thread start-up"},
    {"rt_sigaction", {SIGPIPE, 0x7fff0000, 0, 8}, RUN, "Rust's runtime (SIGPIPE ignored)"},
    {"rt_sigprocmask", {SIG_BLOCK, 0x7fff0000, 0x7fff0100, 8}, RUN, "pthread_create"},
    {"sigaltstack", {0x7fff0000, 0, 0, 0}, RUN, "Rust's runtime (stack overflow handler)"},
    {"mmap",
     {0, 0x800000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK},
     RUN,
     "pthread_create (a thread stack)"},
    {"mprotect", {0x7f0000100000, 0x800000, PROT_READ | PROT_WRITE, 0}, RUN, "pthread_create"},
    {"clone3", {0x7fff0000, 88, 0, 0}, RUN_OR_ENOSYS, "glibc's pthread_create"},
    {"clone",
     {THREAD_FLAGS, 0x7f0000900000, 0x7fff0000, 0x7fff0000},
     RUN,
     "pthread_create (musl, and glibc after clone3's ENOSYS)"},
    {"futex", {0x7fff0000, FUTEX_WAKE_PRIVATE, 1, 0}, RUN, "locks"},
    {"futex", {0x7fff0000, FUTEX_WAIT_PRIVATE, 1, 0}, RUN, "locks"},
    {"futex", {0x7fff0000, FUTEX_WAIT, 1, 0}, RUN, "joining a thread by its cleared tid"},
    {"futex",
     {0x7fff0000, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, 0},
     RUN,
     "glibc's pthread_join"},
    {"madvise", {0x7f0000100000, 0x800000, MADV_DONTNEED, 0}, RUN_OR_ERR, "thread exit"},
    {"write", {1, 0x7fff0000, 16, 0}, RUN, "output"},
    {"exit", {0, 0, 0, 0}, RUN, "thread exit"},
    {"exit_group", {0, 0, 0, 0}, RUN, "process exit"},
};

int lint_startup(const struct vj_policy *p, char *why, size_t len)
{
	struct vj_bpf_prog prog = {0};
	struct vj_err e = {0};
	int bad = 0;

	if (p->layer[VJ_LAYER_SECCOMP] == VJ_REQ_OFF)
		return 0;
	if (vj_seccomp_compile(&p->seccomp, &prog, &e) != 0) {
		snprintf(why, len, "the seccomp program does not compile: %s", e.msg);
		return 1;
	}
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]) && !bad; i++) {
		struct seccomp_data sd = {.arch = AUDIT_ARCH_X86_64};
		int nr = vj_syscall_nr(seq[i].name);
		uint32_t r, act;

		if (nr < 0)
			continue;
		sd.nr = nr;
		memcpy(sd.args, seq[i].a, sizeof(seq[i].a));
		r = vj_bpf_run(&prog, &sd);
		act = r & SECCOMP_RET_ACTION_FULL;
		if (act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG ||
		    act == SECCOMP_RET_USER_NOTIF)
			continue;
		if (act == SECCOMP_RET_ERRNO && seq[i].need == RUN_OR_ERR)
			continue;
		if (act == SECCOMP_RET_ERRNO && seq[i].need == RUN_OR_ENOSYS &&
		    (r & SECCOMP_RET_DATA) == 38 /* ENOSYS */)
			continue;
		snprintf(why, len, "%s is refused (%s; args 0x%llx 0x%llx 0x%llx 0x%llx)",
		         seq[i].name, seq[i].who, (unsigned long long)seq[i].a[0],
		         (unsigned long long)seq[i].a[1], (unsigned long long)seq[i].a[2],
		         (unsigned long long)seq[i].a[3]);
		bad = 1;
	}
	vj_bpf_prog_free(&prog);
	return bad;
}
