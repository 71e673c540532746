// SPDX-License-Identifier: Apache-2.0
// Credential state: no capability in any set (permitted, effective, inheritable, bounding, ambient).
#include "attack.h"
#include <linux/capability.h>
#include <sys/prctl.h>

static int attack(const struct target *t)
{
	(void)t;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};
	if (sys_try(SYS_capget, &h, d) < 0)
		blocked("caps", "capget: %s", ename(errno));
	if (d[0].permitted | d[1].permitted | d[0].effective | d[1].effective | d[0].inheritable | d[1].inheritable)
		escaped("capabilities held: prm %08x%08x", d[1].permitted, d[0].permitted);
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			escaped("capability %d is in the bounding set", c);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			escaped("capability %d is ambient", c);
	}
	blocked("jailer", "every capability set is empty");
}
