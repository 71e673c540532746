// SPDX-License-Identifier: Apache-2.0
// Host administration: process accounting.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_acct, 0), "seccomp", "acct");
	return 0;
}
