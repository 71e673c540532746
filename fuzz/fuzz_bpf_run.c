// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the classic-BPF checker and interpreter on arbitrary
 * programs.  Input: one byte of mode, 64 bytes of seccomp_data (zero-padded),
 * then 8-byte instructions.  Mode bit 0 set: the bytes are mapped onto
 * seccomp's opcodes, in-range jumps and a final RET, so most programs pass
 * the checker and the interpreter's loop is what gets fuzzed; clear: raw, so
 * the checker is.
 *
 * Must hold for every input: no crash, no sanitizer report; a program the
 * checker refuses runs as KILL_PROCESS; running is deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policies/compile/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Map raw instructions onto (mostly) valid ones, keeping the fuzzer's
 * control over constants. */
static void structure(struct sock_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t left = n - i - 1;
		f[i].code = vj_bpf_seccomp_opcodes[f[i].code % vj_bpf_seccomp_nopcodes];
		if (f[i].code == (BPF_LD | BPF_W | BPF_ABS))
			f[i].k = (f[i].k % 16) * 4;
		if (BPF_CLASS(f[i].code) == BPF_LD || BPF_CLASS(f[i].code) == BPF_LDX ||
		    BPF_CLASS(f[i].code) == BPF_ST || BPF_CLASS(f[i].code) == BPF_STX)
			if (BPF_MODE(f[i].code) == BPF_MEM)
				f[i].k %= BPF_MEMWORDS;
		if (f[i].code == (BPF_JMP | BPF_JA))
			f[i].k = left ? f[i].k % left : 0;
		f[i].jt = left ? (uint8_t)(f[i].jt % left) : 0;
		f[i].jf = left ? (uint8_t)(f[i].jf % left) : 0;
	}
	f[n - 1].code = BPF_RET | (f[n - 1].k & 1 ? BPF_A : BPF_K);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_data sd;
	struct vj_bpf_prog p = {0};
	uint8_t mode;
	size_t n;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	memset(&sd, 0, sizeof(sd));
	memcpy(&sd, data, size < sizeof(sd) ? size : sizeof(sd));
	if (size <= sizeof(sd))
		return 0;
	data += sizeof(sd);
	size -= sizeof(sd);
	n = size / sizeof(struct sock_filter);
	if (n > VJ_BPF_MAXINSNS + 8)
		n = VJ_BPF_MAXINSNS + 8;
	/* An exact-size heap copy, so ASan sees any read past the program. */
	p.insns = n ? malloc(n * sizeof(struct sock_filter)) : NULL;
	if (n && !p.insns)
		return 0;
	if (n)
		memcpy(p.insns, data, n * sizeof(struct sock_filter));
	p.len = n;
	if ((mode & 1) && n)
		structure(p.insns, n);

	int ok = vj_bpf_check(&p, NULL) == 0;
	uint32_t r1 = vj_bpf_run(&p, &sd);
	uint32_t r2 = vj_bpf_run(&p, &sd);
	if (r1 != r2)
		__builtin_trap();
	if (!ok && r1 != SECCOMP_RET_KILL_PROCESS)
		__builtin_trap();
	free(p.insns);
	return 0;
}
