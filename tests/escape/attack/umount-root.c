// SPDX-License-Identifier: Apache-2.0
// Mount escape: detach the jail root to uncover what is below.
#include "attack.h"
#include <sys/mount.h>
static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_umount2, "/", MNT_DETACH), "seccomp", "umount-root");
	return 0;
}
