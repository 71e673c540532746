// SPDX-License-Identifier: Apache-2.0
// seccomp ABI: an x32 syscall number (bit 0x40000000) bypasses a filter that checks only nr.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(0x40000000 | SYS_getpid), "seccomp", "x32 getpid");
}
