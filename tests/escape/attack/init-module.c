// SPDX-License-Identifier: Apache-2.0
// Extending the kernel: init_module.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_init_module, "", 0, ""), "seccomp", "init-module");
	return 0;
}
