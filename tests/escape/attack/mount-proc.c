// SPDX-License-Identifier: Apache-2.0
// Mount escape: mount a fresh proc (host pids, /proc/1/root).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_mount, "proc", "/run", "proc", 0, 0), "seccomp", "mount-proc");
	return 0;
}
