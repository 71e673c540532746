// SPDX-License-Identifier: Apache-2.0
// Exploit mitigations: personality(READ_IMPLIES_EXEC) makes data executable; the policy refuses it (the default with EPERM: this proves the policy filter itself is loaded, not only exec-once).
#include "attack.h"
#include <sys/personality.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_personality, READ_IMPLIES_EXEC), "seccomp", "personality(READ_IMPLIES_EXEC)");
}
