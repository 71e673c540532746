// SPDX-License-Identifier: Apache-2.0
/* Probe generation for the differential check (see crosscheck.h). */
#include "policies/compile/crosscheck.h"

#include <linux/audit.h>
#include <stdbool.h>
#include <string.h>

static uint64_t next(uint64_t *s)
{
	/* splitmix64: tiny, fast, and reproducible from a printed seed. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? next(s) % n : 0;
}

static const uint32_t foreign_arches[] = {
    AUDIT_ARCH_AARCH64,
    AUDIT_ARCH_ARM,
    AUDIT_ARCH_RISCV64,
    AUDIT_ARCH_PPC64LE,
    AUDIT_ARCH_S390X,
    AUDIT_ARCH_MIPS,
    AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_LE,    /* one flag off */
    AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT, /* = EM_X86_64 without 64BIT */
    AUDIT_ARCH_X86_64 ^ 1,
    AUDIT_ARCH_X86_64 + 1,
    AUDIT_ARCH_X86_64 - 1,
    0,
    0xffffffffu,
};

/* A value near c, where comparisons flip. */
static uint64_t around(uint64_t *s, uint64_t c)
{
	switch (below(s, 12)) {
	case 0:
		return c;
	case 1:
		return c + 1;
	case 2:
		return c - 1;
	case 3:
		return c | (next(s) << 32); /* high bits set */
	case 4:
		return c ^ (1ull << below(s, 64)); /* one bit off */
	case 5:
		return ~c;
	case 6:
		return c & 0xffffffffu;
	case 7:
		return c << 32;
	case 8:
		return (c & 0xffffffffu) | 0xffffffff00000000ull; /* sign-extended int */
	case 9:
		return c ^ (1ull << 32);
	case 10:
		return c + 2;
	default:
		return c - 2;
	}
}

static uint64_t special(uint64_t *s)
{
	static const uint64_t v[] = {0,
	                             1,
	                             UINT64_MAX,
	                             0xffffffffu,
	                             0x100000000ull,
	                             0x8000000000000000ull,
	                             0x7fffffffu,
	                             0x80000000u,
	                             0xffffffff00000000ull,
	                             0x7fffffffffffffffull};
	return v[below(s, sizeof(v) / sizeof(v[0]))];
}

static uint64_t random_arg(uint64_t *s)
{
	switch (below(s, 4)) {
	case 0:
		return next(s);
	case 1:
		return next(s) & 0xffffffffu;
	case 2:
		return special(s);
	default:
		return (next(s) & 0xffff) | (below(s, 2) ? next(s) << 32 : 0);
	}
}

/* A value for which c holds, if one exists (*ok false otherwise). */
static uint64_t satisfy(uint64_t *s, const struct vj_cond *c, bool *ok)
{
	uint64_t noise = next(s), v;
	uint64_t hi = c->arg32 ? (next(s) << 32) : 0;

	switch (c->op) {
	case VJ_OP_EQ:
		if (c->arg32 && (c->value >> 32)) {
			*ok = false;
			return 0;
		}
		return c->value | hi;
	case VJ_OP_NE:
		v = below(s, 2) ? c->value + 1 : noise;
		if (v == c->value)
			v++;
		return v;
	case VJ_OP_LT:
		if (c->value == 0) {
			*ok = false;
			return 0;
		}
		return below(s, 2) ? c->value - 1 : noise % c->value;
	case VJ_OP_LE:
		return below(s, 2) ? c->value
		                   : (c->value == UINT64_MAX ? noise : noise % (c->value + 1));
	case VJ_OP_GT:
		if (c->value == UINT64_MAX) {
			*ok = false;
			return 0;
		}
		return below(s, 2) ? c->value + 1 : c->value + 1 + noise % (UINT64_MAX - c->value);
	case VJ_OP_GE:
		if (c->value == 0)
			return noise;
		return below(s, 2) ? c->value : c->value + noise % (UINT64_MAX - c->value + 1);
	case VJ_OP_MASKED_EQ: {
		uint64_t m = c->mask & (c->arg32 ? 0xffffffffu : UINT64_MAX);
		if (c->value & ~m) {
			*ok = false;
			return 0;
		}
		return c->value | (noise & ~m) | hi;
	}
	}
	*ok = false;
	return 0;
}

