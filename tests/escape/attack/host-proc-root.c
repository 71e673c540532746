// SPDX-License-Identifier: Apache-2.0
// Files via /proc: the host root through /proc/1/root.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/proc/1/root/etc/passwd", O_RDONLY));
	if (fd >= 0)
		escaped("opened /proc/1/root/etc/passwd");
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "open(/proc/1/root/etc/passwd): %s", ename(errno));
}
