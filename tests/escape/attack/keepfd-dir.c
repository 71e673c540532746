// SPDX-License-Identifier: Apache-2.0
// escape-flags: --keep-fd 10
// escape-refused: --keep-fd 10 is a directory
// Leaked fds (finding 14, runc CVE-2024-21626): fd 10 is a host directory
// (the host root) handed over with --keep-fd: fchdir to it leaves the jail.
// vmjail must refuse to launch with a directory fd kept.
#include "attack.h"

static int attack(const struct target *t)
{
	if (fchdir(10) < 0)
		blocked("jailer", "fchdir(10): %s", ename(errno));
	(void)t;
	char cwd[256] = "";
	long n = sys_try(SYS_getcwd, cwd, sizeof cwd);
	escaped("fchdir to the kept host directory worked: cwd %s (%ld)", cwd, n);
}
