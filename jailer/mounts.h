/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_MOUNTS_H
#define VMJAIL_MOUNTS_H

#include "jailer/err.h"
#include "jailer/plan.h"

/* In the tenant's new mount namespace: mount the planned binds into a copy
 * of the jail root, pivot_root into it, detach the host root. */
/*
 * In the host's mount namespace, before the clone: turn each host source's
 * checked O_PATH fd into a detached copy of its mount (open_tree clones only
 * mounts of the caller's own namespace, and the tenant's is new), so the
 * tenant process binds exactly what was checked.
 */
int vj_mounts_detach_sources(struct vj_plan *p, struct vj_err *e);

/* After the clone: the supervisor closes its copies of the detached trees
 * (the tenant process has its own), so it holds no host mount for the
 * jail's lifetime. */
void vj_mounts_close_sources(struct vj_plan *p);

int vj_mounts_enter_jail(const struct vj_plan *p, int root_fd, struct vj_err *e);

#endif
