// SPDX-License-Identifier: Apache-2.0
// Exec after start: a forked child execs (exec-once counts per jail, not per process).
#include "attack.h"
#include <sys/wait.h>

static int attack(const struct target *t)
{
	(void)t;
	int p[2];
	if (pipe(p) < 0)
		blocked("jailer", "pipe: %s", ename(errno));
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)attack_argv0, NULL};
		via(SYS_execve, execve(attack_argv0, argv, NULL));
		int e = errno;
		(void)!write(p[1], &e, sizeof e);
		_exit(0);
	}
	int e = 0;
	close(p[1]);
	if (read(p[0], &e, sizeof e) != sizeof e)
		escaped("the child exec'd %s", attack_argv0);
	waitpid(pid, NULL, 0);
	blocked(e == EPERM ? "exec-once" : "landlock", "execve in a child: %s", ename(e));
}
