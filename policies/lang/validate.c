// SPDX-License-Identifier: Apache-2.0
/*
 * Rules that need the whole policy: seccomp consistency (one action per
 * syscall, no duplicates, no unconditional-plus-conditional mix), argument
 * widths, rules equal to the default, the VMM's own execve, derived cgroup
 * values, and layers configured but switched off.
 */
#include "policies/lang/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"

#define NR_EXECVE 59 /* x86_64 */

static bool act_eq(const struct vj_action *a, const struct vj_action *b)
{
	return a->kind == b->kind && (a->kind != VJ_ACT_ERRNO || a->errnum == b->errnum);
}

static const char *where(const struct vj_loc *l, char *buf, size_t len)
{
	char f[128];

	vj_escape(f, sizeof(f), l->file, strlen(l->file));
	snprintf(buf, len, "%s:%u", f, l->line);
	return buf;
}

static int cond_cmp(const void *a, const void *b)
{
	const struct vj_cond *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->mask != y->mask)
		return x->mask < y->mask ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

/* Same conditions, in any order (each argument appears at most once). */
static bool same_conds(const struct vj_rule *a, const struct vj_rule *b)
{
	struct vj_cond x[VJ_MAX_CONDS], y[VJ_MAX_CONDS];

	if (a->ncond != b->ncond)
		return false;
	memcpy(x, a->cond, a->ncond * sizeof(x[0]));
	memcpy(y, b->cond, b->ncond * sizeof(y[0]));
	qsort(x, a->ncond, sizeof(x[0]), cond_cmp);
	qsort(y, b->ncond, sizeof(y[0]), cond_cmp);
	for (unsigned i = 0; i < a->ncond; i++)
		if (cond_cmp(&x[i], &y[i]) != 0)
			return false;
	return true;
}

static const char *op_str(enum vj_op op)
{
	static const char *const s[] = {"==", "!=", "<", "<=", ">", ">=", "&"};
	return (unsigned)op <= VJ_OP_MASKED_EQ ? s[op] : "?";
}

/*
 * A 32-bit argument reaches the kernel truncated.  A value written as a
 * negative int (AT_FDCWD, -1) is sign-extended to 64 bits by the language and
 * is folded back to its 32-bit pattern; anything else above 32 bits could
 * never match and is an error.
 */
static bool fold32(uint64_t *v)
{
	if (*v <= 0xffffffffu)
		return true;
	if ((*v >> 31) == 0x1ffffffffull) {
		*v &= 0xffffffffu;
		return true;
	}
	return false;
}

static void check_rule_args(struct vj_parser *ps, struct vj_rule *r)
{
	unsigned mask32 = vj_syscall_arg32_mask(r->name);

	for (unsigned i = 0; i < r->ncond; i++) {
		struct vj_cond *c = &r->cond[i];
		for (unsigned j = 0; j < i; j++) {
			if (r->cond[j].arg == c->arg) {
				vj_diag_add(ps->diag, VJ_SEV_ERROR, &c->loc,
				            "arg%u is named twice in one rule of %s; write one "
				            "condition per argument (or a masked comparison)",
				            c->arg, r->name);
				break;
			}
		}
		c->arg32 = (mask32 >> c->arg) & 1;
		if (!c->arg32)
			continue;
		if (c->op != VJ_OP_EQ && c->op != VJ_OP_MASKED_EQ) {
			vj_diag_add(
			    ps->diag, VJ_SEV_ERROR, &c->loc,
			    "'%s' on arg%u of %s: the kernel declares this argument 32-bit, "
			    "so only == and masked == are exact (a 64-bit ordering or "
			    "inequality test can be steered with the upper 32 bits, which "
			    "the kernel ignores)",
			    op_str(c->op), c->arg, r->name);
			continue;
		}
		if (!fold32(&c->value) || (c->op == VJ_OP_MASKED_EQ && !fold32(&c->mask))) {
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &c->loc,
			            "value does not fit arg%u of %s, which the kernel declares "
			            "32-bit: the rule could never match",
			            c->arg, r->name);
		}
	}
}

