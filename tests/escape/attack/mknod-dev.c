// SPDX-License-Identifier: Apache-2.0
// Devices: create /dev/mem-like nodes in the writable /run.
#include "attack.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(via(SYS_mknodat, mknod("/run/kmem", S_IFCHR | 0666, makedev(1, 2))), "caps", "mknod(/run/kmem, c 1:2)");
}
