// SPDX-License-Identifier: Apache-2.0
// Privilege regain: clone3 passes its flags in memory where seccomp cannot look (finding 3).
#include "attack.h"
#include <linux/sched.h>
#include <signal.h>
#include <sys/wait.h>

static int attack(const struct target *t)
{
	(void)t;
	struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	long pid = sys_try(SYS_clone3, &ca, sizeof ca);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		escaped("clone3(CLONE_NEWUSER) made child %ld", pid);
	}
	blocked("seccomp-errno", "clone3(CLONE_NEWUSER): %s", ename(errno));
}
