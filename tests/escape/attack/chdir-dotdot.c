// SPDX-License-Identifier: Apache-2.0
// Root switching: walk up with .. past the jail root and read the host secret.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	int fd = via(SYS_openat, open(t->secret[0] == 47 ? t->secret + 1 : t->secret, O_RDONLY));
	if (fd >= 0)
		escaped("read %s after chdir(..) x64", t->secret);
	int e = errno;
	fd = via(SYS_openat, open("etc/passwd", O_RDONLY));
	if (fd >= 0)
		escaped("read etc/passwd after chdir(..) x64");
	blocked(e == ENOENT ? "mount-ns" : "landlock", "open of the secret after chdir(..): %s", ename(e));
}