/* A value that makes c fail by the smallest step available. */
static uint64_t violate(uint64_t *s, const struct vj_cond *c)
{
	uint64_t m;

	switch (c->op) {
	case VJ_OP_EQ:
		if (c->arg32)
			return (c->value ^ (1ull << below(s, 32))) | (next(s) << 32);
		return around(s, c->value);
	case VJ_OP_NE:
		return c->value;
	case VJ_OP_LT:
		return below(s, 2) ? c->value : c->value + 1;
	case VJ_OP_LE:
		return c->value + 1;
	case VJ_OP_GT:
		return below(s, 2) ? c->value : c->value - 1;
	case VJ_OP_GE:
		return c->value - 1;
	case VJ_OP_MASKED_EQ:
		m = c->mask & (c->arg32 ? 0xffffffffu : UINT64_MAX);
		if (!m)
			return next(s);
		for (;;) {
			unsigned b = (unsigned)below(s, 64);
			if (m & (1ull << b))
				return (c->value ^ (1ull << b)) | (next(s) & ~m);
		}
	}
	return next(s);
}

static const struct vj_rule *pick_rule(uint64_t *s, const struct vj_seccomp *sc)
{
	return sc->nrules ? &sc->rules[below(s, sc->nrules)] : NULL;
}

/* Any constant of any rule, or a special value if there are none. */
static uint64_t any_constant(uint64_t *s, const struct vj_seccomp *sc)
{
	const struct vj_rule *r = pick_rule(s, sc);
	const struct vj_cond *c;

	if (!r || r->ncond == 0 || r->ncond > VJ_MAX_CONDS)
		return special(s);
	c = &r->cond[below(s, r->ncond)];
	if (c->op == VJ_OP_MASKED_EQ && below(s, 3) == 0)
		return c->mask;
	return c->value;
}

static void gen_probe(uint64_t *s, const struct vj_seccomp *sc, struct seccomp_data *sd)
{
	const struct vj_rule *r = pick_rule(s, sc);
	unsigned k = (unsigned)below(s, 100);

	memset(sd, 0, sizeof(*sd));
	sd->instruction_pointer = next(s);

	if (k < 72)
		sd->arch = AUDIT_ARCH_X86_64;
	else if (k < 82)
		sd->arch = AUDIT_ARCH_I386;
	else if (k < 94)
		sd->arch =
		    foreign_arches[below(s, sizeof(foreign_arches) / sizeof(foreign_arches[0]))];
	else
		sd->arch = (uint32_t)next(s);

	k = (unsigned)below(s, 100);
	if (r && k < 50)
		sd->nr = r->nr;
	else if (r && k < 58)
		sd->nr = r->nr + (int)below(s, 7) - 3;
	else if (k < 68)
		sd->nr = (int)below(s, 600);
	else if (k < 78)
		sd->nr = (int)((r && below(s, 2) ? (uint32_t)r->nr : (uint32_t)below(s, 600)) |
		               VJ_X32_SYSCALL_BIT);
	else if (k < 82)
		sd->nr = below(s, 2) ? -1 : -(int)below(s, 1000) - 2;
	else if (k < 88)
		sd->nr = (int)(1024 + below(s, VJ_X32_SYSCALL_BIT - 1024));
	else
		sd->nr = (int)(uint32_t)next(s);

	for (unsigned i = 0; i < 6; i++) {
		k = (unsigned)below(s, 100);
		if (k < 45)
			sd->args[i] = around(s, any_constant(s, sc));
		else
			sd->args[i] = random_arg(s);
	}

	/* Half the probes aim at one rule: all of its conditions met, then
	 * maybe one of them broken by the smallest possible step. */
	if (r && below(s, 2)) {
		bool ok = true;
		for (unsigned c = 0; c < r->ncond && c < VJ_MAX_CONDS; c++)
			if (r->cond[c].arg < 6)
				sd->args[r->cond[c].arg] = satisfy(s, &r->cond[c], &ok);
		if (r->ncond && r->ncond <= VJ_MAX_CONDS && below(s, 2)) {
			const struct vj_cond *c = &r->cond[below(s, r->ncond)];
			if (c->arg < 6)
				sd->args[c->arg] = violate(s, c);
		}
	}
}