static void check_seccomp(struct vj_parser *ps)
{
	struct vj_seccomp *sc = &ps->p->seccomp;
	char b1[64], b2[64], w[192];
	size_t i, j, o;

	for (i = 0; i < sc->nrules; i++)
		check_rule_args(ps, &sc->rules[i]);

	for (i = 0; i < sc->nrules; i++) {
		struct vj_rule *r = &sc->rules[i];
		for (j = 0; j < i; j++) {
			struct vj_rule *q = &sc->rules[j];
			if (q->nr != r->nr)
				continue;
			if (!act_eq(&q->action, &r->action)) {
				vj_diag_add(
				    ps->diag, VJ_SEV_ERROR, &r->loc,
				    "rules for %s disagree: %s here, %s at %s (all rules of "
				    "one syscall must have one action)",
				    r->name, vj_action_name(&r->action, b1, sizeof(b1)),
				    vj_action_name(&q->action, b2, sizeof(b2)),
				    where(&q->loc, w, sizeof(w)));
				break;
			}
			if (same_conds(q, r)) {
				vj_diag_add(ps->diag, VJ_SEV_ERROR, &r->loc,
				            "duplicate rule for %s (same as %s)", r->name,
				            where(&q->loc, w, sizeof(w)));
				break;
			}
			if (!q->ncond || !r->ncond) {
				vj_diag_add(
				    ps->diag, VJ_SEV_ERROR, &r->loc,
				    "%s has an unconditional rule and a conditional one (%s): "
				    "the conditions would mean nothing",
				    r->name, where(&q->loc, w, sizeof(w)));
				break;
			}
		}
	}
	if (ps->diag->nerrors)
		return;

	/* Rules that repeat the default change nothing: drop them, say so once
	 * per line. */
	for (i = 0, o = 0; i < sc->nrules; i++) {
		struct vj_rule *r = &sc->rules[i];
		if (act_eq(&r->action, &sc->def)) {
			if (i == 0 || sc->rules[i - 1].loc.line != r->loc.line ||
			    sc->rules[i - 1].loc.file != r->loc.file ||
			    sc->rules[i - 1].loc.col != r->loc.col)
				vj_diag_add(ps->diag, VJ_SEV_WARNING, &r->loc,
				            "rule for %s has the default action (%s); dropped",
				            r->name, vj_action_name(&r->action, b1, sizeof(b1)));
			continue;
		}
		sc->rules[o++] = *r;
	}
	sc->nrules = o;
}

static bool allowish(enum vj_act k)
{
	return k == VJ_ACT_ALLOW || k == VJ_ACT_LOG || k == VJ_ACT_USER_NOTIF;
}

/* The VMM is started by execve under the filter: a policy that kills it
 * cannot run anything. */
static void check_execve(struct vj_parser *ps)
{
	const struct vj_seccomp *sc = &ps->p->seccomp;
	bool any = false, uncond = false, allowed = false;
	struct vj_loc at = ps->layer[VJ_LAYER_SECCOMP].loc;

	for (size_t i = 0; i < sc->nrules; i++) {
		if (sc->rules[i].nr != NR_EXECVE)
			continue;
		any = true;
		if (!sc->rules[i].ncond)
			uncond = true;
		if (allowish(sc->rules[i].action.kind))
			allowed = true;
		at = sc->rules[i].loc;
	}
	if (!uncond && allowish(sc->def.kind))
		allowed = true;
	if (!allowed)
		vj_diag_add(ps->diag, VJ_SEV_ERROR, &at,
		            "the seccomp layer is on but execve is not allowed%s: the VMM could "
		            "not be started",
		            any ? "" : " (default action)");
}

