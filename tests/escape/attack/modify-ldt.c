// SPDX-License-Identifier: Apache-2.0
// Kernel surface: 16-bit LDT segments (CVE-2015-5157).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_modify_ldt, 0, 0, 0), "seccomp", "modify-ldt");
	return 0;
}
