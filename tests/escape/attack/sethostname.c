// SPDX-License-Identifier: Apache-2.0
// Host administration: the hostname (the jail has its own uts namespace, and no CAP_SYS_ADMIN).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(via(SYS_sethostname, sethostname("pwned", 5)), "caps", "sethostname");
}
