// SPDX-License-Identifier: Apache-2.0
#include "jailer/canary.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

int vj_canary_wait(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EPERM;
}

int vj_canary_run(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	return vj_canary_wait(pid);
}
