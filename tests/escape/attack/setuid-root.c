// SPDX-License-Identifier: Apache-2.0
// Privilege regain: setuid(0).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_setuid, 0), "caps", "setuid(0)");
}
