// SPDX-License-Identifier: Apache-2.0
/*
 * The tenant side of a launch, from clone to exec.
 *
 * The process was cloned into its new mount, ipc, uts, net (and pid)
 * namespaces and into the tenant's cgroup2 leaf.  It waits until the
 * supervisor has placed it in the v1 cgroups and registered its rules, so it
 * never runs a single tenant instruction outside its limits.  Each step below
 * either succeeds or reports {step, errno, message} over err_pipe and exits;
 * the supervisor then undoes the launch.  vmjail forks before any thread
 * exists (breakouts.md, class I), so this code may use libc freely.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "jailer/apparmor_profile.h"
#include "jailer/fc_compat.h"
#include "jailer/fc_inplace.h"
#include "jailer/identity.h"
#include "jailer/launch.h"
#include "jailer/mounts.h"

__attribute__((noreturn)) static void report_and_exit(struct vj_launch *l, const struct vj_err *e)
{
	struct vj_child_report r;
	memset(&r, 0, sizeof(r));
	vj_fmt(r.step, sizeof(r.step), "%s", e->step ? e->step : "tenant setup");
	r.err = e->err ? e->err : EINVAL;
	vj_fmt(r.msg, sizeof(r.msg), "%s", e->msg);
	ssize_t w = write(l->err_pipe[1], &r, sizeof(r));
	(void)w;
	/* in place, the caller waits for this very process: the jailer's
	 * status for an error (the supervisor prints and audits the reason) */
	_exit(l->inplace ? VJ_FC_EXIT_ERROR : 127);
}

static int wait_for_go(struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "sync");
	char c;
	ssize_t n;
	do
		n = read(l->go_pipe[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || c != 'G')
		return vj_fail(e, ECANCELED, "the supervisor cancelled the launch");
	return 0;
}

/* A fresh kernel audit session id tags every audit record of this tenant
 * (seccomp, Landlock, AppArmor), inherited by all its children and immutable
 * without CAP_AUDIT_CONTROL: attribution that survives the process. */
static int new_audit_session(uid_t uid, struct vj_err *e)
{
	vj_err_step(e, "audit session");
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : vj_failx(e, errno, "open /proc/self/loginuid");
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	ssize_t w = write(fd, buf, (size_t)n);
	int err = errno;
	close(fd);
	if (w != n)
		return vj_failx(e, err, "setting the audit login uid");
	return 0;
}

static int join_netns(struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "netns");
	if (l->netns_fd >= 0 && setns(l->netns_fd, CLONE_NEWNET) < 0)
		return vj_failx(e, errno, "joining network namespace %s", l->plan->netns);
	return 0;
}

static int set_hostname(const char *id, struct vj_err *e)
{
	vj_err_step(e, "uts");
	/* the VMM sees its tenant id, never the host's name */
	if (sethostname(id, strlen(id)) < 0)
		return vj_failx(e, errno, "sethostname");
	return 0;
}

/*
 * `namespace user on`: the tenant continues in a user namespace of its own
 * where only its uid and gid are mapped (to themselves), so root does not
 * exist there and whatever capability a bug hands out is one in a namespace
 * that owns nothing: the mount, net, ipc and uts namespaces were made before,
 * by the init namespace's root.  Supplementary groups go first (setgroups is
 * denied inside), rlimits were set while privileged; the supervisor writes
 * the maps while we wait (only it can, from outside).
 */
