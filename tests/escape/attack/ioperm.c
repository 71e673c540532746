// SPDX-License-Identifier: Apache-2.0
// Hardware: I/O port access.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_ioperm, 0x60, 1, 1), "seccomp", "ioperm");
	return 0;
}
