/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A jail's state record, `<base>/<vmm>/<id>/vmjail.state` (root, 0600), and
 * its lock, `vmjail.lock`, held by the supervisor for as long as it lives.
 * Both sit beside the jail's root, never inside it: the tenant cannot reach
 * or rewrite what cleanup and the lifecycle commands trust (breakouts.md,
 * class H).
 *
 * The record lets `--cleanup`, `--list`, `--pause`, `--suspend` and the TTL
 * reaper act on a jail after the fact, even when its supervisor was killed.
 */
#ifndef VMJAIL_STATE_H
#define VMJAIL_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jailer/cgroup.h"
#include "jailer/err.h"

#define VJ_STATE_FILE     "vmjail.state"
#define VJ_LOCK_FILE      "vmjail.lock"
#define VJ_MAX_SAVED_ARGS 256

struct vj_state {
	char id[65];
	char vmm[NAME_MAX + 1];
	char base_dir[PATH_MAX];
	char status[16]; /* starting running paused suspended exited */
	pid_t supervisor;
	pid_t vmm_pid;
	uid_t uid;
	gid_t gid;
	int64_t created;      /* epoch seconds */
	int64_t ttl_deadline; /* epoch seconds, 0 = none */
	uint64_t cgid;
	char policy_source[PATH_MAX];
	char policy_hash[65];
	char audit_log[PATH_MAX];
	int audit_format; /* of audit_log: enum vj_audit_format (0 = schema v1) */
	char qmp[PATH_MAX];         /* QMP socket path inside the jail */
	char saved_state[PATH_MAX]; /* suspend-to-disk file inside the jail */
	bool pidns;
	struct vj_cg_plan cg;
	int nargs; /* VMM arguments, without argv[0] */
	char *args[VJ_MAX_SAVED_ARGS];
};

void vj_state_free(struct vj_state *s);

/* Write atomically (temp file + rename) into the jail dir. */
int vj_state_write(int jail_fd, const struct vj_state *s, struct vj_err *e);
/* Read and validate; unknown keys are ignored, malformed ones refused. */
int vj_state_read(int jail_fd, struct vj_state *s, struct vj_err *e);
/* The parsing half of vj_state_read, on a record already in memory (at most
 * 1 MiB, not NUL-terminated; a NUL byte is refused).  On success s owns heap
 * copies of the arguments (vj_state_free); on failure it holds nothing. */
int vj_state_parse_buffer(const char *data, size_t len, struct vj_state *s, struct vj_err *e);

/* Take the jail's lock (non-blocking).  Returns the fd, -EWOULDBLOCK when a
 * supervisor holds it, or -errno. */
int vj_state_lock(int jail_fd, bool create);

/* Is a supervisor alive for this jail? */
bool vj_state_locked(int jail_fd);

#endif
