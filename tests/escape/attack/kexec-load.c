// SPDX-License-Identifier: Apache-2.0
// Replacing the kernel: kexec_load.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_kexec_load, 0, 0, 0, 0), "seccomp", "kexec-load");
	return 0;
}
