// SPDX-License-Identifier: Apache-2.0
/* The VMM at the caller's pid; see fc_inplace.h for the model and why. */
#include "jailer/fc_inplace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/launch.h"
#include "jailer/pidfd_exit.h"
#include "jailer/reaper.h"

int vj_fc_inplace_fork(struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "clone");
	/* Taken by the process it names, before the fork: S inherits a pidfd
	 * that can only ever mean P, whatever happens to the pid number. */
	pid_t self = getpid();
	int pidfd = (int)syscall(SYS_pidfd_open, self, 0); /* O_CLOEXEC by design */
	if (pidfd < 0)
		return vj_failx(e, errno, "pidfd_open");
	fflush(NULL);
	pid_t sup = fork();
	if (sup < 0) {
		int err = errno;
		close(pidfd);
		return vj_failx(e, err, "fork of the supervisor");
	}
	l->inplace = true;
	l->pid = self;
	if (sup > 0) {
		close(pidfd);
		l->supervisor_pid = sup;
		vj_child_main(l); /* P: the tenant, then the VMM */
	}
	/* S.  Its own session: the caller's terminal or process group (a ^C,
	 * kill -- -pgid) signals the VMM, not its supervisor. */
	setsid();
	l->pidfd = pidfd;
	l->supervisor_pid = getpid();
	/* The tenant is not in its cgroups yet: from now on the supervisor's
	 * death kills whatever of it is there (the reaper is ours, not P's). */
	return vj_reaper_start(l, e);
}

int vj_fc_inplace_attach_v2(struct vj_launch *l, struct vj_err *e)
{
	if (l->cg_leaf_fd < 0)
		return 0;
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d", (int)l->pid);
	int fd = openat(l->cg_leaf_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return vj_failx(e, errno, "opening the cgroup2 leaf's cgroup.procs");
	ssize_t w = write(fd, buf, (size_t)n);
	int err = errno;
	close(fd);
	if (w != n)
		return vj_failx(e, w < 0 ? err : EIO, "placing pid %d in the cgroup2 leaf",
		                (int)l->pid);
	return 0;
}

int vj_fc_inplace_unshare(const struct vj_launch *l, struct vj_err *e)
{
	vj_err_step(e, "namespaces");
	/* what step_clone's clone3 flags make; never a pid namespace (that
	 * needs a new process: the default model is kept for --new-pid-ns) */
	int flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
	if (!l->plan->netns)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		return vj_failx(e, errno, "unshare(mount, ipc, uts, net)");
	return 0;
}

/* 1 once the pidfd's process has exited, 0 after ms (-1: no limit). */
static int wait_exit(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	for (;;) {
		int n = poll(&p, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0;
	}
}

void vj_fc_inplace_stop(struct vj_launch *l)
{
	if (l->pidfd < 0)
		return;
	if (!l->released) {
		/* still waiting for the go: the closed pipe makes it exit 1 */
		if (l->go_pipe[1] >= 0) {
			close(l->go_pipe[1]);
			l->go_pipe[1] = -1;
		}
		if (wait_exit(l->pidfd, 2000))
			return;
	}
	syscall(SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
	wait_exit(l->pidfd, -1);
}

/* The exit_code field of /proc/<pid>/stat (the last one, 3.5+): the wait
 * status of a zombie, shown to a reader allowed to ptrace it (root). */
static int proc_exit_code(pid_t pid, int *status)
{
	char path[48], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	long n = vj_read_text(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	const char *close_paren = strrchr(buf, ')');
	char *last = strrchr(buf, ' ');
	if (!close_paren || !last || last < close_paren || close_paren[1] != ' ' ||
	    close_paren[2] != 'Z')
		return -ESRCH; /* not (or no longer) a zombie */
	char *end;
	long v = strtol(last + 1, &end, 10);
	if (end == last + 1 || v < 0 || v > 0xffff)
		return -EIO;
	*status = (int)v;
	return 0;
}

static void to_siginfo(int status, siginfo_t *si)
{
	if (WIFEXITED(status)) {
		si->si_code = CLD_EXITED;
		si->si_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		si->si_code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
		si->si_status = WTERMSIG(status);
	}
}

void vj_fc_inplace_status(struct vj_launch *l, bool block, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	if (block)
		wait_exit(l->pidfd, -1);
	si->si_pid = l->pid;
	/* The caller may reap it at any moment in between: a /proc entry that
	 * is gone (or no longer a zombie) means the reap happened, and the
	 * kernel recorded the exit info with the pidfd before it removed the
	 * entry, so the pidfd is asked again.  Bounded: a kernel that keeps no
	 * exit info gives up at once. */
	for (int tries = 0; tries < 50; tries++) {
		int st = 0;
		int rc = vj_pidfd_exit_status(l->pidfd, &st);
		if (rc == 0) {
			to_siginfo(st, si);
			return;
		}
		if (rc != -EAGAIN && rc != -EOPNOTSUPP)
			return;
		/* not reaped yet (or no exit info kept): the zombie's /proc entry,
		 * trusted only if the pidfd still names an unreaped process after
		 * the read (the pid cannot have been reused then) */
		if (proc_exit_code(l->pid, &st) == 0) {
			int again = vj_pidfd_exit_status(l->pidfd, &st);
			if (again == 0 || again == -EAGAIN ||
			    (again == -EOPNOTSUPP &&
			     syscall(SYS_pidfd_send_signal, l->pidfd, 0, NULL, 0) == 0)) {
				to_siginfo(st, si);
				return;
			}
		}
		if (rc == -EOPNOTSUPP)
			return; /* reaped, and the kernel kept nothing: unknown */
		usleep(1000);
	}
}
