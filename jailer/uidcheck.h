/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Without a pid namespace a tenant sees the host's pids, and the kernel lets
 * a process act on any other process of its own uid: prlimit (a host busy
 * loop was killed through RLIMIT_CPU), setpriority, sched_setaffinity,
 * ioprio_set, kill (Landlock's signal scope stops only that one).  So a
 * launch without a pid namespace is refused while the tenant's uid owns any
 * process: a host daemon, a user's shell, or another tenant.  With a pid
 * namespace the kernel hides every process outside it and no check is
 * needed.  The check is made right before the tenant is cloned; a process
 * started with that uid later is the operator's choice of uid.
 */
#ifndef VMJAIL_UIDCHECK_H
#define VMJAIL_UIDCHECK_H

#include <sys/types.h>

#include "jailer/err.h"

/* 0 if no process has uid as its real, effective, saved or fs uid;
 * -EBUSY naming one if some does. */
int vj_uid_check_unused(uid_t uid, struct vj_err *e);

#endif
