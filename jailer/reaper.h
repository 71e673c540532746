/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reaper: a small root process beside the supervisor that kills the whole
 * tenant if the supervisor dies without saying goodbye (SIGKILL, a crash, the
 * OOM killer).  The parent-death signal only reaches the VMM itself; its
 * children would live on with no TTL and no audit.  The reaper holds the
 * read end of a pipe whose only write end is the supervisor's: EOF without a
 * "done" byte means the supervisor is gone, and the reaper then kills every
 * task in the tenant's cgroups (cgroup.kill, or freezer and SIGKILL on v1)
 * and records it in the jail's audit log.
 */
#ifndef VMJAIL_REAPER_H
#define VMJAIL_REAPER_H

#include "jailer/err.h"

struct vj_launch;

/* Fork the reaper for l's cgroups; l->reaper_fd keeps the write end. */
int vj_reaper_start(struct vj_launch *l, struct vj_err *e);

/* The supervisor ends normally: the reaper exits without killing. */
void vj_reaper_stop(struct vj_launch *l);

#endif