static int enter_userns(struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "userns");
	if (setgroups(0, NULL) < 0)
		return vj_failx(e, errno, "setgroups(0) before the user namespace");
	if (unshare(CLONE_NEWUSER) < 0)
		return vj_failx(e, errno, "unshare(CLONE_NEWUSER)");
	struct vj_child_report r;
	memset(&r, 0, sizeof(r));
	vj_fmt(r.step, sizeof(r.step), "%s", VJ_REPORT_USERNS);
	if (write(l->err_pipe[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
		return vj_failx(e, errno, "asking for the user namespace maps");
	return wait_for_go(l, e);
}

static int apply_layers(struct vj_launch *l, struct vj_err *e)
{
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_ops *ops = vj_layers[i];
		if (!ops || !ops->apply || !l->plan->layer[ops->id].apply)
			continue;
		vj_err_step(e, vj_layer_name(ops->id));
		int rc = ops->apply(l, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --restore: QEMU reads the saved state from an inherited fd:
 * `-incoming fd:N` is appended and fd N survives the exec.  With
 * --guest-ram, the memory is already in the jail's file and the stream has
 * none: QEMU must expect that (x-ignore-shared, as --suspend set it).  This
 * process is about to exec, so the copied argv is never freed. */
static int restore_argv(struct vj_launch *l, char ***argvp, struct vj_err *e)
{
	vj_err_step(e, "restore");
	int fl = fcntl(l->restore_fd, F_GETFD);
	if (fl < 0 || fcntl(l->restore_fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
		return vj_failx(e, errno, "passing the saved state");
	size_t n = 0;
	while ((*argvp)[n])
		n++;
	char **argv = calloc(n + 3, sizeof(char *));
	char *incoming = malloc(32);
	if (!argv || !incoming)
		return vj_fail(e, ENOMEM, "out of memory");
	memcpy(argv, *argvp, n * sizeof(char *));
	snprintf(incoming, 32, "fd:%d", l->restore_fd);
	argv[n] = "-incoming";
	/* QEMU 7.2 takes x-ignore-shared only over QMP: it waits, and the
	 * supervisor starts the incoming migration (vj_restore_mapped) */
	argv[n + 1] = l->plan->cli->guest_ram ? "defer" : incoming;
	*argvp = argv;
	return 0;
}

void vj_child_main(struct vj_launch *l)
{
	struct vj_err e = {0};
	const struct vj_plan *p = l->plan;

	/* The ends that belong to the supervisor. */
	close(l->go_pipe[1]);
	close(l->err_pipe[0]);
	if (l->notif_sock[0] >= 0)
		close(l->notif_sock[0]);
	/* In place our parent is the caller, not the supervisor: no death
	 * signal (a Go caller's forking thread may end at any time); the
	 * reaper kills the tenant's cgroups if the supervisor dies. */
	if (!l->inplace)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* The supervisor blocked signals for its signalfd; ignored signals
	 * would stay ignored across exec.  The VMM starts with defaults. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	/* The supervisor may have died before the death signal was armed. */
	if (!p->pidns && !l->inplace && getppid() != l->supervisor_pid)
		_exit(127);

	int rc = l->inplace ? vj_fc_inplace_unshare(l, &e) : 0;
	if (!rc)
		rc = wait_for_go(l, &e);
	if (!rc)
		rc = join_netns(l, &e);
	if (!rc && unshare(CLONE_NEWCGROUP) < 0) /* after v1 placement: our cgroups are its root */
		rc = vj_failx(&e, errno, "unshare(CLONE_NEWCGROUP)");
	if (!rc)
		rc = new_audit_session(p->uid, &e);
	if (!rc)
		rc = set_hostname(p->cli->id, &e);
	/* the jail has no /proc: AppArmor's exec attribute is opened here,
	 * written after the identity drop (layer_apparmor.c) */
	if (!rc && p->layer[VJ_LAYER_APPARMOR].apply && vj_apparmor_child_open() < 0)
		rc = vj_failx(&e, errno, "opening /proc/self/attr/apparmor/exec");
	if (!rc)
		rc = vj_mounts_enter_jail(p, l->root_fd, &e);
	if (!rc)
		rc = vj_set_rlimits(p->rlimits, &e);
	if (!rc && p->userns)
		rc = enter_userns(l, &e);
	if (!rc)
		rc = vj_drop_identity(p->uid, p->gid, p->userns, !l->inplace, &e);
	if (!rc)
		rc = vj_fds_for_exec(p->keep_fds, p->nkeep_fds, &e);
	char **argv = p->vmm_argv;
	if (!rc && l->restore_fd >= 0)
		rc = restore_argv(l, &argv, &e);
	if (!rc)
		vj_fc_compat_child(p);
	if (!rc)
		rc = apply_layers(l, &e); /* landlock, exec-once, seccomp: last */
	if (rc)
		report_and_exit(l, &e);

	static char *const empty_env[] = {NULL};
	execve(p->exec_jail, argv, empty_env);
	vj_failx(&e, errno, "execve %s", p->exec_jail);
	e.step = "exec";
	report_and_exit(l, &e);
}
