// SPDX-License-Identifier: Apache-2.0
// Privilege regain: setresgid(0,0,0).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_setresgid, 0, 0, 0), "caps", "setresgid(0,0,0)");
}
