// SPDX-License-Identifier: Apache-2.0
/*
 * A classic-BPF interpreter with seccomp's view of the world: the packet is
 * one struct seccomp_data.  It answers "what will the kernel return for this
 * syscall?" without installing anything, so the differential test and
 * `vmjail-policy simulate` can ask it millions of times.
 *
 * Every program is first put through vj_bpf_check(); a program the kernel
 * would refuse gets SECCOMP_RET_KILL_PROCESS.  The loop below still
 * bounds-checks every access on its own, so a checker bug cannot turn into
 * a memory error here.
 */
#include "policies/compile/seccomp.h"

#include <string.h>

static uint32_t load_word(const struct seccomp_data *sd, uint32_t off, int *ok)
{
	uint32_t w;

	if (off > sizeof(*sd) - sizeof(w) || (off & 3)) {
		*ok = 0;
		return 0;
	}
	/* Native byte order, as the kernel reads seccomp_data. */
	memcpy(&w, (const unsigned char *)sd + off, sizeof(w));
	return w;
}

uint32_t vj_bpf_run(const struct vj_bpf_prog *prog, const struct seccomp_data *sd)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};
	const struct sock_filter *f;
	size_t n, pc = 0;

	if (!sd || vj_bpf_check(prog, NULL) != 0)
		return SECCOMP_RET_KILL_PROCESS;
	f = prog->insns;
	n = prog->len;

	/* Jumps only go forward, so n steps always reach a RET. */
	for (size_t steps = 0; steps < n && pc < n; steps++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k;
		int ok = 1;

		pc++;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			A = load_word(sd, k, &ok);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			A = sizeof(*sd);
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			X = sizeof(*sd);
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			ok = k < BPF_MEMWORDS;
			A = ok ? M[k] : 0;
			break;
		case BPF_LDX | BPF_MEM:
			ok = k < BPF_MEMWORDS;
			X = ok ? M[k] : 0;
			break;
		case BPF_ST:
			ok = k < BPF_MEMWORDS;
			if (ok)
				M[k] = A;
			break;
		case BPF_STX:
			ok = k < BPF_MEMWORDS;
			if (ok)
				M[k] = X;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			A += k;
			break;
		case BPF_ALU | BPF_ADD | BPF_X:
			A += X;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			A -= k;
			break;
		case BPF_ALU | BPF_SUB | BPF_X:
			A -= X;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
			A *= k;
			break;
		case BPF_ALU | BPF_MUL | BPF_X:
			A *= X;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			ok = k != 0;
			A = ok ? A / k : 0;
			break;
		case BPF_ALU | BPF_DIV | BPF_X:
			/* The kernel ends the program with 0 on a zero divisor. */
			if (X == 0)
				return 0;
			A /= X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_ALU | BPF_AND | BPF_X:
			A &= X;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			break;
		case BPF_ALU | BPF_OR | BPF_X:
			A |= X;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
			A ^= k;
			break;
		case BPF_ALU | BPF_XOR | BPF_X:
			A ^= X;
			break;
		/* Shift counts are taken mod 32, as the kernel's interpreter and
		 * the x86 JIT do for a register count (a constant >= 32 is refused
		 * by the checker). */
		case BPF_ALU | BPF_LSH | BPF_K:
			A <<= (k & 31);
			break;
		case BPF_ALU | BPF_LSH | BPF_X:
			A <<= (X & 31);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			A >>= (k & 31);
			break;
		case BPF_ALU | BPF_RSH | BPF_X:
			A >>= (X & 31);
			break;
		case BPF_ALU | BPF_NEG:
			A = 0u - A;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += (A == k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += (A == X) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += (A > k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_X:
			pc += (A > X) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += (A >= k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_X:
			pc += (A >= X) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & k) ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_X:
			pc += (A & X) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		case BPF_RET | BPF_A:
			return A;
		default:
			ok = 0;
			break;
		}
		if (!ok)
			return SECCOMP_RET_KILL_PROCESS;
	}
	/* Unreachable for a checked program; fail closed regardless. */
	return SECCOMP_RET_KILL_PROCESS;
}
