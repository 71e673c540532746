// SPDX-License-Identifier: Apache-2.0
// Privilege regain: clear the locked securebits (SECBIT_NOROOT) to get root semantics back.
#include "attack.h"
#include <sys/prctl.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(via(SYS_prctl, prctl(PR_SET_SECUREBITS, 0, 0, 0, 0)), "caps", "prctl(PR_SET_SECUREBITS, 0)");
}
