/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command line -> struct vj_cli.  Pure: parsing touches nothing on the
 * system (no stat, no open), so it can run before the process is sanitized
 * and be fuzzed as a plain function.  Checks that need the filesystem
 * (does the exec file exist?) belong to the validate step.
 *
 * The flags are the Firecracker jailer's, with the same validation rules, plus
 * vmjail's extensions (docs/vmjail.8).
 */
#ifndef VMJAIL_CLI_H
#define VMJAIL_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "jailer/err.h"

#define VJ_ID_MAX         64
#define VJ_MAX_CGROUP_ARG 64
#define VJ_MAX_KEEP_FDS   16
#define VJ_DEFAULT_BASE   "/srv/jailer"

enum vj_mode {
	VJ_MODE_LAUNCH,
	VJ_MODE_DRY_RUN, /* print the plan, do nothing */
	VJ_MODE_HELP,
	VJ_MODE_VERSION,
	VJ_MODE_PROBE,
	VJ_MODE_CLEANUP,
	VJ_MODE_LIST,
	VJ_MODE_PAUSE,
	VJ_MODE_RESUME,
	VJ_MODE_SUSPEND,
	VJ_MODE_KILL,
	VJ_MODE_REAP, /* reclaim jails whose time-to-live has passed */
	VJ_MODE_BPF_UNLOAD,
};

struct vj_cgroup_arg {
	char file[96]; /* "memory.limit_in_bytes" */
	char value[256];
};

#define VJ_MAX_BIND_ARGS 64

/* --bind SRC[:DST[:ro|rw]]: a tenant's own files (kernel, disk images). */
struct vj_bind_arg {
	char src[PATH_MAX];
	char dst[PATH_MAX];
	bool rw;
};

struct vj_rlimit_arg {
	int resource;
	uint64_t cur, max;
};

/* --audit-late's bound, ms (jailer/supervisor.c) */
#define VJ_AUDIT_LATE_MAX_MS 10000

struct vj_cli {
	enum vj_mode mode;
	bool json; /* --json for --probe / --list / --dry-run */

	char id[VJ_ID_MAX + 1];
	const char *exec_file;
	bool uid_set, gid_set;
	uid_t uid;
	gid_t gid;
	const char *base_dir;
	const char *netns;
	bool daemonize;
	bool new_pid_ns;
	struct vj_cgroup_arg cgroups[VJ_MAX_CGROUP_ARG];
	unsigned ncgroups;
	int cgroup_version; /* 0 = not given */
	const char *parent_cgroup;
	struct vj_rlimit_arg rlimits[RLIM_NLIMITS];
	unsigned nrlimits;

	/* vmjail extensions */
	const char *policy;
	const char *audit_log;
	int audit_format; /* --audit-format: enum vj_audit_format (audit/lib/ocsf.h) */
	struct vj_bind_arg binds[VJ_MAX_BIND_ARGS];
	unsigned nbinds;
	int keep_fds[VJ_MAX_KEEP_FDS];
	unsigned nkeep_fds;
	int fc_compat;         /* --[no-]firecracker-compat: 1 / -1, 0 = by exec file name */
	bool keep_jail;        /* --keep: do not remove the jail dir and cgroups at exit */
	int64_t ttl_sec;       /* --ttl: 0 = default, -1 = none */
	bool restore;          /* --restore: start a suspended jail from its saved state */
	const char *cache_dir; /* --seccomp-cache DIR ("" = no cache) */
	uint32_t audit_rate;   /* --audit-rate: cgroup-BPF events/s per tenant, 0 = default */
	uint32_t audit_ring;   /* --audit-ring: bytes of the tenant's ring, 0 = default */
	/* --audit-late: how long teardown waits for late kernel records */
	uint32_t audit_late_ms;
	bool audit_late_set;
	const char *run_dir;     /* --run-dir: host state (probe cache, audit spool, locks) */
	const char *bpf_pin_dir; /* --bpf-pin-dir: where the host's BPF programs are pinned */
	uint64_t guest_ram;      /* --guest-ram: bytes of the guest's memory file, 0 = none */

	char **vmm_argv; /* after "--"; vmm_argc entries, NULL-terminated */
	int vmm_argc;
};

/* Parse argv (argv[0] is the program name and may be NULL: then argc is 0). */
int vj_cli_parse(int argc, char **argv, struct vj_cli *cli, struct vj_err *e);

/* Rules shared with other entry points. */
bool vj_id_valid(const char *id);
/* Relative, no empty, "." or ".." component, [A-Za-z0-9._-] only. */
bool vj_parent_cgroup_valid(const char *p);
int vj_parse_duration(const char *s, int64_t *sec);

void vj_usage(void *FILE_stream);

#endif
