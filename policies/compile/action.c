// SPDX-License-Identifier: Apache-2.0
/* Actions: their kernel return values and the names reviewers read. */
#include "policies/compile/seccomp.h"

#include <stdio.h>
#include <string.h>

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

const char *vj_action_name(const struct vj_action *a, char *buf, size_t len)
{
	const char *s = NULL;

	if (!buf || len == 0)
		return "";
	if (!a) {
		snprintf(buf, len, "invalid");
		return buf;
	}
	switch (a->kind) {
	case VJ_ACT_KILL_PROCESS:
		s = "kill-process";
		break;
	case VJ_ACT_KILL_THREAD:
		s = "kill-thread";
		break;
	case VJ_ACT_TRAP:
		s = "trap";
		break;
	case VJ_ACT_USER_NOTIF:
		s = "user-notify";
		break;
	case VJ_ACT_LOG:
		s = "log";
		break;
	case VJ_ACT_ALLOW:
		s = "allow";
		break;
	case VJ_ACT_ERRNO: {
		const char *n = NULL;
		if (a->errnum >= 1 && a->errnum <= 4095)
			n = strerrorname_np(a->errnum);
		if (n)
			snprintf(buf, len, "errno %s", n);
		else
			snprintf(buf, len, "errno %d", a->errnum);
		return buf;
	}
	}
	snprintf(buf, len, "%s", s ? s : "invalid");
	return buf;
}