static bool same_action(const struct vj_action *a, const struct vj_action *b)
{
	return a->kind == b->kind && (a->kind != VJ_ACT_ERRNO || a->errnum == b->errnum);
}

/* Probe every live rule with its conditions met (x86_64), so a policy's
 * every rule is known to have fired at least once. */
static void probe_rules(uint64_t *s, const struct vj_seccomp *sc, const struct vj_bpf_prog *prog,
                        struct vj_xcheck *res)
{
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		struct seccomp_data sd;
		bool ok = true, hit = false;

		if (same_action(&r->action, &sc->def) || r->ncond > VJ_MAX_CONDS)
			continue;
		for (unsigned c = 0; c < r->ncond; c++)
			(void)satisfy(s, &r->cond[c], &ok);
		if (!ok)
			continue;
		res->rules_live++;
		for (int tries = 0; tries < 8 && !hit; tries++) {
			memset(&sd, 0, sizeof(sd));
			sd.arch = AUDIT_ARCH_X86_64;
			sd.nr = r->nr;
			for (unsigned a = 0; a < 6; a++)
				sd.args[a] = random_arg(s);
			for (unsigned c = 0; c < r->ncond; c++)
				if (r->cond[c].arg < 6)
					sd.args[r->cond[c].arg] = satisfy(s, &r->cond[c], &ok);
			uint32_t want = vj_seccomp_eval(sc, &sd);
			uint32_t got = vj_bpf_run(prog, &sd);
			res->probes++;
			if (want != got) {
				if (res->mismatches++ == 0) {
					res->first = sd;
					res->first_eval = want;
					res->first_run = got;
				}
			}
			hit = want == vj_action_ret(&r->action);
		}
		if (hit)
			res->rules_hit++;
	}
}

static void count(struct vj_xcheck *res, const struct seccomp_data *sd, uint32_t want, bool ruled)
{
	if (sd->arch == AUDIT_ARCH_X86_64)
		res->arch_x86_64++;
	else if (sd->arch == AUDIT_ARCH_I386)
		res->arch_i386++;
	else
		res->arch_foreign++;
	if ((uint32_t)sd->nr & VJ_X32_SYSCALL_BIT)
		res->nr_x32++;
	else if ((uint32_t)sd->nr >= 1024)
		res->nr_beyond++;
	if (ruled)
		res->nr_ruled++;
	for (unsigned i = 0; i < 6; i++)
		if (sd->args[i] >> 32) {
			res->high_bits++;
			break;
		}
	switch (want & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		res->res_kill_process++;
		break;
	case SECCOMP_RET_KILL_THREAD:
		res->res_kill_thread++;
		break;
	case SECCOMP_RET_TRAP:
		res->res_trap++;
		break;
	case SECCOMP_RET_ERRNO:
		res->res_errno++;
		break;
	case SECCOMP_RET_USER_NOTIF:
		res->res_notify++;
		break;
	case SECCOMP_RET_LOG:
		res->res_log++;
		break;
	case SECCOMP_RET_ALLOW:
		res->res_allow++;
		break;
	}
}

int vj_seccomp_crosscheck(const struct vj_seccomp *sc, const struct vj_bpf_prog *prog,
                          uint64_t seed, uint64_t nprobes, struct vj_xcheck *res)
{
	uint64_t s = seed;

	if (!sc || !prog || !res || (sc->nrules && !sc->rules))
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	probe_rules(&s, sc, prog, res);
	while (res->probes < nprobes) {
		struct seccomp_data sd;
		bool ruled = false;

		gen_probe(&s, sc, &sd);
		for (size_t i = 0; i < sc->nrules && !ruled; i++)
			ruled = sc->rules[i].nr == sd.nr;
		uint32_t want = vj_seccomp_eval(sc, &sd);
		uint32_t got = vj_bpf_run(prog, &sd);
		res->probes++;
		count(res, &sd, want, ruled);
		if (want != got && res->mismatches++ == 0) {
			res->first = sd;
			res->first_eval = want;
			res->first_run = got;
		}
	}
	return 0;
}
