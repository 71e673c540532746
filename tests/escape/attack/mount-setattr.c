// SPDX-License-Identifier: Apache-2.0
// Mount escape: make the read-only root writable with mount_setattr.
#include "attack.h"
#include <fcntl.h>
static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_mount_setattr, AT_FDCWD, "/", 0, 0, 0), "seccomp", "mount-setattr");
	return 0;
}
