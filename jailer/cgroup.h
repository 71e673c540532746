/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups v1, v2 and hybrid (v1 hierarchies own the controllers, an empty
 * cgroup2 is mounted beside them).
 *
 * A tenant gets one directory `<mount>/<parent>/<id>` in every v1 hierarchy
 * that carries a controller vmjail knows, and a cgroup2 leaf whenever cgroup2
 * is mounted: the BPF layers key their per-tenant rules on that leaf's id,
 * and cgroup.freeze / cgroup.kill work there even when it has no controllers.
 *
 * Planning is pure (vj_cg_plan_build); only vj_cg_create and later touch the
 * filesystem, and each records what it made so undo removes exactly that.
 */
#ifndef VMJAIL_CGROUP_H
#define VMJAIL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jailer/err.h"

enum vj_cg_ctrl {
	VJ_CG_CPU,
	VJ_CG_CPUACCT,
	VJ_CG_CPUSET,
	VJ_CG_MEMORY,
	VJ_CG_DEVICES,
	VJ_CG_FREEZER,
	VJ_CG_BLKIO, /* "io" in v2 */
	VJ_CG_PIDS,
	VJ_CG__COUNT
};

const char *vj_cg_ctrl_name(enum vj_cg_ctrl c, int version);
int vj_cg_ctrl_from_name(const char *name); /* v1 or v2 spelling; -1 if unknown */

#define VJ_CG_MAX_HIER 16

struct vj_cg_hier {
	char mnt[PATH_MAX];
	uint32_t ctrls; /* bit (1u << vj_cg_ctrl) */
};

struct vj_cg_layout {
	struct vj_cg_hier v1[VJ_CG_MAX_HIER];
	unsigned nv1;
	bool has_v2;
	char v2_mnt[PATH_MAX];
	uint32_t v2_ctrls; /* controllers listed in the v2 root's cgroup.controllers */
};

/* Parse a mountinfo file (normally /proc/self/mountinfo). */
int vj_cg_discover(const char *mountinfo, struct vj_cg_layout *out, struct vj_err *e);

struct vj_cg_write {
	unsigned dir; /* index in vj_cg_plan.dirs */
	char file[96];
	char value[256];
};

#define VJ_CG_MAX_WRITES 80

struct vj_cg_dir {
	char mnt[PATH_MAX]; /* hierarchy mount */
	bool v2;
	uint32_t ctrls;
};

struct vj_cg_plan {
	int version;      /* where limits go: 1 or 2 */
	char parent[256]; /* relative to each mount */
	bool parent_explicit;
	char id[65];
	struct vj_cg_dir dirs[VJ_CG_MAX_HIER + 1];
	unsigned ndirs;
	int v2_dir; /* index of the cgroup2 leaf, -1 if no cgroup2 */
	struct vj_cg_write writes[VJ_CG_MAX_WRITES];
	unsigned nwrites;
	uint32_t v2_enable; /* controllers to enable in v2 ancestors' subtree_control */
};

struct vj_cli;
struct vj_policy;

/* Translate --cgroup-version, --parent-cgroup, --cgroup and the policy's
 * limits into directories and writes.  Pure. */
int vj_cg_plan_build(const struct vj_cg_layout *lay, const struct vj_cli *cli,
                     const struct vj_policy *pol, const char *exec_base, struct vj_cg_plan *out,
                     struct vj_err *e);

/* "<mnt>/<parent>/<id>" of dir i. */
void vj_cg_dir_path(const struct vj_cg_plan *p, unsigned i, char *buf, size_t len);

/*
 * Create the tenant's directories and write the limits.  Refuses a tenant dir
 * that already exists (another jail with this id).  On failure everything this
 * call created is removed again.
 */
int vj_cg_create(const struct vj_cg_plan *p, struct vj_err *e);

/* O_PATH|O_DIRECTORY fd of the cgroup2 leaf (for clone3 CLONE_INTO_CGROUP). */
int vj_cg_open_v2_leaf(const struct vj_cg_plan *p, struct vj_err *e);
/* cgroup2 id of the leaf (its inode number), 0 if none. */
uint64_t vj_cg_v2_id(const struct vj_cg_plan *p);

/* Place pid in every v1 tenant dir (cgroup2 placement happens at clone). */
int vj_cg_attach_v1(const struct vj_cg_plan *p, pid_t pid, struct vj_err *e);

/* Freeze or thaw every task of the tenant (cgroup2 cgroup.freeze, else v1 freezer). */
int vj_cg_freeze(const struct vj_cg_plan *p, bool frozen, struct vj_err *e);
/* Is the tenant frozen now? 1 yes, 0 no, -errno. */
int vj_cg_frozen(const struct vj_cg_plan *p);

/* SIGKILL every task of the tenant and wait until the cgroups are empty. */
int vj_cg_kill_all(const struct vj_cg_plan *p, struct vj_err *e);

/* Number of tasks left in the tenant's cgroups (max over hierarchies). */
int vj_cg_count_tasks(const struct vj_cg_plan *p);

/* Remove the tenant dirs (must be empty of tasks) and auto-created parents. */
int vj_cg_remove(const struct vj_cg_plan *p, struct vj_err *e);

struct vj_cg_counters {
	uint64_t oom_kill; /* memory OOM kills inside the tenant */
	uint64_t pids_max; /* forks refused by pids.max */
};
int vj_cg_read_counters(const struct vj_cg_plan *p, struct vj_cg_counters *c);

/* Serialize/restore a plan for the state file (key=value lines). */
int vj_cg_plan_save(const struct vj_cg_plan *p, int fd);
int vj_cg_plan_load_kv(struct vj_cg_plan *p, const char *key, const char *value);

#endif
