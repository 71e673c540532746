// SPDX-License-Identifier: Apache-2.0
// Other processes: SIGKILL a host process of another uid.
#include "attack.h"
#include <signal.h>

static int attack(const struct target *t)
{
	long rc = sys_try(SYS_kill, atoi(t->host_pid), SIGKILL);
	verdict_rc(rc, "dac", "kill(host process, SIGKILL)");
}
