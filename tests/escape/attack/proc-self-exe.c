// SPDX-License-Identifier: Apache-2.0
// Overwriting the host binary (runc CVE-2019-5736): /proc/self/exe opened for writing.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/proc/self/exe", O_WRONLY));
	if (fd >= 0)
		escaped("/proc/self/exe is open for writing");
	blocked(errno == ENOENT ? "mount-ns" : errno == EACCES ? "landlock" : "dac", "open(/proc/self/exe, O_WRONLY): %s", ename(errno));
}
