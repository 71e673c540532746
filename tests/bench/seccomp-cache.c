// SPDX-License-Identifier: Apache-2.0
/*
 * Benchmark: what a launch pays for its seccomp filter, compiled by
 * libseccomp every time vs. loaded from the verified cache.  Not a test: it
 * prints a table (medians of N runs, microseconds) and the ratios.
 *
 *   launch (compile) = parse policy + vj_seccomp_compile
 *   launch (cached)  = parse policy + vj_seccomp_load_cached (a hit)
 *
 * Usage: seccomp-cache [N] [policy files...]  (hand-built "large" included)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/c/test_seccomp_policies.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct row {
	char name[40];
	size_t rules, insns;
	double parse, compile, hit, store;
};

static void fail(const char *what, const struct vj_err *e)
{
	fprintf(stderr, "seccomp-cache: %s: %s\n", what, e ? e->msg : "");
	exit(1);
}

/* parse == NULL: a hand-built policy (no parse step). */
static void measure(struct row *r, const char *path, struct vj_policy *pol, const char *dir, int n)
{
	double *t = calloc((size_t)n, sizeof(double));
	struct vj_bpf_prog p = {0};
	struct vj_cache_info info;
	struct vj_err e = {0};

	if (!t)
		exit(1);
	r->rules = pol->seccomp.nrules;
	if (path) {
		for (int i = 0; i < n; i++) {
			struct vj_policy *q = NULL;
			struct vj_diag d = {0};
			double t0 = now_us();
			if (vj_policy_load_file(path, &q, &d) != 0)
				fail(path, NULL);
			t[i] = now_us() - t0;
			vj_policy_free(q);
			vj_diag_free(&d);
		}
		r->parse = median(t, n);
	}
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		if (vj_seccomp_compile(&pol->seccomp, &p, &e) != 0)
			fail("compile", &e);
		t[i] = now_us() - t0;
		r->insns = p.len;
		vj_bpf_prog_free(&p);
	}
	r->compile = median(t, n);
	for (int i = 0; i < n; i++) {
		char name[80], full[600];
		vj_seccomp_cache_name(pol, name, sizeof(name));
		snprintf(full, sizeof(full), "%s/%s", dir, name);
		unlink(full);
		double t0 = now_us();
		if (vj_seccomp_load_cached_ex(pol, dir, &p, &info, &e) != 0 ||
		    info.status != VJ_CACHE_STORED)
			fail("cache store", &e);
		t[i] = now_us() - t0;
		vj_bpf_prog_free(&p);
	}
	r->store = median(t, n);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		if (vj_seccomp_load_cached_ex(pol, dir, &p, &info, &e) != 0 ||
		    info.status != VJ_CACHE_HIT)
			fail("cache hit", &e);
		t[i] = now_us() - t0;
		vj_bpf_prog_free(&p);
	}
	r->hit = median(t, n);
	free(t);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	char dir[] = "/tmp/vj-sccache-bench-XXXXXX";
	struct row rows[32];
	int nr = 0;

	if (n < 1 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: seccomp-cache [N] [policy...] (as root)\n");
		return 2;
	}
	for (int a = 2; a < argc && nr < 31; a++) {
		struct vj_policy *pol = NULL;
		struct vj_diag d = {0};
		if (vj_policy_load_file(argv[a], &pol, &d) != 0) {
			vj_diag_print(&d, stderr);
			return 1;
		}
		vj_diag_free(&d);
		const char *base = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
		snprintf(rows[nr].name, sizeof(rows[nr].name), "%s", base);
		measure(&rows[nr++], argv[a], pol, dir, n);
		vj_policy_free(pol);
	}
	{
		struct tpol *t = tpol_large();
		struct vj_policy pol;
		memset(&pol, 0, sizeof(pol));
		memset(pol.hash, 0x42, sizeof(pol.hash));
		pol.seccomp = t->sc;
		memset(&rows[nr], 0, sizeof(rows[nr]));
		snprintf(rows[nr].name, sizeof(rows[nr].name), "large (hand-built)");
		measure(&rows[nr++], NULL, &pol, dir, n);
		tpol_free(t);
	}

	printf("seccomp filter per launch, median of %d runs, microseconds\n\n", n);
	printf("%-22s %5s %5s | %8s %9s %9s %9s | %12s %12s %7s\n", "policy", "rules", "insns",
	       "parse", "compile", "cache-hit", "store", "launch/comp", "launch/cache", "ratio");
	for (int i = 0; i < nr; i++) {
		struct row *r = &rows[i];
		double lc = r->parse + r->compile, lh = r->parse + r->hit;
		printf("%-22s %5zu %5zu | %8.1f %9.1f %9.1f %9.1f | %12.1f %12.1f %6.1fx\n",
		       r->name, r->rules, r->insns, r->parse, r->compile, r->hit, r->store, lc, lh,
		       lh > 0 ? lc / lh : 0);
	}
	printf("\ncompile/cache-hit alone: ");
	for (int i = 0; i < nr; i++)
		printf("%s%s %.0fx", i ? ", " : "", rows[i].name, rows[i].compile / rows[i].hit);
	printf("\n");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
