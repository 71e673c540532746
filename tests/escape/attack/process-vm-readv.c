// SPDX-License-Identifier: Apache-2.0
// Other processes: read tenant B'\''s memory.
#include "attack.h"

static int attack(const struct target *t)
{
	verdict_rc(sys_try(SYS_process_vm_readv, atoi(t->b_pid), 0, 0, 0, 0, 0), "seccomp", "process-vm-readv");
	return 0;
}
