// SPDX-License-Identifier: Apache-2.0
/* The reaper (see reaper.h). */
#include "jailer/reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "jailer/jails.h"
#include "jailer/launch.h"
#include "jailer/supcg.h"

#define REAPER_DONE 'D'

__attribute__((noreturn)) static void reaper_main(struct vj_launch *l, int rfd)
{
	const struct vj_plan *p = l->plan;
	/* Its own session: a signal to the supervisor's process group (a
	 * terminal's ^C, kill -- -pgid) must not take the reaper with it.  The
	 * supervisor's blocked signals stay blocked, so SIGTERM/SIGINT/SIGHUP
	 * do not end it either; only SIGKILL by root does. */
	setsid();
	prctl(PR_SET_NAME, "vmjail-reaper", 0, 0, 0);
	/* Nothing of the supervisor's stays open here: not the audit log's
	 * fd, not the tenant's pidfd, not the lock.  stderr stays for the
	 * one line it may print. */
	if (rfd != 3) {
		if (dup2(rfd, 3) < 0)
			_exit(1);
		rfd = 3;
	}
	syscall(SYS_close_range, 4U, ~0U, 0);
	char c = 0;
	ssize_t n;
	do
		n = read(rfd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && c == REAPER_DONE)
		_exit(0);
	/* The supervisor is gone: nothing of the tenant may run unwatched. */
	struct vj_err e = {0};
	vj_cg_freeze(&p->cg, false, &e);
	int rc = vj_cg_kill_all(&p->cg, &e);
	char msg[200];
	vj_fmt(msg, sizeof(msg),
	       rc == 0 ? "the supervisor died; every task of the tenant was killed"
	               : "the supervisor died; killing the tenant failed: %s",
	       e.msg);
	fprintf(stderr, "vmjail: %s: %s\n", p->cli->id, msg);
	struct vj_err soft = {0};
	struct vj_jail_ref j;
	if (vj_jail_find_in(p->base_dir, p->exec_base, p->cli->id, &j, &soft) == 0) {
		struct vj_audit *a = vj_jail_audit(&j);
		vj_jail_emit(a, "supervisor-died", 0, msg);
		if (a)
			vj_audit_close(a);
	}
	vj_jail_ref_close(&j);
	vj_supcg_leave(l); /* the dead supervisor's cpu cgroup */
	_exit(rc == 0 ? 0 : 1);
}

int vj_reaper_start(struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "reaper");
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return vj_failx(e, errno, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(pfd[0]);
		close(pfd[1]);
		return vj_failx(e, err, "fork");
	}
	if (pid == 0) {
		close(pfd[1]);
		reaper_main(l, pfd[0]);
	}
	close(pfd[0]);
	l->reaper_fd = pfd[1];
	l->reaper_pid = pid;
	return 0;
}

void vj_reaper_stop(struct vj_launch *l)
{
	if (l->reaper_fd >= 0) {
		char c = REAPER_DONE;
		if (write(l->reaper_fd, &c, 1) != 1) {
			/* it cannot tell a goodbye from a death: it kills what is
			 * left of a tenant that is being removed anyway */
		}
		close(l->reaper_fd);
		l->reaper_fd = -1;
	}
	if (l->reaper_pid > 0) {
		while (waitpid(l->reaper_pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->reaper_pid = 0;
	}
}
