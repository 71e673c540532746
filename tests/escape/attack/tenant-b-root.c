// SPDX-License-Identifier: Apache-2.0
// Cross-tenant: tenant B'\''s files by their host path.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	char p[512];
	snprintf(p, sizeof p, "%s/run", t->b_root);
	int fd = via(SYS_openat, open(p, O_RDONLY | O_DIRECTORY));
	if (fd >= 0)
		escaped("opened tenant B's %s", p);
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "open(%s): %s", p, ename(errno));
}
