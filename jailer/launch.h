/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A launch in progress: the plan plus what carrying it out has produced
 * (fds, pids, what to undo).  The parent side (launch.c) and the tenant side
 * (child.c) share this struct across the clone; after the clone each side
 * only touches its own fields.
 */
#ifndef VMJAIL_LAUNCH_H
#define VMJAIL_LAUNCH_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit/kaudit.h"
#include "jailer/err.h"
#include "jailer/plan.h"

struct vj_audit;
struct vjbpf_events;
struct vj_kaudit;
struct vj_kaudit_enable;

/* A report with this step and err 0 is a request, not a failure: the tenant
 * entered its user namespace and waits for its uid/gid maps. */
#define VJ_REPORT_USERNS "userns-maps"

/* What the tenant process reports when a step fails before exec. */
struct vj_child_report {
	char step[32];
	int err;
	char msg[512];
};

struct vj_launch {
	struct vj_plan *plan;
	struct vj_audit *audit;

	/* filesystem (O_PATH directory fds, all O_CLOEXEC) */
	int base_fd;       /* <base> */
	int vmmdir_fd;     /* <base>/<exec> */
	int jail_fd;       /* <base>/<exec>/<id>: state, lock */
	int root_fd;       /* <base>/<exec>/<id>/root */
	int lock_fd;       /* flock'd for the supervisor's lifetime */
	bool jail_created; /* this launch made <id>: only then may undo remove it */
	bool restored;     /* --restore reached exec: the jail is a normal one again */

	/* cgroups and layers */
	int cg_leaf_fd; /* cgroup2 leaf, for CLONE_INTO_CGROUP */
	uint64_t cgid;
	bool cg_created;
	bool layer_prepared[VJ_LAYER__COUNT];
	int reaper_fd; /* write end of the reaper's pipe (jailer/reaper.h) */
	pid_t reaper_pid;
	struct vjbpf_events *bpf_events;

	int netns_fd;
	int restore_fd; /* --restore: the saved state QEMU reads (fd >= 1000) */

	/* kernel audit channel, opened before the tenant runs */
	struct vj_kaudit *kaudit;
	struct vj_kaudit_enable *audit_enable; /* Landlock reports only with audit on */
	struct vj_klost klost;                 /* the kernel's audit lost counter, last read */
	int64_t klost_checked_ms;              /* CLOCK_MONOTONIC */
	char supcg[4200];                      /* the supervisor's own cpu cgroup, "" if none */

	/* the tenant process */
	pid_t supervisor_pid;
	pid_t pid;
	int pidfd;
	int go_pipe[2];           /* parent -> child: cgroups placed, go on */
	int err_pipe[2];          /* child -> parent: a vj_child_report, or EOF at exec */
	int notif_sock[2];        /* child -> parent: the exec-once listener fd */
	int notif_fd;             /* seccomp user-notification listener (exec-once) */
	bool vmm_execd;           /* the one allowed exec happened */
	bool released;            /* the go was sent: the tenant runs its own setup */
	bool inplace;             /* the tenant is the caller's process, not our child
	                           * (jailer/fc_inplace.h) */
	unsigned audit_ses;       /* kernel audit session id of the tenant, 0 if unknown */
	bool seccomp_killed;      /* a kernel record said seccomp killed a tenant task */
	char seccomp_syscall[48]; /* ... in this syscall */

	struct timespec started;
};

void vj_launch_init(struct vj_launch *l, struct vj_plan *p);

/*
 * Carry out the plan up to a running VMM: jail dir, exec copy, jail files,
 * cgroups, layers, clone, placement, release.  On failure, everything it
 * made is undone and e says which step failed.
 */
int vj_launch_start(struct vj_launch *l, struct vj_err *e);

/* Record the jail's state (status: starting, running, paused, ...). */
int vj_launch_save_state(struct vj_launch *l, const char *status, struct vj_err *e);

/* Remove the jail dir if this launch made it (tenant tmpfs mounts, any
 * tree); 0 or -errno with what stayed in e. */
int vj_launch_remove_jail(struct vj_launch *l, struct vj_err *e);

/* Remove what the launch made (idempotent; errors go to scratch). */
void vj_launch_undo(struct vj_launch *l);

/* The tenant side, in the cloned process.  Never returns. */
__attribute__((noreturn)) void vj_child_main(struct vj_launch *l);

/* Kernel audit callback: keeps the records of this tenant (ctx: the launch). */
struct vj_event;
struct vj_kaudit_attr;
void vj_supervisor_kaudit_cb(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *who);

/* The signals the supervisor takes through its signalfd (blocked from the
 * start of a launch, so none is lost in between, and forwarded). */
void vj_supervisor_signals(sigset_t *set);

/* Supervise the running VMM until it ends; returns the exit status vmjail
 * itself should exit with (the VMM's code, or 128 + signal). */
int vj_supervise(struct vj_launch *l);

#endif
