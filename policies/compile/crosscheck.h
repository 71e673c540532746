/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The differential check: the compiled program (run in the interpreter) must
 * give the same SECCOMP_RET_* value as the policy's own semantics on every
 * probe.  Probes are deterministic for a seed and aimed where compilers go
 * wrong: the constants in the rules and their neighbours, high 32 bits set,
 * masked bits flipped, i386 and foreign arches, x32 numbers, numbers beyond
 * the syscall table.  Used by the tests and by `vmjail-policy`.
 */
#ifndef VMJAIL_SECCOMP_CROSSCHECK_H
#define VMJAIL_SECCOMP_CROSSCHECK_H

#include "policies/compile/seccomp.h"

struct vj_xcheck {
	uint64_t probes;
	uint64_t mismatches;
	/* probe mix, so a report can show what was covered */
	uint64_t arch_x86_64, arch_i386, arch_foreign;
	uint64_t nr_x32, nr_beyond, nr_ruled; /* x32 bit set; >= 1024 below x32; has rules */
	uint64_t high_bits;                   /* some argument had bits set above 31 */
	/* results (from the semantics) by action */
	uint64_t res_kill_process, res_kill_thread, res_trap, res_errno, res_notify, res_log,
	    res_allow;
	/* rules that can match at all (action differs from the default and
	 * the conditions are satisfiable), and how many of them a generated
	 * probe actually made fire */
	size_t rules_live, rules_hit;
	/* the first mismatch */
	struct seccomp_data first;
	uint32_t first_eval, first_run;
};

/* 0, or -EINVAL for a missing argument.  res->mismatches is the verdict. */
int vj_seccomp_crosscheck(const struct vj_seccomp *sc, const struct vj_bpf_prog *prog,
                          uint64_t seed, uint64_t nprobes, struct vj_xcheck *res);

#endif
