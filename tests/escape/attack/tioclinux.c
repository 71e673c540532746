// SPDX-License-Identifier: Apache-2.0
// Terminal injection: TIOCLINUX (console selection paste).
#include "attack.h"
#include <sys/ioctl.h>

static int attack(const struct target *t)
{
	(void)t;
	char sub = 2;
	verdict_rc(sys_try(SYS_ioctl, 0, TIOCLINUX, &sub), "seccomp", "ioctl(0, TIOCLINUX)");
}
