// SPDX-License-Identifier: Apache-2.0
// Resources: a fork bomb stops at the tenant'\''s pids limit; B keeps running.
#include "attack.h"
#include <signal.h>
#include <sys/wait.h>

static int attack(const struct target *t)
{
	(void)t;
	int n = 0;
	tried(SYS_clone); /* glibc's fork(), announced once */
	for (; n < 100000; n++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
	}
	int e = errno;
	signal(SIGTERM, SIG_IGN); /* the children die, the verdict is written */
	kill(0, SIGTERM);
	if (n >= 100000)
		escaped("forked %d processes", n);
	blocked(e == EAGAIN ? "cgroup" : "rlimit", "fork refused after %d children: %s", n, ename(e));
}
