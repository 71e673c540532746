// SPDX-License-Identifier: Apache-2.0
// Namespace: setns into another namespace (needs an fd; a bad one still reaches the filter first).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_setns, 0, 0), "seccomp", "setns");
	return 0;
}
