// SPDX-License-Identifier: Apache-2.0
// Cross-tenant: ptrace tenant B'\''s VMM.
#include "attack.h"
#include <sys/ptrace.h>

static int attack(const struct target *t)
{
	verdict_rc(sys_try(SYS_ptrace, PTRACE_ATTACH, atoi(t->b_pid), 0, 0), "seccomp", "ptrace(ATTACH, B)");
}
