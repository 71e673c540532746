// SPDX-License-Identifier: Apache-2.0
// Mount escape: move_mount.
#include "attack.h"
#include <fcntl.h>
static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_move_mount, AT_FDCWD, "/run", AT_FDCWD, "/", 0), "seccomp", "move-mount");
	return 0;
}
