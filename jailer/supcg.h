/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supervisor's own cgroup.  A supervisor reads every kernel audit record
 * of the host (the multicast group cannot be filtered per tenant), so a
 * flood by one tenant made an idle bystander's supervisor burn CPU outside
 * every cgroup.  Each supervisor (and its reaper) therefore runs in
 * <cpu hierarchy>/vmjail.supervisors/sup-<pid>: a quarter of a CPU each,
 * one CPU for all of them together.  Its tenant is moved to the tenant's own
 * cgroups before it runs a single instruction (jailer/launch.c), so the
 * tenant never shares this budget.  No cpu controller at all (some cgroup2
 * hosts): said once on stderr, the launch goes on.
 */
#ifndef VMJAIL_SUPCG_H
#define VMJAIL_SUPCG_H

#include "jailer/err.h"

struct vj_launch;

#define VJ_SUPCG_PARENT   "vmjail.supervisors"
#define VJ_SUPCG_QUOTA_US 25000  /* per supervisor, of a 100 ms period */
#define VJ_SUPCG_ALL_US   100000 /* all supervisors together */

int vj_supcg_enter(struct vj_launch *l, struct vj_err *e);
/* Back to the parent and remove the supervisor's dir (its reaper is gone). */
void vj_supcg_leave(struct vj_launch *l);

#endif
