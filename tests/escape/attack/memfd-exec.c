// SPDX-License-Identifier: Apache-2.0
// Exec after start: write the binary into a memfd and execveat it (no file on disk).
#include "attack.h"
#include <fcntl.h>
#include <sys/mman.h>

static int attack(const struct target *t)
{
	(void)t;
	int in = open(attack_argv0, O_RDONLY);
	int m = (int)syscall(SYS_memfd_create, "x", 0);
	if (in < 0 || m < 0)
		blocked("seccomp-errno", "open/memfd_create: %s", ename(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		(void)!write(m, buf, (size_t)n);
	char *argv[] = {"x", NULL};
	syscall(SYS_execveat, m, "", argv, NULL, AT_EMPTY_PATH);
	blocked(errno == EPERM ? "exec-once" : "landlock", "execveat(memfd): %s", ename(errno));
}
