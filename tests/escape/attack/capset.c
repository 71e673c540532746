// SPDX-License-Identifier: Apache-2.0
// Privilege regain: raise every capability with capset.
#include "attack.h"
#include <linux/capability.h>

static int attack(const struct target *t)
{
	(void)t;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	memset(d, 0xff, sizeof d);
	verdict_rc(sys_try(SYS_capset, &h, d), "caps", "capset(all)");
}
