// SPDX-License-Identifier: Apache-2.0
// Exec after start: execve the VMM binary again (exec-once: one exec per jail).
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	char *argv[] = {(char *)attack_argv0, NULL};
	via(SYS_execve, execve(attack_argv0, argv, NULL));
	blocked(errno == EPERM ? "exec-once" : "landlock", "execve(%s): %s", attack_argv0, ename(errno));
}
