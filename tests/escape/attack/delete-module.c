// SPDX-License-Identifier: Apache-2.0
// Host kernel: unload a module.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_delete_module, "vmjail-none", 0), "seccomp", "delete-module");
	return 0;
}
