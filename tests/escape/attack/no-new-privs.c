// SPDX-License-Identifier: Apache-2.0
// Privilege regain: no_new_privs stays set (a set-uid binary would gain nothing).
#include "attack.h"
#include <sys/prctl.h>

static int attack(const struct target *t)
{
	(void)t;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		escaped("no_new_privs is not set");
	blocked("jailer", "no_new_privs is 1");
}
