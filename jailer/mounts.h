/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_MOUNTS_H
#define VMJAIL_MOUNTS_H

#include "jailer/err.h"
#include "jailer/plan.h"

/* In the tenant's new mount namespace: mount the planned binds into a copy
 * of the jail root, pivot_root into it, detach the host root. */
int vj_mounts_enter_jail(const struct vj_plan *p, int root_fd, struct vj_err *e);

#endif
