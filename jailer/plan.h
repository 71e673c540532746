/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan: everything a launch will do, decided before anything is done.
 *
 * vj_plan_build() turns the command line and the policy into paths, ids,
 * mounts, devices, cgroup writes, rlimits, namespace flags, per-layer
 * decisions and the compiled seccomp program.  It reads the system (the exec
 * file, mountinfo, probes) but changes nothing, so a refused launch leaves
 * the host exactly as it was, and `--dry-run` prints precisely what a launch
 * would do.  The steps that follow only carry the plan out.
 */
#ifndef VMJAIL_PLAN_H
#define VMJAIL_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "jailer/cgroup.h"
#include "jailer/cli.h"
#include "jailer/elfdeps.h"
#include "jailer/err.h"
#include "jailer/layer.h"
#include "policies/compile/seccomp.h"
#include "policies/lang/policy.h"

#define VJ_DEFAULT_TTL_SEC (8 * 3600) /* the Lambda MicroVMs preview keeps state 8 h */
#define VJ_RUN_DIR         "/run/vmjail"

enum vj_mount_kind {
	VJ_MNT_BIND_RO,  /* host file/dir, read-only, nosuid, nodev */
	VJ_MNT_BIND_RW,  /* host file/dir, read-write, nosuid, nodev, noexec */
	VJ_MNT_DIR_SELF, /* a tenant dir of the jail bound onto itself: rw, noexec */
};

struct vj_mount {
	enum vj_mount_kind kind;
	char src[PATH_MAX]; /* host path (canonical); unused for VJ_MNT_DIR_SELF */
	int src_fd;         /* O_PATH fd of src, checked when planned: the bind is
	                     * made from it, never from the path (-1: DIR_SELF) */
	char dst[PATH_MAX]; /* absolute path inside the jail */
	bool is_dir;
	uint64_t size, inodes; /* VJ_MNT_DIR_SELF: the bounds of its tmpfs */
};

struct vj_layer_decision {
	enum vj_req req;
	bool apply;            /* this launch applies the layer */
	struct vj_probe probe; /* what the probe found */
};

struct vj_plan {
	const struct vj_cli *cli;

	struct vj_policy *policy;
	char policy_source[PATH_MAX]; /* file, or "(built-in default)" */
	char policy_hash[65];

	/* identity and paths */
	char exec_host[PATH_MAX]; /* canonical exec file on the host */
	char exec_base[NAME_MAX + 1];
	char exec_jail[PATH_MAX + 2]; /* "/<exec_base>" */
	char base_dir[PATH_MAX];
	char jail_dir[PATH_MAX]; /* <base>/<exec_base>/<id> */
	char root_dir[PATH_MAX]; /* <jail_dir>/root */
	uid_t uid;
	gid_t gid;

	/* filesystem */
	struct vj_elfdeps deps;
	struct vj_mount *mounts;
	size_t nmounts;
	uint32_t devices; /* bit (1u << enum vj_dev) */
	bool mount_proc, mount_sys;

	/* namespaces */
	bool pidns, userns;
	const char *netns; /* join this one; NULL = a new, empty network namespace */

	/* resources */
	struct vj_cg_layout cg_layout;
	struct vj_cg_plan cg;
	struct vj_rlimit rlimits[RLIM_NLIMITS];

	/* layers */
	struct vj_layer_decision layer[VJ_LAYER__COUNT];
	struct vj_bpf_prog seccomp;

	/* process */
	char **vmm_argv; /* argv for the VMM: [exec_base, args..., NULL] */
	bool fc_compat;  /* Firecracker jailer compatibility (jailer/fc_compat.c) */
	bool fc_inplace; /* ... and the VMM at the caller's pid (jailer/fc_inplace.h) */
	int keep_fds[VJ_MAX_KEEP_FDS];
	unsigned nkeep_fds;
	int64_t ttl_sec;         /* 0: none */
	bool restore;            /* --restore: the jail exists, suspended; QEMU reads its state */
	char qmp_jail[PATH_MAX]; /* QMP unix socket path in the jail, "" if none */
};

/* Build and validate.  On failure nothing was changed on the system. */
int vj_plan_build(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e);
void vj_plan_free(struct vj_plan *p);

/* Human-readable plan (--dry-run), one fact per line; JSON with json=true. */
void vj_plan_print(const struct vj_plan *p, FILE *out, bool json);

/* Load the policy a command line asks for (the built-in default if none). */
int vj_policy_for_cli(const struct vj_cli *cli, struct vj_policy **out, char *source, size_t srclen,
                      struct vj_err *e);

#endif
