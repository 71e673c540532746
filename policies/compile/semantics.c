// SPDX-License-Identifier: Apache-2.0
/*
 * The meaning of a seccomp policy, read straight off its rules.
 *
 * This file is the reference the differential test holds the compiled
 * program to, so it deliberately shares nothing with codegen.c: no helper,
 * no table, no shortcut.  It is written for obviousness, not speed: a linear
 * scan of the rules with 64-bit arithmetic, as policy.h states the rules.
 */
#include "policies/compile/seccomp.h"

#include <linux/audit.h>
#include <stdbool.h>

static bool cond_holds(const struct vj_cond *c, const __u64 args[6], bool *bad)
{
	uint64_t v;

	if (c->arg > 5) {
		*bad = true;
		return false;
	}
	v = args[c->arg];
	/* The kernel reads a 32-bit argument's low half only (policy.h). */
	if (c->arg32)
		v &= 0xffffffffu;
	if (c->op > VJ_OP_MASKED_EQ) {
		*bad = true;
		return false;
	}
	return vj_op_holds(c->op, v, c->value, c->mask);
}

static bool rule_holds(const struct vj_rule *r, const __u64 args[6], bool *bad)
{
	if (r->ncond > VJ_MAX_CONDS) {
		*bad = true;
		return false;
	}
	bool all = true;
	/* No early exit: a malformed condition after a false one must still
	 * be noticed. */
	for (unsigned i = 0; i < r->ncond; i++)
		if (!cond_holds(&r->cond[i], args, bad))
			all = false;
	return all;
}

/* Lower enum value = more restrictive (policy.h orders them as the kernel
 * ranks them); used only if a malformed policy gives one syscall two actions. */
static bool harsher(const struct vj_action *a, const struct vj_action *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind;
	return a->errnum < b->errnum;
}

uint32_t vj_seccomp_eval(const struct vj_seccomp *sc, const struct seccomp_data *sd)
{
	const struct vj_action *act = NULL;
	bool bad = false;

	if (!sc || !sd || (sc->nrules && !sc->rules))
		return SECCOMP_RET_KILL_PROCESS;
	/* Only the x86_64 entry is described by a policy; i386 (int 0x80) and
	 * every foreign arch are killed. */
	if (sd->arch != AUDIT_ARCH_X86_64)
		return SECCOMP_RET_KILL_PROCESS;
	/* x32 enters with AUDIT_ARCH_X86_64 and bit 30 set in nr.  No x86_64
	 * syscall number reaches that range, so everything from it upwards
	 * (including -1 and the other negative numbers) is killed too. */
	if ((uint32_t)sd->nr >= VJ_X32_SYSCALL_BIT)
		return SECCOMP_RET_KILL_PROCESS;

	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		if (r->nr != sd->nr)
			continue;
		if (!rule_holds(r, sd->args, &bad))
			continue;
		if (!act || harsher(&r->action, act))
			act = &r->action;
	}
	/* A rule this code cannot read makes the syscall's meaning unknown. */
	if (bad)
		return SECCOMP_RET_KILL_PROCESS;
	return vj_action_ret(act ? act : &sc->def);
}
