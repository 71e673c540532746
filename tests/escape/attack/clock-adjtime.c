// SPDX-License-Identifier: Apache-2.0
// Host administration: adjust the host clock.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_clock_adjtime, 0, 0), "seccomp", "clock-adjtime");
	return 0;
}
