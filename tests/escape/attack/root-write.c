// SPDX-License-Identifier: Apache-2.0
// Files: create a file in the jail root (a read-only mount).
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/planted", O_WRONLY | O_CREAT | O_EXCL, 0644));
	if (fd >= 0)
		escaped("created /planted in the jail root");
	blocked(errno == EROFS ? "mount-ns" : "landlock", "creat(/planted): %s", ename(errno));
}
