/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running one syscall under an installed filter, in a forked child, and
 * telling how it ended: killed by SIGSYS at that syscall, or returned.
 *
 * The child reports through a shared page, not a syscall: after the filter
 * is installed it may not be allowed to write or even to exit.  It marks
 * "about to call", makes the call, marks "returned", then tries exit_group
 * and, if the policy refuses that too, ends itself with an illegal
 * instruction (no syscall needed).
 */
#ifndef VMJAIL_TEST_SECCOMP_PROBE_H
#define VMJAIL_TEST_SECCOMP_PROBE_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policies/compile/seccomp.h"

enum probe_end {
	PROBE_SETUP_FAILED, /* the filter was not installed */
	PROBE_SIGSYS,       /* killed by SIGSYS at the syscall */
	PROBE_RETURNED,     /* the syscall returned (or ended the process itself) */
	PROBE_OTHER,        /* anything else: a test bug */
};

struct probe_page {
	volatile int installed;
	volatile int returned;
	volatile long ret;
	volatile int err;
};

static inline struct probe_page *probe_page(void)
{
	static struct probe_page *pg;
	if (!pg) {
		pg = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (pg == MAP_FAILED)
			abort();
	}
	return pg;
}

/* Runs before the filter: set up so that nothing the syscall does can hang
 * the test or leave a core file. */
static inline void probe_child_prepare(void)
{
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	/* A syscall let through with nonsense arguments may crash the child
	 * (that is still "let through"); die plainly, not in a sanitizer's
	 * handler that reports and exits. */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	alarm(10);
	/* No controlling tty: a syscall let through by mistake (vhangup,
	 * TIOCSTI) must not reach the terminal of whoever runs the tests. */
	setsid();
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Called in the child, after probe_child_prepare. */
static inline void probe_child_finish(void)
{
	syscall(SYS_exit_group, 0);
	__builtin_trap();
}

static inline enum probe_end probe_syscall(const struct vj_bpf_prog *prog, long nr,
                                           const uint64_t a[6], int *status_out)
{
	struct probe_page *pg = probe_page();
	int status = 0;
	pid_t pid;

	pg->installed = 0;
	pg->returned = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return PROBE_OTHER;
	if (pid == 0) {
		probe_child_prepare();
		if (vj_seccomp_install(prog, 0, NULL) != 0)
			_exit(90);
		pg->installed = 1;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		pg->ret = r;
		pg->err = r < 0 ? errno : 0;
		pg->returned = 1;
		probe_child_finish();
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Reap what an allowed fork/clone left behind (we are the pid
	 * namespace's init in the kernel test). */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (status_out)
		*status_out = status;
	if (!pg->installed)
		return PROBE_SETUP_FAILED;
	if (pg->returned)
		return PROBE_RETURNED;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		return PROBE_SIGSYS;
	/* Some syscalls end the process by design (exit_group, a fatal
	 * signal they raise): it was let through, which is what we check. */
	if (WIFEXITED(status) || (WIFSIGNALED(status) && WTERMSIG(status) != SIGSYS))
		return PROBE_RETURNED;
	return PROBE_OTHER;
}

/* What the kernel does with a SECCOMP_RET_* value, as seen from outside. */
static inline enum probe_end probe_expect(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP: /* SIGSYS with no handler: the process ends */
		return PROBE_SIGSYS;
	default: /* allow, log, errno, user-notify without listener (ENOSYS) */
		return PROBE_RETURNED;
	}
}

static inline const char *probe_end_name(enum probe_end e)
{
	switch (e) {
	case PROBE_SETUP_FAILED:
		return "filter not installed";
	case PROBE_SIGSYS:
		return "SIGSYS";
	case PROBE_RETURNED:
		return "returned";
	default:
		return "other";
	}
}

#endif
