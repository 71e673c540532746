// SPDX-License-Identifier: Apache-2.0
// Terminal injection (CVE-2019-10063): TIOCSTI with the high 32 bits of the request set, on stdin.
#include "attack.h"
#include <sys/ioctl.h>

static int attack(const struct target *t)
{
	(void)t;
	char c = 0x20;
	verdict_rc(sys_try(SYS_ioctl, 0, 0xffffffff00000000UL | TIOCSTI, &c), "seccomp", "ioctl(0, TIOCSTI|high bits)");
}
