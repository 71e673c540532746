// SPDX-License-Identifier: Apache-2.0
// seccomp ABI: a syscall number past the table (a filter with a range mistake).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	long r = sys_try(1023);
	if (r < 0)
		blocked(errno == ENOSYS ? "kernel" : "seccomp-errno", "syscall(1023): %s", ename(errno));
	escaped("syscall(1023) returned %ld", r);
}
