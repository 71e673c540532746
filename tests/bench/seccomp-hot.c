// SPDX-License-Identifier: Apache-2.0
/*
 * Benchmark: what a VMM's hot syscalls pay for vmjail's seccomp filter.
 * For each policy given, a child process installs the policy's compiled
 * program; another child installs a one-instruction RET_ALLOW filter (the
 * floor: the kernel's seccomp entry cost with a filter present).  Rounds are
 * interleaved across the children so that load drift hits all alike; each
 * prints ns per call, median over rounds.
 *
 * The calls are the ones a VMM makes per guest exit or I/O: ioctl KVM_RUN,
 * KVM_IRQ_LINE and TUNSETOFFLOAD (on fd -1, so the kernel answers EBADF
 * after the filter has run: no /dev/kvm needed), read and write of 0 bytes
 * on a pipe, futex FUTEX_WAKE on a private word, ppoll and epoll_wait with a
 * zero timeout.  A call the policy does not allow (by the compiled program
 * itself, run in vmjail's interpreter) is not timed and prints "-".
 *
 *   seccomp-hot ROUNDS CALLS_PER_ROUND POLICY...   (TSV on stdout)
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "policies/compile/seccomp.h"
#include "policies/lang/policy.h"

#define NCALLS 8

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
struct call {
	const char *name;
	long nr, a[6];
};
static struct call calls_tab[NCALLS];
static uint32_t futex_word;

/* Filled at run time: the descriptors, the word's address. */
static int setup_calls(void)
{
	int pfd[2], efd;
	static struct timespec zero;
	static struct pollfd pp;
	static struct epoll_event ev;
	static char b;
	if (pipe(pfd) < 0 || (efd = epoll_create1(0)) < 0)
		return -1;
	pp = (struct pollfd){.fd = pfd[0], .events = POLLIN};
	struct call t[NCALLS] = {
	    {"ioctl KVM_RUN", SYS_ioctl, {-1, KVM_RUN}},
	    {"ioctl KVM_IRQ_LINE", SYS_ioctl, {-1, KVM_IRQ_LINE}},
	    {"ioctl TUNSETOFFLOAD", SYS_ioctl, {-1, TUNSETOFFLOAD}},
	    {"read", SYS_read, {pfd[0], (long)&b, 0}},
	    {"write", SYS_write, {pfd[1], (long)&b, 0}},
	    {"futex FUTEX_WAKE", SYS_futex, {(long)&futex_word, FUTEX_WAKE_PRIVATE, 1}},
	    {"ppoll", SYS_ppoll, {(long)&pp, 1, (long)&zero, 0, 8}},
	    {"epoll_wait", SYS_epoll_wait, {efd, (long)&ev, 1, 0}},
	};
	memcpy(calls_tab, t, sizeof(t));
	return 0;
}

static bool allowed(const struct vj_bpf_prog *prog, const struct call *c)
{
	if (!prog)
		return true;
	struct seccomp_data sd = {.nr = (int)c->nr, .arch = AUDIT_ARCH_X86_64};
	for (int i = 0; i < 6; i++)
		sd.args[i] = (uint64_t)c->a[i];
	return (vj_bpf_run(prog, &sd) & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
}

/* The child: install prog (NULL = nothing), then for each round read a
 * byte from cmd, time every call, write the ns per call back. */
static void child(const struct vj_bpf_prog *prog, int cmd, int res, long calls)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	struct vj_err e = {0};
	if (prog && vj_seccomp_install(prog, 0, &e) < 0) {
		fprintf(stderr, "seccomp-hot: install: %s\n", e.msg);
		_exit(1);
	}
	char go;
	while (read(cmd, &go, 1) == 1) {
		double out[NCALLS];
		for (int c = 0; c < NCALLS; c++) {
			const struct call *k = &calls_tab[c];
			out[c] = -1; /* not allowed by this policy: not timed */
			if (!allowed(prog, k))
				continue;
			uint64_t t0 = now_ns();
			for (long i = 0; i < calls; i++)
				syscall(k->nr, k->a[0], k->a[1], k->a[2], k->a[3], k->a[4], k->a[5]);
			out[c] = (double)(now_ns() - t0) / (double)calls;
		}
		if (write(res, out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(1);
	}
	_exit(0);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seccomp-hot ROUNDS CALLS POLICY...\n");
		return 2;
	}
	int rounds = atoi(argv[1]);
	long calls = atol(argv[2]);
	int npol = argc - 3, nkids = npol + 2; /* + no filter + the one-instruction floor */
	if (rounds < 1 || calls < 1 || nkids > 16)
		return 2;
	if (setup_calls() < 0)
		return 1;

	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct vj_bpf_prog floor_prog = {.insns = &allow, .len = 1};
	struct vj_bpf_prog progs[16];
	const char *names[16] = {"no filter", "RET_ALLOW (1 insn)"};
	for (int i = 0; i < npol; i++) {
		struct vj_policy *p = NULL;
		struct vj_diag d = {0};
		struct vj_err e = {0};
		if (vj_policy_load_file(argv[3 + i], &p, &d) < 0) {
			vj_diag_print(&d, stderr);
			return 1;
		}
		if (vj_seccomp_compile(&p->seccomp, &progs[i + 2], &e) < 0) {
			fprintf(stderr, "seccomp-hot: %s: %s\n", argv[3 + i], e.msg);
			return 1;
		}
		const char *slash = strrchr(argv[3 + i], '/');
		names[i + 2] = slash ? slash + 1 : argv[3 + i];
	}

	int cmd[16], res[16];
	pid_t pid[16];
	for (int k = 0; k < nkids; k++) {
		int c[2], r[2];
		if (pipe(c) < 0 || pipe(r) < 0)
			return 1;
		pid[k] = fork();
		if (pid[k] == 0) {
			close(c[1]);
			close(r[0]);
			child(k == 0 ? NULL : k == 1 ? &floor_prog : &progs[k], c[0], r[1], calls);
		}
		close(c[0]);
		close(r[1]);
		cmd[k] = c[1];
		res[k] = r[0];
	}

	double *v = calloc((size_t)(nkids * NCALLS * rounds), sizeof(double));
	if (!v)
		return 1;
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < nkids; k++) {
			double out[NCALLS];
			if (write(cmd[k], "g", 1) != 1 ||
			    read(res[k], out, sizeof(out)) != (ssize_t)sizeof(out)) {
				fprintf(stderr, "seccomp-hot: %s died (a hot call is not allowed?)\n",
				        names[k]);
				return 1;
			}
			for (int c = 0; c < NCALLS; c++)
				v[(k * NCALLS + c) * rounds + r] = out[c];
		}
	/* killed, not told: each child also holds its younger siblings' pipes */
	for (int k = 0; k < nkids; k++) {
		kill(pid[k], SIGKILL);
		waitpid(pid[k], NULL, 0);
	}
	for (int i = 0; i < nkids * NCALLS; i++)
		qsort(&v[i * rounds], (size_t)rounds, sizeof(double), cmp_d);
	/* filter  call  ns/call (median of rounds)  ratio to the one-instruction floor */
	for (int k = 0; k < nkids; k++)
		for (int c = 0; c < NCALLS; c++) {
			double s = v[(k * NCALLS + c) * rounds + rounds / 2];
			double f = v[(1 * NCALLS + c) * rounds + rounds / 2];
			if (s < 0)
				printf("%s\t%s\t-\t-\n", names[k], calls_tab[c].name);
			else
				printf("%s\t%s\t%.1f\t%.3f\n", names[k], calls_tab[c].name, s, s / f);
		}
	return 0;
}
