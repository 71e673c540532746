// SPDX-License-Identifier: Apache-2.0
/*
 * jailer/pidfd_exit.c against real processes: the status of a child that
 * exited with a code, of one killed by a signal, EAGAIN for one still
 * running and for a zombie not yet reaped, and the status read by a process
 * that is NOT the parent (the Firecracker-mode supervisor's situation).
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/pidfd_exit.h"
#include "tests/c/tap.h"

static int spawn(int code, int *pidfd, pid_t *pid)
{
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		if (code < 0)
			pause(); /* until killed */
		_exit(code);
	}
	*pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	return *pidfd < 0 ? -1 : 0;
}

int main(void)
{
	if (!vj_pidfd_exit_supported()) {
		/* Skip only where the kernel is too old; on 6.15+ a failed
		 * probe is a broken implementation, not a missing feature. */
		struct utsname u;
		int maj = 0, min = 0;
		if (uname(&u) == 0)
			sscanf(u.release, "%d.%d", &maj, &min);
		if (maj < 6 || (maj == 6 && min < 15)) {
			printf("1..0 # SKIP kernel %s keeps no exit info with a pidfd "
			       "(PIDFD_INFO_EXIT is 6.15+)\n",
			       u.release);
			return 0;
		}
		tap_ok(0, "kernel %s (6.15+) but the PIDFD_INFO_EXIT probe failed", u.release);
		return tap_done();
	}
	int fd, st = -1, r;
	pid_t pid;

	/* exit code */
	if (spawn(42, &fd, &pid) < 0)
		return tap_ok(0, "spawn"), tap_done();
	r = vj_pidfd_exit_status(fd, &st);
	(void)r; /* before the reap: running or zombie, both EAGAIN (checked below) */
	waitpid(pid, NULL, 0);
	r = vj_pidfd_exit_status(fd, &st);
	tap_is_int(r, 0, "exited child: status read after the parent reaped it");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exit code 42 (status 0x%x)", st);
	close(fd);

	/* killed by a signal */
	spawn(-1, &fd, &pid);
	r = vj_pidfd_exit_status(fd, &st);
	tap_is_int(r, -EAGAIN, "running child: EAGAIN");
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	/* a zombie whose parent has not reaped it yet: still EAGAIN */
	siginfo_t si;
	si.si_pid = 0;
	waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	r = vj_pidfd_exit_status(fd, &st);
	tap_is_int(r, -EAGAIN, "zombie not yet reaped: EAGAIN");
	waitpid(pid, NULL, 0);
	st = -1;
	r = vj_pidfd_exit_status(fd, &st);
	tap_is_int(r, 0, "killed child: status read after reap");
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed by SIGKILL (status 0x%x)", st);
	close(fd);

	/* a reader that is not the parent: a sibling process holding the pidfd */
	spawn(7, &fd, &pid);
	waitpid(pid, NULL, 0);
	pid_t reader = fork();
	if (reader == 0) {
		int s2 = -1;
		int rr = vj_pidfd_exit_status(fd, &s2);
		_exit(rr == 0 && WIFEXITED(s2) ? WEXITSTATUS(s2) : 100);
	}
	int rst = -1;
	waitpid(reader, &rst, 0);
	tap_ok(WIFEXITED(rst) && WEXITSTATUS(rst) == 7,
	       "non-parent reader gets exit code 7 (reader status 0x%x)", rst);
	close(fd);

	/* a bad fd is an error, not "not supported" */
	tap_is_int(vj_pidfd_exit_status(-1, &st), -EBADF, "bad fd: EBADF");
	return tap_done();
}
