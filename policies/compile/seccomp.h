/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp: policy -> classic BPF, and the two independent ways of asking
 * "what happens to this syscall?" that the differential test compares:
 *   vj_seccomp_eval()  reads the policy's rules (the meaning), and
 *   vj_bpf_run()       runs the compiled program (what the kernel will do).
 */
#ifndef VMJAIL_SECCOMP_H
#define VMJAIL_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "jailer/err.h"
#include "policies/lang/policy.h"

#define VJ_BPF_MAXINSNS 4096 /* BPF_MAXINSNS: the kernel refuses longer filters */

/* Bumped whenever codegen may emit a different program for the same policy:
 * it is part of the cache key, so a new compiler never reuses old output. */
#define VJ_SECCOMP_COMPILER_VERSION 2

/* Where the jailer keeps compiled filters (pass it to vj_seccomp_load_cached). */
#define VJ_SECCOMP_CACHE_DIR "/var/cache/vmjail/seccomp"

/* x32 syscalls enter with this bit set in nr (AUDIT_ARCH_X86_64 either way). */
#define VJ_X32_SYSCALL_BIT 0x40000000u

struct vj_bpf_prog {
	struct sock_filter *insns; /* malloc'd */
	size_t len;
};

void vj_bpf_prog_free(struct vj_bpf_prog *p);

/* Compile with libseccomp (x86_64 only, bad arch/x32/i386 -> kill-process,
 * binary-tree optimisation).  Refuses programs over VJ_BPF_MAXINSNS. */
int vj_seccomp_compile(const struct vj_seccomp *sc, struct vj_bpf_prog *out, struct vj_err *e);

/*
 * The cached path a launch takes: look up the compiled program for this
 * policy (keyed by its hash, the compiler version and libseccomp's version)
 * under cache_dir; compile and store it on a miss.  The cache dir must be
 * owned by root and not writable by others, or it is not used (compiled
 * instead).  cache_dir NULL: compile only.
 */
int vj_seccomp_load_cached(const struct vj_policy *p, const char *cache_dir,
                           struct vj_bpf_prog *out, struct vj_err *e);

/* What vj_seccomp_load_cached_ex did, for tests, benchmarks and audit. */
enum vj_cache_status {
	VJ_CACHE_OFF,        /* cache_dir NULL: compiled */
	VJ_CACHE_HIT,        /* loaded a verified entry */
	VJ_CACHE_STORED,     /* miss: compiled and stored */
	VJ_CACHE_NOT_STORED, /* miss: compiled, storing failed (why says so) */
	VJ_CACHE_UNSAFE_DIR, /* the dir (or a parent) is not root's alone: compiled, not stored */
};

struct vj_cache_info {
	enum vj_cache_status status;
	int discarded;  /* 1 when an existing entry failed verification and was replaced */
	char path[512]; /* the entry's path ("" when not known) */
	char why[256];  /* reason for UNSAFE_DIR / NOT_STORED / discarded */
};

/* vj_seccomp_load_cached, telling what happened.  info may be NULL. */
int vj_seccomp_load_cached_ex(const struct vj_policy *p, const char *cache_dir,
                              struct vj_bpf_prog *out, struct vj_cache_info *info,
                              struct vj_err *e);

/* The cache entry's file name for p (no directory), as a lookup would use it. */
int vj_seccomp_cache_name(const struct vj_policy *p, char *buf, size_t len);

/*
 * Install in the calling thread (no_new_privs must already be set, or the
 * caller must hold CAP_SYS_ADMIN).  flags: SECCOMP_FILTER_FLAG_*.  Returns 0,
 * or with SECCOMP_FILTER_FLAG_NEW_LISTENER the listener fd; -errno on failure.
 */
int vj_seccomp_install(const struct vj_bpf_prog *prog, unsigned flags, struct vj_err *e);

/* The checks the kernel makes before it accepts a seccomp program (length,
 * opcodes, jump ranges, seccomp_data loads, constant divisors and shifts,
 * scratch memory written before read, RET last).  0 or -EINVAL with the first
 * offending instruction in e. */
int vj_bpf_check(const struct vj_bpf_prog *prog, struct vj_err *e);

/* Every opcode seccomp admits (the checker's list; fuzzers and tests build
 * random programs from it). */
extern const uint16_t vj_bpf_seccomp_opcodes[];
extern const size_t vj_bpf_seccomp_nopcodes;

/* Run a classic-BPF seccomp program on one seccomp_data; returns the
 * SECCOMP_RET_* value (action | data).  Invalid programs return
 * SECCOMP_RET_KILL_PROCESS (as the kernel would refuse to load them). */
uint32_t vj_bpf_run(const struct vj_bpf_prog *prog, const struct seccomp_data *sd);

/* The policy's own meaning of one syscall, as a SECCOMP_RET_* value. */
uint32_t vj_seccomp_eval(const struct vj_seccomp *sc, const struct seccomp_data *sd);

/* SECCOMP_RET_* value of an action (errno folded into the data bits). */
uint32_t vj_action_ret(const struct vj_action *a);

/* vj_action_name (the names): policies/lang/policy.h */

#endif
