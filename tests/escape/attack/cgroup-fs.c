// SPDX-License-Identifier: Apache-2.0
// Policy tampering: the tenant's own cgroup files (limits, freezer) are out of reach (no /sys in the jail).
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/sys/fs/cgroup/cgroup.procs", O_WRONLY));
	if (fd >= 0)
		escaped("opened a cgroup.procs for writing");
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "open(/sys/fs/cgroup/cgroup.procs): %s", ename(errno));
}
