// SPDX-License-Identifier: Apache-2.0
// Overwriting the VMM binary in the jail (its copy is root-owned, the root read-only).
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open(attack_argv0, O_WRONLY));
	if (fd >= 0)
		escaped("the exec file %s is open for writing", attack_argv0);
	blocked(errno == EROFS ? "mount-ns" : errno == EACCES ? "dac" : "jailer", "open(%s, O_WRONLY): %s", attack_argv0, ename(errno));
}
