// SPDX-License-Identifier: Apache-2.0
// Credential state: vmjail is started by a process with supplementary groups (4,24,27,100); none may survive into the jail (setgroups(0)).
#include "attack.h"
#include <grp.h>

static int attack(const struct target *t)
{
	(void)t;
	gid_t g[64];
	int n = getgroups(64, g);
	if (n != 0)
		escaped("%d supplementary groups survived, the first %u", n, n > 0 ? (unsigned)g[0] : 0u);
	blocked("jailer", "no supplementary groups (setgroups(0))");
}
