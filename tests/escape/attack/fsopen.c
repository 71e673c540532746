// SPDX-License-Identifier: Apache-2.0
// Mount escape: the new mount API, fsopen.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_fsopen, "tmpfs", 0), "seccomp", "fsopen");
	return 0;
}