/*
 * user-notify is refused: vmjail installs a policy's filter without asking
 * for a listener, and nothing would answer one (the supervisor's listener
 * belongs to exec-once's own filter, and the kernel allows one per process),
 * so the kernel would answer every such call ENOSYS while simulate said
 * user-notify.  Saying so here keeps the policy and reality in agreement.
 */
static void check_user_notify(struct vj_parser *ps)
{
	const struct vj_seccomp *sc = &ps->p->seccomp;
	static const char why[] = "no listener answers it under vmjail (the kernel would return "
	                          "ENOSYS); write `errno ENOSYS`, `log` or `trap`";

	if (sc->def.kind == VJ_ACT_USER_NOTIF)
		vj_diag_add(ps->diag, VJ_SEV_ERROR, &ps->def.loc,
		            "seccomp default user-notify: %s", why);
	for (size_t i = 0; i < sc->nrules; i++)
		if (sc->rules[i].action.kind == VJ_ACT_USER_NOTIF) {
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &sc->rules[i].loc,
			            "user-notify for %s: %s", sc->rules[i].name, why);
			break;
		}
}

static void warn_off(struct vj_parser *ps, enum vj_layer l, const struct vj_loc *first,
                     const char *what)
{
	if (first && first->line && ps->p->layer[l] == VJ_REQ_OFF)
		vj_diag_add(ps->diag, VJ_SEV_WARNING, first,
		            "%s given but layer %s is off: they are not enforced", what,
		            vj_layer_name(l));
}

void vj_validate(struct vj_parser *ps)
{
	struct vj_policy *p = ps->p;

	check_seccomp(ps);
	check_user_notify(ps);
	if (p->layer[VJ_LAYER_SECCOMP] != VJ_REQ_OFF && !ps->diag->nerrors)
		check_execve(ps);

	if (ps->cpu_milli) {
		int64_t period = p->limits.cpu_period_us > 0 ? p->limits.cpu_period_us : 100000;
		uint64_t quota = ps->cpu_milli * (uint64_t)period / 1000;
		if (quota < 1000) {
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &ps->cg_cpu.loc,
			            "cgroup cpu gives a quota of %llu us per period; the kernel's "
			            "minimum is 1000",
			            (unsigned long long)quota);
		}
		p->limits.cpu_period_us = period;
		p->limits.cpu_quota_us = (int64_t)quota;
	}
	if (p->limits.memory_swap_max >= 0 && p->limits.memory_max < 0)
		vj_diag_add(ps->diag, VJ_SEV_ERROR, &ps->cg_swap.loc,
		            "cgroup memory-swap needs cgroup memory");

	{
		struct vj_loc first = {0};
		if (ps->any_seccomp.line)
			first = ps->any_seccomp;
		else if (ps->def.loc.line)
			first = ps->def.loc;
		warn_off(ps, VJ_LAYER_SECCOMP, &first, "seccomp rules");
	}
	if (p->landlock.npaths)
		warn_off(ps, VJ_LAYER_LANDLOCK, &p->landlock.paths[0].loc, "landlock rules");
	if (p->cgbpf.nsockets)
		warn_off(ps, VJ_LAYER_CGROUP_BPF, &p->cgbpf.sockets[0].loc, "socket rules");
	if (p->cgbpf.nnet)
		warn_off(ps, VJ_LAYER_CGROUP_BPF, &p->cgbpf.net[0].loc, "net rules");
	{
		const struct vj_seen *cg[] = {&ps->cg_memory, &ps->cg_swap,   &ps->cg_pids,
		                              &ps->cg_cpu,    &ps->cg_period, &ps->cg_io,
		                              &ps->cg_cpus,   &ps->cg_mems};
		for (size_t i = 0; i < sizeof(cg) / sizeof(cg[0]); i++) {
			if (cg[i]->loc.line) {
				warn_off(ps, VJ_LAYER_CGROUP_LIMITS, &cg[i]->loc, "cgroup limits");
				break;
			}
		}
	}
}
