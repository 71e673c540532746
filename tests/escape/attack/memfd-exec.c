// SPDX-License-Identifier: Apache-2.0
// Exec after start: write the binary into a memfd and execveat it (no file on disk).
#include "attack.h"
#include <fcntl.h>
#include <sys/mman.h>

static int attack(const struct target *t)
{
	(void)t;
	int in = via(SYS_openat, open(attack_argv0, O_RDONLY));
	if (in < 0)
		blocked("seccomp-errno", "open(%s): %s", attack_argv0, ename(errno));
	int m = (int)sys_try(SYS_memfd_create, "x", 0);
	if (m < 0)
		blocked("seccomp-errno", "memfd_create: %s", ename(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		(void)!write(m, buf, (size_t)n);
	char *argv[] = {"x", NULL};
	sys_try(SYS_execveat, m, "", argv, NULL, AT_EMPTY_PATH);
	blocked(errno == EPERM ? "exec-once" : "landlock", "execveat(memfd): %s", ename(errno));
}
