// SPDX-License-Identifier: Apache-2.0
/*
 * Benchmark (not a test): what the BPF LSM programs cost a process that is
 * not a tenant, in the test guest (tests/bench/lsm-guest.sh boots it).  The
 * programs run for every task once attached; for a non-tenant each does one
 * cgroup-id lookup (plus the ancestors) and returns.
 *
 * One private load, then ROUNDS interleaved rounds: attach all programs,
 * measure, detach, measure.  Per round and per loop: ns per iteration of
 *   open/close   open("/init") + close
 *   socket       socket(AF_UNIX, SOCK_STREAM) + close
 *   exec         fork + execve("/bin/true") + wait
 * The medians of the rounds are printed as TAP comments, with the overhead.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf/internal.h"
#include "vjbpf_lsm.skel.h"

#define ROUNDS 7

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static double loop_open(int n)
{
	double t0 = now_ns();
	for (int i = 0; i < n; i++) {
		int fd = open("/init", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
	return (now_ns() - t0) / n;
}

static double loop_socket(int n)
{
	double t0 = now_ns();
	for (int i = 0; i < n; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s >= 0)
			close(s);
	}
	return (now_ns() - t0) / n;
}

static double loop_exec(int n)
{
	double t0 = now_ns();
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			char *argv[] = {"true", NULL}, *envp[] = {NULL};
			execve("/bin/true", argv, envp);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	return (now_ns() - t0) / n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(void)
{
	struct vj_err e = {0};
	uint64_t mask = 0;
	char why[128];
	double on[3][ROUNDS], off[3][ROUNDS];
	static const char *const name[3] = {"open/close", "socket", "exec"};
	static const int iters[3] = {20000, 20000, 100};

	setvbuf(stdout, NULL, _IOLBF, 0);
	vjbpf_lsm_kernel_hooks(&mask, why, sizeof(why));
	struct vjbpf_lsm *skel = vjbpf__lsm_open(mask, NULL, &e);
	if (!skel) {
		printf("not ok 1 - load: %s\n1..1\n", e.msg);
		return 1;
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct bpf_link *links[VJBPF_LSM_NHOOKS] = {0};
		for (int i = 0; i < VJBPF_LSM_NHOOKS; i++)
			if ((mask >> i) & 1)
				links[i] = bpf_program__attach_lsm(bpf_object__find_program_by_name(
				    skel->obj, vjbpf_lsm_hooks[i].prog));
		on[0][r] = loop_open(iters[0]);
		on[1][r] = loop_socket(iters[1]);
		on[2][r] = loop_exec(iters[2]);
		for (int i = 0; i < VJBPF_LSM_NHOOKS; i++)
			bpf_link__destroy(links[i]);
		off[0][r] = loop_open(iters[0]);
		off[1][r] = loop_socket(iters[1]);
		off[2][r] = loop_exec(iters[2]);
	}
	printf("# %d interleaved rounds, %d hooks attached vs none; medians per iteration\n",
	       ROUNDS, __builtin_popcountll(mask));
	for (int k = 0; k < 3; k++) {
		double a = median(on[k], ROUNDS), b = median(off[k], ROUNDS);
		printf("# %-10s attached %10.0f ns  detached %10.0f ns  overhead %+.1f%%\n",
		       name[k], a, b, (a - b) / b * 100);
	}
	vjbpf_lsm__destroy(skel);
	printf("ok 1 - benchmark ran\n1..1\n");
	return 0;
}
