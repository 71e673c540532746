// SPDX-License-Identifier: Apache-2.0
// Privilege regain: join group 0 (disk, shadow...) with setgroups.
#include "attack.h"
#include <grp.h>

static int attack(const struct target *t)
{
	(void)t;
	gid_t g = 0;
	verdict_rc(sys_try(SYS_setgroups, 1, &g), "caps", "setgroups([0])");
}
