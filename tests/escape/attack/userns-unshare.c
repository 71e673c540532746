// SPDX-License-Identifier: Apache-2.0
// Privilege regain: a user namespace by unshare(CLONE_NEWUSER) gives every capability over namespaced kernel code.
#include "attack.h"
#include <sched.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(via(SYS_unshare, unshare(CLONE_NEWUSER)), "seccomp", "unshare(CLONE_NEWUSER)");
	return 0;
}
