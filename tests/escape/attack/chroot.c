// SPDX-License-Identifier: Apache-2.0
// Root switching: the classic chroot-in-chroot escape (needs chroot).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_chroot, "/run"), "seccomp", "chroot");
	return 0;
}
