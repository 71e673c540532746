// SPDX-License-Identifier: Apache-2.0
// Kernel surface: the kernel keyrings.
#include "attack.h"
#include <linux/keyctl.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), "seccomp", "keyctl");
	return 0;
}
