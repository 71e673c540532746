// SPDX-License-Identifier: Apache-2.0
// Other processes: renice a host process (finding 9 class).
#include "attack.h"
#include <sys/resource.h>

static int attack(const struct target *t)
{
	verdict_rc(sys_try(SYS_setpriority, PRIO_PROCESS, atoi(t->host_pid), 19), "dac", "setpriority(host process, 19)");
}
