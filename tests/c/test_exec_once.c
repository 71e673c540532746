// SPDX-License-Identifier: Apache-2.0
/*
 * The exec-once decision (jailer/layer_exec_once.c, vj_exec_once_handle)
 * against the real kernel: a child installs a user-notification filter on
 * execve, hands the listener over, and execs /bin/true; the supervisor's
 * handler answers.  Exactly one exec is let through: the first, and only
 * from the tenant process vmjail cloned.  A first exec from any other pid
 * (a process racing the VMM's own exec) is refused, and so is a second.
 * (A jail cannot show this: no tenant code runs before the VMM's exec.)
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/execonce.h"
#include "jailer/launch.h"
#include "tests/c/tap.h"

/* A child that execs /bin/true `tries` times under a notifying filter;
 * returns its pid, the listener in *lfd. */
static pid_t start_child(int *lfd, int tries)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct sock_filter f[] = {
		    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {.len = 4, .filter = f};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(90);
		int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		                      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (fd < 0 || vj_send_fd(sv[1], fd) < 0)
			_exit(91);
		close(fd);
		char *argv[] = {"true", NULL};
		for (int i = 0; i < tries; i++) {
			execve("/bin/true", argv, NULL);
			if (errno != EPERM)
				_exit(92);
		}
		_exit(10 + tries); /* every exec was refused with EPERM */
	}
	close(sv[1]);
	*lfd = pid > 0 ? vj_recv_fd(sv[0]) : -1;
	close(sv[0]);
	return pid;
}

static int wait_code(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void)
{
	struct vj_launch l;
	struct vj_exec_attempt att;

	/* 1: a first exec from a pid that is not the tenant's */
	memset(&l, 0, sizeof(l));
	int lfd;
	pid_t other = start_child(&lfd, 1);
	l.notif_fd = lfd;
	l.pid = getpid(); /* the tenant is someone else */
	int rc = vj_exec_once_handle(&l, &att);
	tap_ok(rc > 0 && att.pid == other, "the handler received the other process's exec");
	tap_ok(!att.allowed, "a first exec from a pid that is not the tenant is refused");
	tap_ok(!l.vmm_execd, "  and does not use up the tenant's one exec");
	tap_ok(wait_code(other) == 11, "  the process saw EPERM");
	close(lfd);

	/* 2: the tenant's first exec goes through, its second does not */
	memset(&l, 0, sizeof(l));
	pid_t tenant = start_child(&lfd, 1);
	l.notif_fd = lfd;
	l.pid = tenant;
	rc = vj_exec_once_handle(&l, &att);
	tap_ok(rc > 0 && att.allowed, "the tenant's first exec is let through");
	tap_ok(l.vmm_execd, "  and recorded");
	tap_ok(wait_code(tenant) == 0, "  /bin/true ran (exit 0)");
	close(lfd);

	memset(&l, 0, sizeof(l));
	tenant = start_child(&lfd, 1);
	l.notif_fd = lfd;
	l.pid = tenant;
	l.vmm_execd = true; /* the VMM already exec'd */
	rc = vj_exec_once_handle(&l, &att);
	tap_ok(rc > 0 && !att.allowed, "a second exec from the tenant's own pid is refused");
	tap_ok(wait_code(tenant) == 11, "  the process saw EPERM");
	close(lfd);
	return tap_done();
}
