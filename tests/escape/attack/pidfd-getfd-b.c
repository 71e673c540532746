// SPDX-License-Identifier: Apache-2.0
// Cross-tenant: steal an fd of tenant B'\''s VMM with pidfd_getfd (needs ptrace access).
#include "attack.h"

static int attack(const struct target *t)
{
	long pfd = sys_try(SYS_pidfd_open, atoi(t->b_pid), 0);
	if (pfd < 0)
		blocked(errno == ESRCH ? "pid-ns" : "seccomp-errno", "pidfd_open(B): %s", ename(errno));
	verdict_rc(sys_try(SYS_pidfd_getfd, pfd, 0, 0), "dac", "pidfd_getfd(B, 0)");
}
