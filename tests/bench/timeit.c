// SPDX-License-Identifier: Apache-2.0
/*
 * timeit: run commands side by side, interleaved, and print their latency
 * distribution.  Benchmarks compare vmjail with its references as ratios
 * measured in one run; interleaving (A B C A B C ...) rather than batching
 * (A A A B B B) puts any drift in the machine's load on every command alike.
 *
 *   timeit [-n RUNS] [-w WARMUP] NAME 'CMD ARGS...' [NAME 'CMD ARGS...']...
 *
 * Commands are split on spaces and executed directly (no shell).  Their
 * output goes to /dev/null.  A command that exits non-zero or is killed
 * stops the benchmark with status 1: a failed launch must never be timed as
 * a fast one.  Prints one TSV line per command:
 *   name  runs  median_ns  p99_ns  mean_ns  min_ns
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_ARGS 128

struct cmd {
	const char *name;
	char *argv[MAX_ARGS];
	uint64_t *ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int split(char *s, char **argv)
{
	int n = 0;
	for (char *t = strtok(s, " "); t; t = strtok(NULL, " ")) {
		if (n == MAX_ARGS - 1)
			return -1;
		argv[n++] = t;
	}
	argv[n] = NULL;
	return n;
}

/* One run: fork, exec, wait.  Returns the elapsed ns, or 0 on failure. */
static uint64_t run_once(struct cmd *c)
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	uint64_t t = now_ns() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "timeit: '%s' failed (%s %d)\n", c->name,
		        WIFEXITED(st) ? "exit" : "signal",
		        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return 0;
	}
	return t ? t : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = 50, warmup = 3, opt;
	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else
			return 2;
	}
	int ncmd = (argc - optind) / 2;
	if (runs < 1 || warmup < 0 || ncmd < 1 || ncmd > MAX_CMDS || (argc - optind) % 2) {
		fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] NAME 'CMD...' ...\n");
		return 2;
	}
	struct cmd cmds[MAX_CMDS];
	for (int i = 0; i < ncmd; i++) {
		cmds[i].name = argv[optind + 2 * i];
		if (split(argv[optind + 2 * i + 1], cmds[i].argv) < 1) {
			fprintf(stderr, "timeit: bad command for %s\n", cmds[i].name);
			return 2;
		}
		cmds[i].ns = calloc((size_t)runs, sizeof(uint64_t));
		if (!cmds[i].ns)
			return 1;
	}
	for (int r = -warmup; r < runs; r++)
		for (int i = 0; i < ncmd; i++) {
			uint64_t t = run_once(&cmds[i]);
			if (!t)
				return 1;
			if (r >= 0)
				cmds[i].ns[r] = t;
		}
	for (int i = 0; i < ncmd; i++) {
		uint64_t *v = cmds[i].ns, sum = 0;
		qsort(v, (size_t)runs, sizeof(*v), cmp_u64);
		for (int r = 0; r < runs; r++)
			sum += v[r];
		int p99 = (runs * 99 + 99) / 100 - 1;
		printf("%s\t%d\t%llu\t%llu\t%llu\t%llu\n", cmds[i].name, runs,
		       (unsigned long long)(runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2),
		       (unsigned long long)v[p99 < 0 ? 0 : p99], (unsigned long long)(sum / (uint64_t)runs),
		       (unsigned long long)v[0]);
	}
	return 0;
}
