// SPDX-License-Identifier: Apache-2.0
// Devices: /dev/mem is not in the jail.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/dev/mem", O_RDONLY));
	if (fd >= 0)
		escaped("opened /dev/mem");
	blocked(errno == ENOENT ? "mount-ns" : "cgroup-bpf", "open(/dev/mem): %s", ename(errno));
}
