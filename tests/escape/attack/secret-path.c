// SPDX-License-Identifier: Apache-2.0
// Files: the host secret by its host path.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	int fd = via(SYS_openat, open(t->secret, O_RDONLY));
	if (fd >= 0)
		escaped("opened the host secret %s", t->secret);
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "open(%s): %s", t->secret, ename(errno));
}
