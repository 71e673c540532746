/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Enforcement layers behind one small interface.
 *
 * A layer is a file (jailer/layer_<name>.c) that fills a struct vj_layer_ops.
 * The launch pipeline calls the hooks in a fixed order and knows nothing
 * else about a layer, so adding one (the BPF LSM, AppArmor) is one new file
 * plus a line in vj_layers[].
 *
 *   probe    does this kernel enforce the layer?  "Available" means a canary
 *            was refused, not that something loaded.  Runs in the supervisor
 *            (forks what it needs) and must leave nothing behind.
 *   prepare  parent side, before the tenant process exists (compile, register
 *            the tenant's rules keyed by its cgroup id).
 *   apply    in the tenant process, after identity is dropped, before exec.
 *   release  parent side, at cleanup: undo prepare.  Idempotent.
 *   describe one or more human lines for --dry-run and `vmjail --probe`.
 */
#ifndef VMJAIL_LAYER_H
#define VMJAIL_LAYER_H

#include <stdbool.h>
#include <stdio.h>

#include "jailer/err.h"
#include "policies/lang/policy.h"

struct vj_probe {
	bool available;
	char features[256]; /* e.g. "ABI 7: fs, tcp, scope, audit" */
	char reason[600];   /* why not, when unavailable */
};

struct vj_plan;
struct vj_launch;

struct vj_layer_ops {
	enum vj_layer id;
	int (*probe)(struct vj_probe *out);
	int (*prepare)(struct vj_launch *l, struct vj_err *e);
	int (*apply)(struct vj_launch *l, struct vj_err *e);
	void (*release)(struct vj_launch *l);
	void (*describe)(const struct vj_plan *p, FILE *out);
};

/* In the order the tenant process applies them: seccomp last. */
extern const struct vj_layer_ops *const vj_layers[VJ_LAYER__COUNT];
const struct vj_layer_ops *vj_layer_ops(enum vj_layer id);

/* Probe every layer; use_cache: reuse this boot's and this build's results
 * from <run dir>/probe.cache; write_cache: store what was probed there. */
int vj_probe_all(struct vj_probe out[VJ_LAYER__COUNT], bool use_cache, bool write_cache);

/* `vmjail --probe [--json]` */
int vj_probe_print(FILE *out, bool json);

extern const struct vj_layer_ops vj_layer_seccomp;
extern const struct vj_layer_ops vj_layer_exec_once;
extern const struct vj_layer_ops vj_layer_landlock;
extern const struct vj_layer_ops vj_layer_cgroup_bpf;
extern const struct vj_layer_ops vj_layer_cgroup_limits;
extern const struct vj_layer_ops vj_layer_bpf_lsm;
extern const struct vj_layer_ops vj_layer_apparmor;

#endif
