// SPDX-License-Identifier: Apache-2.0
/*
 * Argument checks of one syscall, as classic BPF written here rather than
 * by libseccomp (codegen.c explains why).  Kept deliberately plain so a
 * reviewer can check it against the kernel's ABI by eye:
 *
 *   - seccomp_data.args[i] is 64 bits at offset 16 + 8 i; x86_64 is little
 *     endian, so the low word is at +0 and the high word at +4.
 *   - A 32-bit argument (arg32) is compared on its low word only; the high
 *     word is never loaded, so whatever a caller puts there cannot matter.
 *   - A 64-bit comparison looks at both words, high first.
 *   - Each rule is a straight run of conditions; a failing condition jumps
 *     to the next rule, a passing rule ends in its own RET.  No jump leaves
 *     its rule, so every offset is far below the 255 a jt/jf can hold.
 *   - A word is loaded before it is compared, except at the start of a rule
 *     when every way into it (the previous rule's failing jumps) provably
 *     left that very word in A.
 */
#include "policies/compile/internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

void vj_insns_emit(struct vj_insns *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (b->oom)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct sock_filter *v = realloc(b->v, cap * sizeof(*v));
		if (!v) {
			b->oom = 1;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = (struct sock_filter){code, jt, jf, k};
}

void vj_insns_free(struct vj_insns *b)
{
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
	b->oom = 0;
}

#define ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define ARG_HI(i) (ARG_LO(i) + 4)

/*
 * One rule being emitted.  Jumps to "this rule fails" are patched once the
 * rule's end is known; for each we also note what A holds there, so the
 * next rule can skip a load only when all of them agree (a run of
 * `ioctl if arg1 == X` rules then costs one compare per value).
 */
#define FAIL_MAX  (VJ_MAX_CONDS * 3)
#define A_UNKNOWN UINT32_MAX
struct rule_state {
	size_t at[FAIL_MAX];
	bool jt[FAIL_MAX];    /* which field of the jump */
	uint32_t a[FAIL_MAX]; /* the word in A there, or A_UNKNOWN */
	unsigned n;
	uint32_t cur; /* the word in A now, or A_UNKNOWN */
};

static void jump_fail(struct vj_insns *b, struct rule_state *f, uint16_t op, uint32_t k,
                      bool fail_if_true, uint8_t other)
{
	f->at[f->n] = b->n;
	f->jt[f->n] = fail_if_true;
	f->a[f->n] = f->cur;
	f->n++;
	vj_insns_emit(b, BPF_JMP | op | BPF_K, fail_if_true ? 0 : other, fail_if_true ? other : 0,
	              k);
}

static void load(struct vj_insns *b, struct rule_state *f, uint32_t off)
{
	if (f->cur == off)
		return;
	vj_insns_emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
	f->cur = off;
}

/* (word & m) == v on one word; m == 0 means nothing to check. */
static void masked_word(struct vj_insns *b, struct rule_state *f, uint32_t off, uint32_t m,
                        uint32_t v)
{
	if (m == 0)
		return;
	load(b, f, off);
	if (m != 0xffffffffu) {
		vj_insns_emit(b, BPF_ALU | BPF_AND | BPF_K, 0, 0, m);
		f->cur = A_UNKNOWN;
	}
	jump_fail(b, f, BPF_JEQ, v, false, 0);
}

/*
 * Unsigned 64-bit ordering: decide on the high word, and only on equal high
 * words look at the low word.  lo_op is the low-word test meaning "holds"
 * (JGT for >, JGE for >=) or, inverted, "fails" (JGE for <, JGT for <=).
 * The fixed skips below count instructions, so every load is emitted.
 */
static void ordered(struct vj_insns *b, struct rule_state *f, unsigned arg, uint64_t c,
                    uint16_t lo_op, bool inverted)
{
	uint32_t ch = (uint32_t)(c >> 32), cl = (uint32_t)c;

	f->cur = A_UNKNOWN;
	load(b, f, ARG_HI(arg));
	if (!inverted) {
		/* hi > ch: holds (skip the 3 that follow) */
		vj_insns_emit(b, BPF_JMP | BPF_JGT | BPF_K, 3, 0, ch);
		/* hi < ch: fails */
		jump_fail(b, f, BPF_JEQ, ch, false, 0);
		f->cur = A_UNKNOWN;
		load(b, f, ARG_LO(arg));
		jump_fail(b, f, lo_op, cl, false, 0);
	} else {
		/* hi > ch: fails */
		jump_fail(b, f, BPF_JGT, ch, true, 0);
		/* hi < ch: holds (skip the 2 that follow) */
		vj_insns_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, ch);
		f->cur = A_UNKNOWN;
		load(b, f, ARG_LO(arg));
		jump_fail(b, f, lo_op, cl, true, 0);
	}
	f->cur = A_UNKNOWN; /* the "holds" skip arrives with the high word */
}

