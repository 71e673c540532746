/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An oracle's verdict: print which invariant broke (file:line and why, the
 * line fuzz/run.sh deduplicates crashes by, since every trap in a target
 * has the same stack) and trap.
 */
#ifndef VMJAIL_FUZZ_CHECK_H
#define VMJAIL_FUZZ_CHECK_H

#include <stdio.h>

#define FUZZ_CHECK(ok, why)                                                                        \
	do {                                                                                       \
		if (!(ok)) {                                                                       \
			fprintf(stderr, "fuzz oracle: %s:%d: %s\n", __FILE__, __LINE__, why);      \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

#endif
