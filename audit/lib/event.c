// SPDX-License-Identifier: Apache-2.0
/*
 * vj_event defaults.  "Absent" differs per field (0, -1 or NULL) because 0 is
 * a meaningful value for some of them (uid 0, exit code 0, syscall 0 = read
 * on x86_64); the encoder relies on exactly these sentinels to omit a field.
 */
#include "audit/event.h"

#include <string.h>

void vj_event_init(struct vj_event *ev, enum vj_ev_kind kind, const char *type)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->type = type;
	ev->uid = -1;
	ev->syscall = -1;
	ev->port = -1;
	ev->exit_code = -1;
	ev->gid = -1;
	ev->auid = -1;
	ev->ses = -1;
}
