// SPDX-License-Identifier: Apache-2.0
// Root switching: pivot_root again.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_pivot_root, "/run", "/run"), "seccomp", "pivot-root");
	return 0;
}
