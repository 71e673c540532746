// SPDX-License-Identifier: Apache-2.0
// Host administration: swapoff.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_swapoff, "/nonexistent"), "seccomp", "swapoff");
	return 0;
}
