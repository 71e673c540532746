/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small QMP client for QEMU tenants (pause/resume, suspend to disk).
 *
 * The monitor socket lives in the tenant's writable dir, and whatever answers
 * on it is the tenant's QEMU: both are hostile.  The socket is opened beneath
 * the jail root without following symlinks and must be a socket owned by the
 * tenant (a planted symlink to a host daemon's socket is refused), and every
 * reply is bounded and only ever tells us whether the tenant's own command
 * worked.
 */
#ifndef VMJAIL_QMP_H
#define VMJAIL_QMP_H

#include <stddef.h>
#include <sys/types.h>

#include "jailer/err.h"

struct vj_qmp {
	int fd;
	char buf[65536];
	size_t len;
};

/* Connect to jail_path (absolute, inside the jail) beneath root_fd, check it
 * is a socket owned by owner, read the greeting, negotiate capabilities. */
int vj_qmp_open(struct vj_qmp *q, int root_fd, const char *jail_path, uid_t owner, int timeout_ms,
                struct vj_err *e);

/* Run one command (a JSON object), optionally passing fd with SCM_RIGHTS.
 * Copies the reply line into reply (may be NULL).  Returns 0 on "return",
 * -EREMOTEIO on "error" (the reply says why), -errno otherwise. */
int vj_qmp_cmd(struct vj_qmp *q, const char *cmd, int pass_fd, char *reply, size_t replylen,
               int timeout_ms, struct vj_err *e);

void vj_qmp_close(struct vj_qmp *q);

#endif
