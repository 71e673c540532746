/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Firecracker jailer compatibility (jailer/fc_compat.c): what an orchestrator
 * that drives Firecracker's jailer (firecracker-go-sdk, firecracker-containerd,
 * flintlock) expects beyond the flags vmjail already shares with it.
 * docs/firecracker.md lists what matches, what differs and why.
 */
#ifndef VMJAIL_FC_COMPAT_H
#define VMJAIL_FC_COMPAT_H

#include <stdbool.h>

#include "jailer/cli.h"
#include "jailer/err.h"

struct vj_plan;
struct vj_launch;

/* Exit status of every jailer error in compat mode (the jailer's main
 * returns Err: Rust exits 1). */
#define VJ_FC_EXIT_ERROR 1

/*
 * On with --firecracker-compat, off with --no-firecracker-compat, else on
 * when the exec file's name starts with "firecracker" (firecracker,
 * firecracker-v1.10.1-x86_64): what the orchestrators pass.  The name is
 * enough: compat mode changes the VMM's arguments, a pid file and exit codes,
 * never a security layer, so a misnamed binary gains nothing.
 */
bool vj_fc_compat_on(const struct vj_cli *cli);
/* The same decision from a command line that did not parse. */
bool vj_fc_compat_on_argv(int argc, char **argv);

/* Plan step: the jailer's validation (--cgroup FILE=VALUE with exactly one
 * '='), and the VMM's argv with --id, --start-time-us, --start-time-cpu-us,
 * --parent-cpu-time-us before the caller's arguments. */
int vj_fc_compat_plan(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e);

/* Supervisor, after clone and before the tenant runs: <root>/<exec>.pid
 * with the VMM's pid (host pid namespace), as the jailer writes it. */
int vj_fc_compat_pidfile(const struct vj_launch *l, struct vj_err *e);

/* Child, right before the last layers: --start-time-cpu-us is the VMM
 * process's own CPU time at exec, as Firecracker's jailer passes it. */
void vj_fc_compat_child(const struct vj_plan *p);

/* vmjail's own exit status (64, 125, 126) -> the jailer's in compat mode. */
int vj_fc_compat_exit(const struct vj_cli *cli, int status);

#endif
