// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's acceptance rules for a seccomp filter, restated: the generic
 * classic-BPF checks (length, jump ranges, constant divisors and shifts,
 * scratch slots written before read, RET last) and seccomp's own narrower
 * opcode list (32-bit loads from seccomp_data only, aligned and in bounds).
 *
 * Anything the kernel would refuse, this refuses, so the interpreter never
 * gives a verdict on a program that could not be installed, and a cached
 * program is never handed to seccomp(2) unchecked.
 */
#include "policies/compile/seccomp.h"

#include <stdbool.h>

/* The opcodes seccomp admits (kernel/seccomp.c lists them explicitly). */
const uint16_t vj_bpf_seccomp_opcodes[] = {
    BPF_LD | BPF_W | BPF_ABS,
    BPF_LD | BPF_W | BPF_LEN,
    BPF_LDX | BPF_W | BPF_LEN,
    BPF_RET | BPF_K,
    BPF_RET | BPF_A,
    BPF_ALU | BPF_ADD | BPF_K,
    BPF_ALU | BPF_ADD | BPF_X,
    BPF_ALU | BPF_SUB | BPF_K,
    BPF_ALU | BPF_SUB | BPF_X,
    BPF_ALU | BPF_MUL | BPF_K,
    BPF_ALU | BPF_MUL | BPF_X,
    BPF_ALU | BPF_DIV | BPF_K,
    BPF_ALU | BPF_DIV | BPF_X,
    BPF_ALU | BPF_AND | BPF_K,
    BPF_ALU | BPF_AND | BPF_X,
    BPF_ALU | BPF_OR | BPF_K,
    BPF_ALU | BPF_OR | BPF_X,
    BPF_ALU | BPF_XOR | BPF_K,
    BPF_ALU | BPF_XOR | BPF_X,
    BPF_ALU | BPF_LSH | BPF_K,
    BPF_ALU | BPF_LSH | BPF_X,
    BPF_ALU | BPF_RSH | BPF_K,
    BPF_ALU | BPF_RSH | BPF_X,
    BPF_ALU | BPF_NEG,
    BPF_LD | BPF_IMM,
    BPF_LDX | BPF_IMM,
    BPF_MISC | BPF_TAX,
    BPF_MISC | BPF_TXA,
    BPF_LD | BPF_MEM,
    BPF_LDX | BPF_MEM,
    BPF_ST,
    BPF_STX,
    BPF_JMP | BPF_JA,
    BPF_JMP | BPF_JEQ | BPF_K,
    BPF_JMP | BPF_JEQ | BPF_X,
    BPF_JMP | BPF_JGE | BPF_K,
    BPF_JMP | BPF_JGE | BPF_X,
    BPF_JMP | BPF_JGT | BPF_K,
    BPF_JMP | BPF_JGT | BPF_X,
    BPF_JMP | BPF_JSET | BPF_K,
    BPF_JMP | BPF_JSET | BPF_X,
};
const size_t vj_bpf_seccomp_nopcodes =
    sizeof(vj_bpf_seccomp_opcodes) / sizeof(vj_bpf_seccomp_opcodes[0]);

static bool seccomp_opcode_ok(uint16_t code)
{
	for (size_t i = 0; i < vj_bpf_seccomp_nopcodes; i++)
		if (vj_bpf_seccomp_opcodes[i] == code)
			return true;
	return false;
}

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/*
 * Scratch memory: a slot may be read only if every path to the read stored
 * it.  One forward pass suffices because classic BPF only jumps forward:
 * each instruction's "known written" set is the intersection over the
 * fall-through edge and every jump landing on it.
 */
static int check_scratch(const struct sock_filter *f, size_t n, struct vj_err *e)
{
	/* 4096 * 2 bytes: small enough for the stack, no allocation to fail. */
	uint16_t in[VJ_BPF_MAXINSNS];
	uint16_t cur = 0; /* nothing written before the first instruction */

	for (size_t pc = 0; pc < n; pc++)
		in[pc] = 0xffff;
	for (size_t pc = 0; pc < n; pc++) {
		uint16_t code = f[pc].code;

		cur &= in[pc];
		if (code == BPF_ST || code == BPF_STX) {
			cur |= (uint16_t)(1u << f[pc].k);
		} else if (code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM)) {
			if (!(cur & (1u << f[pc].k)))
				return vj_fail(
				    e, EINVAL,
				    "insn %zu: reads scratch slot %u before any store on "
				    "some path",
				    pc, f[pc].k);
		} else if (code == (BPF_JMP | BPF_JA)) {
			in[pc + 1 + f[pc].k] &= cur;
			cur = 0xffff; /* no fall-through edge */
		} else if (is_cond_jump(code)) {
			in[pc + 1 + f[pc].jt] &= cur;
			in[pc + 1 + f[pc].jf] &= cur;
			cur = 0xffff;
		}
		/* A RET keeps cur for the next instruction although nothing falls
		 * through it: stricter than needed, but it is what the kernel
		 * does, and a program it refuses must be refused here too. */
	}
	return 0;
}

int vj_bpf_check(const struct vj_bpf_prog *prog, struct vj_err *e)
{
	const struct sock_filter *f;
	size_t n;

	if (!prog || !prog->insns || prog->len == 0)
		return vj_fail(e, EINVAL, "empty BPF program");
	f = prog->insns;
	n = prog->len;
	if (n > VJ_BPF_MAXINSNS)
		return vj_fail(e, EINVAL,
		               "BPF program has %zu instructions; the kernel accepts at most %d", n,
		               VJ_BPF_MAXINSNS);

	for (size_t pc = 0; pc < n; pc++) {
		uint16_t code = f[pc].code;
		uint32_t k = f[pc].k;
		size_t left = n - pc - 1; /* instructions after this one */

		if (!seccomp_opcode_ok(code))
			return vj_fail(e, EINVAL,
			               "insn %zu: opcode 0x%04x is not allowed in seccomp", pc,
			               code);
		switch (code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k >= sizeof(struct seccomp_data) || (k & 3))
				return vj_fail(
				    e, EINVAL,
				    "insn %zu: load at offset %u is outside seccomp_data or "
				    "not 4-byte aligned",
				    pc, k);
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			if (k == 0)
				return vj_fail(e, EINVAL, "insn %zu: division by constant zero",
				               pc);
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (k >= 32)
				return vj_fail(e, EINVAL, "insn %zu: shift by %u (>= 32)", pc, k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return vj_fail(e, EINVAL, "insn %zu: scratch slot %u (>= %d)", pc,
				               k, BPF_MEMWORDS);
			break;
		case BPF_JMP | BPF_JA:
			if (k >= left)
				return vj_fail(e, EINVAL, "insn %zu: jump +%u leaves the program",
				               pc, k);
			break;
		default:
			if (is_cond_jump(code) && (f[pc].jt >= left || f[pc].jf >= left))
				return vj_fail(
				    e, EINVAL,
				    "insn %zu: conditional jump +%u/+%u leaves the program", pc,
				    f[pc].jt, f[pc].jf);
			break;
		}
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET)
		return vj_fail(e, EINVAL, "the last instruction (%zu) is not a return", n - 1);
	return check_scratch(f, n, e);
}
