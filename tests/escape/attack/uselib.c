// SPDX-License-Identifier: Apache-2.0
// Dead interfaces: uselib.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_uselib, "/nonexistent"), "seccomp", "uselib");
	return 0;
}
