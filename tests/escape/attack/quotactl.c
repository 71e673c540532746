// SPDX-License-Identifier: Apache-2.0
// Host administration: quotactl.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_quotactl, 0, 0, 0, 0), "seccomp", "quotactl");
	return 0;
}
