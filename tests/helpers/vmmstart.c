// SPDX-License-Identifier: Apache-2.0
/*
 * vmmstart: does what a VMM does between its execve and its steady state,
 * so a test can check that a shipped policy lets a VMM start at all (a
 * steady-state allowlist alone kills every program in its libc start-up).
 * Built twice from this file: dynamic (Debian's glibc, ld.so and libc.so
 * from the jail's binds) and static glibc.  vmmstart_raw.c is the libc-free
 * (musl-style static) variant of the same sequence.
 *
 *   vmmstart [self-filter] [userns]
 *
 * The sequence, as Firecracker, Cloud Hypervisor, crosvm and QEMU do it:
 * signal set-up (SIGPIPE ignored, a SIGSEGV handler on an alternate stack,
 * as Rust's runtime does), an eventfd, an epoll instance, a timerfd, two
 * threads (a "vcpu" and an "api" thread, each with its own alternate signal
 * stack) that post events which the main thread collects in an epoll loop.
 * With `self-filter` every thread then narrows itself as Firecracker and
 * Cloud Hypervisor do: prctl(PR_SET_NO_NEW_PRIVS) and seccomp() of an
 * allowlist of its own, stacked on vmjail's; the probe checks the narrower
 * filter is in force (close(999) fails with E2BIG, its errno).
 *
 * Prints `vmmstart ok threads=2 events=N filter=yes|no` and exits 0, or
 * `vmmstart FAIL <step>: <errno>` and exits 1.  With `userns` it then tries
 * unshare(CLONE_NEWUSER) (the canary: a shipped policy must refuse it) and
 * prints `userns: ok` or `userns: <errno>`.
 */
#include <errno.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define POSTS 5 /* events each thread posts */

static int efd;
static int self_filter;

static void fail(const char *step)
{
	printf("vmmstart FAIL %s: %s\n", step, strerror(errno));
	fflush(stdout);
	_exit(1);
}

static void on_segv(int sig)
{
	(void)sig;
	_exit(3);
}

static void altstack(void)
{
	stack_t ss = {.ss_size = 64 * 1024};

	ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		fail("mmap altstack");
	if (sigaltstack(&ss, NULL))
		fail("sigaltstack");
}

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* The thread's own filter: what its steady state uses, errno E2BIG for the
 * rest (an errno, not a kill, so the probe can see the filter act). */
static void narrow(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    ALLOW(__NR_read),
	    ALLOW(__NR_write),
	    ALLOW(__NR_epoll_wait),
	    ALLOW(__NR_epoll_pwait),
	    ALLOW(__NR_futex),
	    ALLOW(__NR_madvise),
	    ALLOW(__NR_munmap),
	    ALLOW(__NR_rt_sigprocmask),
	    ALLOW(__NR_exit),
	    ALLOW(__NR_exit_group),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | E2BIG),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (!self_filter)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		fail("seccomp(SECCOMP_SET_MODE_FILTER)");
	if (close(999) != -1 || errno != E2BIG) {
		errno = EPROTO;
		fail("own filter not in force");
	}
}

static void *worker(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	altstack();
	narrow();
	for (int i = 0; i < POSTS; i++)
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			fail("write eventfd");
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};
	struct epoll_event ev = {.events = EPOLLIN};
	struct itimerspec its = {.it_value = {.tv_nsec = 1000000}};
	pthread_t th[2];
	uint64_t got = 0, v;
	int ep, tfd, userns = 0;

	for (int i = 1; i < argc; i++) {
		self_filter |= strcmp(argv[i], "self-filter") == 0;
		userns |= strcmp(argv[i], "userns") == 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (sigaction(SIGPIPE, &sa, NULL))
		fail("sigaction SIGPIPE");
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	if (sigaction(SIGSEGV, &sa, NULL))
		fail("sigaction SIGSEGV");
	altstack();
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		fail("eventfd");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		fail("epoll_create1");
	ev.data.fd = efd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev))
		fail("epoll_ctl eventfd");
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0)
		fail("timerfd_create");
	ev.data.fd = tfd;
	if (timerfd_settime(tfd, 0, &its, NULL) || epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev))
		fail("timerfd");
	for (int i = 0; i < 2; i++) {
		errno = pthread_create(&th[i], NULL, worker, NULL);
		if (errno)
			fail("pthread_create");
	}
	narrow();
	/* The event loop: both threads' posts and one timer expiry. */
	for (int timer = 0; got < 2 * POSTS || !timer;) {
		struct epoll_event out[4];
		int n = epoll_wait(ep, out, 4, 5000);
		if (n <= 0) {
			if (n == 0)
				errno = ETIMEDOUT;
			fail("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			if (read(out[i].data.fd, &v, sizeof(v)) != sizeof(v))
				fail("read");
			if (out[i].data.fd == efd)
				got += v;
			else
				timer = 1;
		}
	}
	for (int i = 0; i < 2; i++)
		if ((errno = pthread_join(th[i], NULL)))
			fail("pthread_join");
	printf("vmmstart ok threads=2 events=%llu filter=%s\n", (unsigned long long)got,
	       self_filter ? "yes" : "no");
	if (userns) {
		/* Straight to the kernel: no libc wrapper decides anything. */
		long rc = syscall(__NR_unshare, CLONE_NEWUSER);
		printf("userns: %s\n", rc == 0 ? "ok" : strerror(errno));
	}
	return 0;
}
