// SPDX-License-Identifier: Apache-2.0
// Kernel surface: a userfaultfd that traps kernel accesses widens kernel races.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(syscall(SYS_userfaultfd, 0), "seccomp", "userfaultfd(0)");
	return 0;
}