/* false: the condition can never hold (the rule is left out). */
static bool possible(const struct vj_cond *c)
{
	uint64_t m;

	switch (c->op) {
	case VJ_OP_EQ:
	case VJ_OP_MASKED_EQ:
		m = c->op == VJ_OP_EQ ? UINT64_MAX : c->mask;
		if (c->arg32)
			m &= 0xffffffffu;
		return (c->value & ~m) == 0;
	case VJ_OP_LT:
		return c->value != 0;
	case VJ_OP_GT:
		return c->value != UINT64_MAX;
	default:
		return true;
	}
}

static void condition(struct vj_insns *b, struct rule_state *f, const struct vj_cond *c)
{
	uint64_t m;

	switch (c->op) {
	case VJ_OP_EQ:
	case VJ_OP_MASKED_EQ:
		m = c->op == VJ_OP_EQ ? UINT64_MAX : c->mask;
		if (c->arg32)
			m &= 0xffffffffu;
		masked_word(b, f, ARG_HI(c->arg), (uint32_t)(m >> 32), (uint32_t)(c->value >> 32));
		masked_word(b, f, ARG_LO(c->arg), (uint32_t)m, (uint32_t)c->value);
		break;
	case VJ_OP_NE:
		/* different high words: holds (skip the 2 that follow) */
		f->cur = A_UNKNOWN;
		load(b, f, ARG_HI(c->arg));
		vj_insns_emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, (uint32_t)(c->value >> 32));
		f->cur = A_UNKNOWN;
		load(b, f, ARG_LO(c->arg));
		jump_fail(b, f, BPF_JEQ, (uint32_t)c->value, true, 0);
		f->cur = A_UNKNOWN; /* the skip arrives with the high word */
		break;
	case VJ_OP_GT:
		ordered(b, f, c->arg, c->value, BPF_JGT, false);
		break;
	case VJ_OP_GE:
		ordered(b, f, c->arg, c->value, BPF_JGE, false);
		break;
	case VJ_OP_LT:
		ordered(b, f, c->arg, c->value, BPF_JGE, true);
		break;
	case VJ_OP_LE:
		ordered(b, f, c->arg, c->value, BPF_JGT, true);
		break;
	}
}

int vj_argcode_block(struct vj_insns *b, const struct vj_rule *const *rules, size_t nrules,
                     uint32_t ret_match, uint32_t ret_default)
{
	uint32_t entry = A_UNKNOWN; /* entered by a jump from libseccomp's frame */

	for (size_t i = 0; i < nrules; i++) {
		const struct vj_rule *r = rules[i];
		struct rule_state f = {.n = 0, .cur = entry};
		bool ok = r->ncond <= VJ_MAX_CONDS;

		for (unsigned k = 0; k < r->ncond && ok; k++)
			ok = possible(&r->cond[k]);
		if (!ok)
			continue; /* matches nothing; A is as the last rule left it */
		for (unsigned k = 0; k < r->ncond; k++)
			condition(b, &f, &r->cond[k]);
		vj_insns_emit(b, BPF_RET | BPF_K, 0, 0, ret_match);
		if (b->oom)
			return -ENOMEM;
		/* Every failing jump lands on the next rule (or the default). */
		entry = f.n ? f.a[0] : A_UNKNOWN;
		for (unsigned j = 0; j < f.n; j++) {
			size_t dist = b->n - f.at[j] - 1;
			if (f.a[j] != entry)
				entry = A_UNKNOWN;
			if (dist > 255)
				return -E2BIG; /* cannot happen: a rule is < 50 insns */
			if (f.jt[j])
				b->v[f.at[j]].jt = (uint8_t)dist;
			else
				b->v[f.at[j]].jf = (uint8_t)dist;
		}
	}
	vj_insns_emit(b, BPF_RET | BPF_K, 0, 0, ret_default);
	return b->oom ? -ENOMEM : 0;
}
