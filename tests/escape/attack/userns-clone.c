// SPDX-License-Identifier: Apache-2.0
// Privilege regain: clone(CLONE_NEWUSER|CLONE_NEWNET), then raw sockets inside (finding 3).
#include "attack.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

static int attack(const struct target *t)
{
	(void)t;
	long pid = sys_try(SYS_clone, CLONE_NEWUSER | CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		escaped("clone(CLONE_NEWUSER|CLONE_NEWNET) made child %ld", pid);
	}
	blocked("seccomp-errno", "clone(CLONE_NEWUSER): %s", ename(errno));
}
