// SPDX-License-Identifier: Apache-2.0
// Host administration: reboot (CAD off, harmless if it passes).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_reboot, 0xfee1dead, 672274793, 0), "seccomp", "reboot");
	return 0;
}
