// SPDX-License-Identifier: Apache-2.0
/* The name of a seccomp action, as a policy writes it. */
#include <stdio.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"

/* The action as a policy writes it: "allow", "kill-process", "errno EPERM". */
const char *vj_action_name(const struct vj_action *a, char *buf, size_t len)
{
	static const char *const names[] = {
	    [VJ_ACT_KILL_PROCESS] = "kill-process",
	    [VJ_ACT_KILL_THREAD] = "kill-thread",
	    [VJ_ACT_TRAP] = "trap",
	    [VJ_ACT_ERRNO] = "errno",
	    [VJ_ACT_USER_NOTIF] = "user-notify",
	    [VJ_ACT_LOG] = "log",
	    [VJ_ACT_ALLOW] = "allow",
	};
	if (!buf || len == 0)
		return "";
	if (!a || (unsigned)a->kind > VJ_ACT_ALLOW) {
		snprintf(buf, len, "invalid");
	} else if (a->kind == VJ_ACT_ERRNO) {
		const char *n = vj_errno_name(a->errnum);
		if (n)
			snprintf(buf, len, "errno %s", n);
		else
			snprintf(buf, len, "errno %d", a->errnum);
	} else {
		snprintf(buf, len, "%s", names[a->kind]);
	}
	return buf;
}
