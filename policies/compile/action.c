// SPDX-License-Identifier: Apache-2.0
/* Actions: their kernel return values (their names: policies/lang/names.c). */
#include "policies/compile/seccomp.h"

uint32_t vj_action_ret(const struct vj_action *a)
{
	/* Anything malformed becomes the harshest action: a caller that got
	 * past validation with garbage must not end up allowing syscalls. */
	if (!a)
		return SECCOMP_RET_KILL_PROCESS;
	switch (a->kind) {
	case VJ_ACT_KILL_PROCESS:
		return SECCOMP_RET_KILL_PROCESS;
	case VJ_ACT_KILL_THREAD:
		return SECCOMP_RET_KILL_THREAD;
	case VJ_ACT_TRAP:
		return SECCOMP_RET_TRAP;
	case VJ_ACT_ERRNO:
		if (a->errnum < 1 || a->errnum > 4095)
			return SECCOMP_RET_KILL_PROCESS;
		return SECCOMP_RET_ERRNO | ((uint32_t)a->errnum & SECCOMP_RET_DATA);
	case VJ_ACT_USER_NOTIF:
		return SECCOMP_RET_USER_NOTIF;
	case VJ_ACT_LOG:
		return SECCOMP_RET_LOG;
	case VJ_ACT_ALLOW:
		return SECCOMP_RET_ALLOW;
	}
	return SECCOMP_RET_KILL_PROCESS;
}
