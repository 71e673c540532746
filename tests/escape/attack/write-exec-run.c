// SPDX-License-Identifier: Apache-2.0
// Exec after start: copy the binary into the tenant's writable /run and exec it (noexec, Landlock, exec-once).
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int in = via(SYS_openat, open(attack_argv0, O_RDONLY));
	int out = in < 0 ? -1 : via(SYS_openat, open("/run/x", O_WRONLY | O_CREAT | O_TRUNC, 0755));
	if (in < 0 || out < 0) /* ENOENT: the policy gives the jail no /run */
		blocked(errno == EACCES ? "landlock" : "jail-layout", "copy to /run: %s", ename(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		(void)!write(out, buf, (size_t)n);
	close(out);
	char *argv[] = {"/run/x", NULL};
	via(SYS_execve, execve("/run/x", argv, NULL));
	blocked(errno == EPERM ? "exec-once" : errno == EACCES ? "landlock" : "mount-ns", "execve(/run/x): %s", ename(errno));
}
