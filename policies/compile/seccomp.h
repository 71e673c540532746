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

/* Install in the calling thread (no_new_privs must already be set). */
int vj_seccomp_install(const struct vj_bpf_prog *prog, unsigned flags, struct vj_err *e);

/* Run a classic-BPF seccomp program on one seccomp_data; returns the
 * SECCOMP_RET_* value (action | data).  Invalid programs return
 * SECCOMP_RET_KILL_PROCESS (as the kernel would refuse to load them). */
uint32_t vj_bpf_run(const struct vj_bpf_prog *prog, const struct seccomp_data *sd);

/* The policy's own meaning of one syscall, as a SECCOMP_RET_* value. */
uint32_t vj_seccomp_eval(const struct vj_seccomp *sc, const struct seccomp_data *sd);

/* SECCOMP_RET_* value of an action (errno folded into the data bits). */
uint32_t vj_action_ret(const struct vj_action *a);

/* "allow", "kill-process", "errno EPERM", ... */
const char *vj_action_name(const struct vj_action *a, char *buf, size_t len);

#endif
