// SPDX-License-Identifier: Apache-2.0
/*
 * Two planted bugs for proving jailed fuzzing (docs/fuzzing.md), in a
 * target that otherwise does a little parsing work per input:
 *   "P!..."  a plain crash: a write through a NULL pointer (SIGSEGV), no
 *            policy wall on the way: labelled `contained`;
 *   "S!..."  a crash that first calls a syscall every shipped policy
 *            forbids and that does nothing if it runs (uselib: gone from
 *            this kernel, kill-process under default.policy, not on
 *            qemu.policy's allowlist, whose default is kill-process), so
 *            seccomp kills it (SIGSYS) and audits it: labelled `hit-policy`.
 *   "F!..."  a crash that first forks, which QEMU's allowlist forbids: under
 *            qemu.policy it must be `hit-policy` although the campaign's
 *            copy of the policy allows the fork server to fork (the worker
 *            takes that back in each child); under default.policy, which
 *            allows fork, it is `contained`.
 *   "H!..."  a hang: loops forever, as a parser does on a length that wraps
 *            its offset back; the worker kills the child after -timeout
 *            and labels it `hang` (without that, the worker would wait until
 *            vmjail's TTL killed the jail, and its report with it).
 * Two-byte triggers, so libFuzzer finds all four within seconds.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sum = 0;

	for (size_t i = 0; i < size; i++) /* some work per input, as a parser does */
		sum = sum * 31 + data[i];
	if (size >= 2 && data[1] == '!') {
		if (data[0] == 'P')
			*(volatile unsigned *)(uintptr_t)(sum & 0) = sum;
		if (data[0] == 'F') {
			pid_t p = fork();
			if (p == 0)
				_exit(0);
			*(volatile unsigned *)(uintptr_t)(sum & 0) = sum;
		}
		if (data[0] == 'H')
			for (volatile unsigned spin = 0;; spin++)
				;
		if (data[0] == 'S') {
			syscall(SYS_uselib, NULL);
			*(volatile unsigned *)(uintptr_t)(sum & 0) = sum;
		}
	}
	return 0;
}
