// SPDX-License-Identifier: Apache-2.0
// Extending the kernel: finit_module from an fd.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_finit_module, 0, "", 0), "seccomp", "finit-module");
	return 0;
}
