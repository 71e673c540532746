// SPDX-License-Identifier: Apache-2.0
// Kernel surface: a userfaultfd that traps kernel accesses widens kernel races.
#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	long rc = sys_try(SYS_userfaultfd, 0);
	/* EPERM where the policy allows it: vm.unprivileged_userfaultfd=0 and no
	 * CAP_SYS_PTRACE (the capability check; a seccomp EPERM has its record) */
	verdict_rc(rc, errno == EPERM ? "caps" : "seccomp", "userfaultfd(0)");
	return 0;
}
