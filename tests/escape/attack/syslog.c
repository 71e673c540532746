// SPDX-License-Identifier: Apache-2.0
// Host information: the kernel log.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_syslog, 10, 0, 0), "seccomp", "syslog");
	return 0;
}
