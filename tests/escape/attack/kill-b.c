// SPDX-License-Identifier: Apache-2.0
// Cross-tenant: SIGKILL tenant B'\''s VMM by its host pid.
#include "attack.h"
#include <signal.h>

static int attack(const struct target *t)
{
	long rc = sys_try(SYS_kill, atoi(t->b_pid), SIGKILL);
	verdict_rc(rc, "dac", "kill(B, SIGKILL)");
}
