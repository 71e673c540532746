// SPDX-License-Identifier: Apache-2.0
// Leaked fds (runc CVE-2024-21626): vmjail's parent leaked fd 9 (the secret) and 10 (the host root); at exec only 0, 1, 2 may be open.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	for (int fd = 3; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0) {
			char link[64] = "";
			escaped("fd %d is open in the jail", fd);
			(void)link;
		}
	blocked("jailer", "only fds 0-2 are open (close_range before exec)");
}
