// SPDX-License-Identifier: Apache-2.0
// Hardware: raise the I/O privilege level.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_iopl, 3), "seccomp", "iopl");
	return 0;
}
