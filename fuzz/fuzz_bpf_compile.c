// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: differential fuzzing of the seccomp compiler.  The input
 * describes a policy (default action, rules on a handful of syscalls, with
 * conditions of every kind on constants the input chooses); the compiled
 * program must agree with the policy's semantics on every probe of a short
 * cross-check.  A policy the compiler refuses must be one the validator
 * would refuse too (32-bit argument with an ordering test, an argument named
 * twice, two actions on one syscall).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policies/compile/crosscheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint64_t u64(struct rd *r)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)u8(r) << (8 * i);
	return v;
}

static const int nrs[] = {0, 1, 3, 9, 16, 41, 56, 72, 101, 231, 435, 0x3ffffffe};
#define NNR (sizeof(nrs) / sizeof(nrs[0]))

static void action(struct rd *r, struct vj_action *a)
{
	a->kind = (enum vj_act)(u8(r) % 7);
	a->errnum = a->kind == VJ_ACT_ERRNO ? 1 + u8(r) % 200 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	struct vj_action per_nr[NNR];
	struct vj_rule rules[24];
	struct vj_seccomp sc = {.rules = rules};
	uint64_t pool[8];
	bool legal = true;

	memset(rules, 0, sizeof(rules));
	action(&r, &sc.def);
	for (size_t i = 0; i < NNR; i++)
		action(&r, &per_nr[i]);
	for (size_t i = 0; i < 8; i++)
		pool[i] = u64(&r);

	while (r.n && sc.nrules < sizeof(rules) / sizeof(rules[0])) {
		struct vj_rule *ru = &rules[sc.nrules++];
		size_t which = u8(&r) % NNR;
		unsigned used = 0;

		ru->nr = nrs[which];
		ru->action = per_nr[which];
		ru->ncond = u8(&r) % 4;
		for (unsigned c = 0; c < ru->ncond; c++) {
			struct vj_cond *co = &ru->cond[c];
			uint8_t b = u8(&r);
			co->arg = b % 6;
			co->op = (enum vj_op)((b >> 3) % 7);
			co->arg32 = (b >> 6) & 1;
			co->value = pool[u8(&r) % 8];
			co->mask = pool[u8(&r) % 8];
			switch (u8(&r) % 4) { /* nudge onto edges */
			case 1:
				co->value++;
				break;
			case 2:
				co->value &= co->mask;
				break;
			case 3:
				co->value &= 0xffffffffu;
				break;
			}
			if (used & (1u << co->arg))
				legal = false;
			used |= 1u << co->arg;
			if (co->arg32 && co->op != VJ_OP_EQ && co->op != VJ_OP_MASKED_EQ)
				legal = false;
		}
	}

	struct vj_bpf_prog prog = {0};
	struct vj_err e = {0};
	int rc = vj_seccomp_compile(&sc, &prog, &e);
	if (rc == 0 && !legal)
		__builtin_trap(); /* compiled something the contract forbids */
	if (rc != 0) {
		if (legal && rc != -E2BIG && rc != -ENOMEM)
			__builtin_trap(); /* refused a legal policy */
		return 0;
	}
	struct vj_xcheck x;
	vj_seccomp_crosscheck(&sc, &prog, size, 3000, &x);
	if (x.mismatches)
		__builtin_trap();
	vj_bpf_prog_free(&prog);
	return 0;
}
