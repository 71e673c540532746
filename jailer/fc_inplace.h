/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Firecracker compatibility's process model (jailer/fc_inplace.c): the VMM
 * keeps the pid of the process the caller started, as with Firecracker's
 * jailer, which execs Firecracker in place.  firecracker-go-sdk signals and
 * waits for that pid (cmd.Process), so it must be the VMM itself.
 *
 * vmjail prepares the jail as always, then, where it would clone the tenant,
 * forks the supervisor instead: the caller's process P goes on as the tenant
 * (namespaces by unshare, placed in its cgroups by the supervisor, every
 * layer, exec), and the forked supervisor S keeps every duty it has in the
 * default model (exec-once, audit, TTL, exit report, cleanup) watching P
 * through a pidfd it took before the fork, so it always names P.  S is not
 * P's parent: it learns P's end from the pidfd and its status as described
 * at vj_fc_inplace_status().  The reaper is S's child, started before P
 * joins its cgroups: S's death still kills every tenant task.
 *
 * Used in compat mode without --new-pid-ns (a new pid namespace needs a new
 * process: there the default model stays and the pid file names the VMM).
 */
#ifndef VMJAIL_FC_INPLACE_H
#define VMJAIL_FC_INPLACE_H

#include <signal.h>
#include <stdbool.h>

#include "jailer/err.h"

struct vj_launch;
struct vj_plan;

/* Launch step instead of the clone: 0 in the supervisor (l->pid, l->pidfd
 * name the tenant, the reaper runs); the tenant's side never returns. */
int vj_fc_inplace_fork(struct vj_launch *l, struct vj_err *e);

/* Supervisor: put the tenant into the cgroup2 leaf (the clone model gets
 * there by CLONE_INTO_CGROUP; v1 placement is vj_cg_attach_v1 in both). */
int vj_fc_inplace_attach_v2(struct vj_launch *l, struct vj_err *e);

/* Tenant side, first thing: the namespaces the clone would have made. */
int vj_fc_inplace_unshare(const struct vj_launch *l, struct vj_err *e);

/* Supervisor, undoing a launch: end the tenant (a tenant still waiting for
 * the go ends itself with the jailer's exit status 1; one already released
 * is killed) and wait until it has exited. */
void vj_fc_inplace_stop(struct vj_launch *l);

/* Supervisor, once the pidfd polled readable (the tenant exited): its status
 * as waitid would give it.  Read through the pidfd once the caller reaped it
 * (PIDFD_INFO_EXIT, 6.15+), else from /proc/<pid>/stat while it is a zombie,
 * checked to still be that zombie after the read.  si_code 0: unknown (a
 * kernel before 6.15 and a caller that reaped first).  block: wait for the
 * exit first. */
void vj_fc_inplace_status(struct vj_launch *l, bool block, siginfo_t *si);

#endif
