// SPDX-License-Identifier: Apache-2.0
// Kernel surface: add_key into the session keyring.
#include "attack.h"
#include <linux/keyctl.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_add_key, "user", "vmjail", "x", 1, KEY_SPEC_SESSION_KEYRING), "seccomp", "add_key");
	return 0;
}
