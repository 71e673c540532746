// SPDX-License-Identifier: Apache-2.0
/*
 * Installed-filter test (Firecracker's pattern), against the real kernel:
 * for every rule of the hand-built policies, a forked child installs the
 * compiled filter and makes the syscall with arguments that meet the rule,
 * then with each argument perturbed by the smallest step (one off, high bits
 * set on 64-bit arguments, a masked bit flipped).  The policy's semantics
 * says what should happen; the kernel must agree: SIGSYS for kill and trap,
 * a return for everything else.  Also: i386 (int 0x80) and x32 entries die.
 *
 * Unconstrained arguments are all-ones: an invalid fd, pointer, flag set or
 * size for every syscall probed, so an allowed call fails harmlessly.  All
 * probes run in fresh pid/mount/net/ipc/uts namespaces.
 */
#include <glob.h>
#include <linux/audit.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>

#include "tests/c/tap.h"
#include "tests/c/test_seccomp_policies.h"
#include "tests/c/test_seccomp_probe.h"

#define ALL_ONES UINT64_MAX

struct tally {
	unsigned probes, sigsys, returned, wrong;
	unsigned denied, allowed; /* by the policy's verdict */
	unsigned skipped;
};

/* Syscalls that cannot be made raw from C and come back (or come back with
 * a sane stack): never executed, only counted. */
static bool unprobeable(int nr)
{
	return nr == SYS_rt_sigreturn || nr == SYS_vfork || nr == SYS_pause;
}

/* Never create an AF_VSOCK socket (the host's own services are behind
 * it): a probe that could, is not executed. */
static bool vsock_risk(int nr, const uint64_t a[6])
{
	return (nr == SYS_socket || nr == SYS_socketpair) && (uint32_t)a[0] == 40 /* AF_VSOCK */ &&
	       a[1] != UINT64_MAX;
}

static void probe_one(const char *pol, const struct vj_seccomp *sc, const struct vj_bpf_prog *p,
                      const struct vj_rule *r, const uint64_t args[6], const char *what,
                      struct tally *ty)
{
	struct seccomp_data sd = {.nr = r->nr, .arch = AUDIT_ARCH_X86_64};
	enum probe_end want, got;
	int status = 0;

	if (unprobeable(r->nr) || vsock_risk(r->nr, args)) {
		ty->skipped++;
		return;
	}
	memcpy(sd.args, args, sizeof(sd.args));
	uint32_t verdict = vj_seccomp_eval(sc, &sd);
	uint32_t act = verdict & SECCOMP_RET_ACTION_FULL;
	want = probe_expect(verdict);
	got = probe_syscall(p, r->nr, args, &status);
	ty->probes++;
	if (act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_LOG)
		ty->allowed++;
	else
		ty->denied++;
	if (got == PROBE_SIGSYS)
		ty->sigsys++;
	else if (got == PROBE_RETURNED)
		ty->returned++;
	/* A filter's errno (or user-notify's ENOSYS with no listener) is
	 * visible too: it must be exactly the policy's. */
	if (got == want && got == PROBE_RETURNED && probe_page()->returned &&
	    (act == SECCOMP_RET_ERRNO || act == SECCOMP_RET_USER_NOTIF)) {
		int want_err =
		    act == SECCOMP_RET_ERRNO ? (int)(verdict & SECCOMP_RET_DATA) : ENOSYS;
		if (probe_page()->ret != -1 || probe_page()->err != want_err) {
			ty->wrong++;
			tap_diag("%s: %s [%s]: returned %ld errno %d, policy says errno %d", pol,
			         r->name, what, probe_page()->ret, probe_page()->err, want_err);
		}
	}
	if (got != want) {
		ty->wrong++;
		tap_diag(
		    "%s: %s(%llx, %llx, %llx, %llx, %llx, %llx) [%s]: kernel %s, policy says %s "
		    "(status 0x%x)",
		    pol, r->name, (unsigned long long)args[0], (unsigned long long)args[1],
		    (unsigned long long)args[2], (unsigned long long)args[3],
		    (unsigned long long)args[4], (unsigned long long)args[5], what,
		    probe_end_name(got), probe_end_name(want), status);
	}
}

/* The least value meeting c (false if none). */
static bool meet(const struct vj_cond *c, uint64_t *v)
{
	uint64_t m;

	switch (c->op) {
	case VJ_OP_EQ:
		*v = c->value;
		return !(c->arg32 && c->value >> 32);
	case VJ_OP_NE:
		*v = c->value + 1;
		return true;
	case VJ_OP_LT:
		*v = c->value - 1;
		return c->value != 0;
	case VJ_OP_LE:
	case VJ_OP_GE:
		*v = c->value;
		return true;
	case VJ_OP_GT:
		*v = c->value + 1;
		return c->value != UINT64_MAX;
	case VJ_OP_MASKED_EQ:
		m = c->mask & (c->arg32 ? 0xffffffffu : UINT64_MAX);
		*v = c->value;
		return !(c->value & ~m);
	}
	return false;
}

/* Smallest-step perturbations of c's value. */
static unsigned perturb(const struct vj_cond *c, uint64_t base, uint64_t out[8])
{
	unsigned n = 0;
	uint64_t m;

	switch (c->op) {
	case VJ_OP_EQ:
		out[n++] = base + 1;
		out[n++] = base - 1;
		if (!c->arg32) {
			out[n++] = base ^ (1ull << 32);
			out[n++] = base ^ (1ull << 63);
		}
		break;
	case VJ_OP_NE:
		out[n++] = c->value;
		break;
	case VJ_OP_LT:
	case VJ_OP_GT:
		out[n++] = c->value;
		break;
	case VJ_OP_LE:
		out[n++] = c->value + 1;
		break;
	case VJ_OP_GE:
		out[n++] = c->value - 1;
		break;
	case VJ_OP_MASKED_EQ:
		m = c->mask & (c->arg32 ? 0xffffffffu : UINT64_MAX);
		for (unsigned b = 0; b < 64 && n < 4; b++)
			if (m & (1ull << b))
				out[n++] = base ^ (1ull << b);
		if (m && n < 8)
			out[n++] = base ^ (1ull << (63 - __builtin_clzll(m)));
		break;
	}
	return n;
}

static void probe_policy(const char *name, const struct vj_seccomp *sc)
{
	struct vj_bpf_prog p = {0};
	struct vj_err e = {0};
	struct tally ty = {0};

	if (!tap_ok(vj_seccomp_compile(sc, &p, &e) == 0, "%s: compiles", name)) {
		tap_diag("%s", e.msg);
		return;
	}
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		uint64_t args[6] = {ALL_ONES, ALL_ONES, ALL_ONES, ALL_ONES, ALL_ONES, ALL_ONES};
		bool ok = true;

		for (unsigned c = 0; c < r->ncond; c++)
			ok = ok && meet(&r->cond[c], &args[r->cond[c].arg]);
		if (!ok)
			continue; /* never fires: nothing to call */
		probe_one(name, sc, &p, r, args, "meets the rule", &ty);

		/* 32-bit arguments: the kernel ignores the high half; so must we */
		uint64_t hi[6];
		memcpy(hi, args, sizeof(hi));
		bool any32 = false;
		for (unsigned c = 0; c < r->ncond; c++)
			if (r->cond[c].arg32) {
				hi[r->cond[c].arg] |= 0xdead000000000000ull;
				any32 = true;
			}
		if (any32)
			probe_one(name, sc, &p, r, hi, "meets the rule, high bits set", &ty);

		for (unsigned c = 0; c < r->ncond; c++) {
			uint64_t alt[8];
			unsigned n = perturb(&r->cond[c], args[r->cond[c].arg], alt);
			for (unsigned k = 0; k < n; k++) {
				uint64_t pa[6];
				memcpy(pa, args, sizeof(pa));
				pa[r->cond[c].arg] = alt[k];
				probe_one(name, sc, &p, r, pa, "perturbed", &ty);
			}
		}
	}
	/* One syscall the policy does not mention: the default action. */
	static const int unruled[] = {SYS_getppid, SYS_getpid, SYS_gettid, SYS_sched_yield,
	                              SYS_getuid};
	for (size_t u = 0; u < sizeof(unruled) / sizeof(unruled[0]); u++) {
		bool mentioned = false;
		for (size_t i = 0; i < sc->nrules; i++)
			mentioned = mentioned || sc->rules[i].nr == unruled[u];
		if (!mentioned) {
			struct vj_rule d = {.nr = unruled[u]};
			uint64_t args[6] = {0};
			snprintf(d.name, sizeof(d.name), "nr %d", unruled[u]);
			probe_one(name, sc, &p, &d, args, "not in the policy: default", &ty);
			break;
		}
	}
	tap_diag("%s: %u probes: %u SIGSYS, %u returned; policy: %u denied, %u allowed; %u "
	         "disagreements; %u not executed",
	         name, ty.probes, ty.sigsys, ty.returned, ty.denied, ty.allowed, ty.wrong,
	         ty.skipped);
	tap_is_int(ty.wrong, 0, "%s: the kernel does what the policy says on %u probes", name,
	           ty.probes);
	tap_ok(ty.denied > 0 && ty.allowed > 0, "%s: probes hit both sides of the policy (%u / %u)",
	       name, ty.denied, ty.allowed);
	vj_bpf_prog_free(&p);
}

/* getpid through the i386 entry; returns the raw result. */
static long int80_getpid(void)
{
	long ret = 20; /* __NR_getpid on i386 */
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
}

static enum probe_end probe_int80(const struct vj_bpf_prog *p)
{
	struct probe_page *pg = probe_page();
	int status;
	pid_t pid;

	pg->installed = pg->returned = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		probe_child_prepare();
		if (p && vj_seccomp_install(p, 0, NULL) != 0)
			_exit(90);
		pg->installed = 1;
		pg->ret = int80_getpid();
		pg->returned = 1;
		probe_child_finish();
	}
	waitpid(pid, &status, 0);
	if (!pg->installed)
		return PROBE_SETUP_FAILED;
	if (pg->returned)
		return PROBE_RETURNED;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS ? PROBE_SIGSYS : PROBE_OTHER;
}

static void other_entries(void)
{
	struct tpol *t = tpol_denylist(); /* default allow: only the arch check can kill */
	struct vj_bpf_prog p = {0};
	struct vj_err e = {0};
	uint64_t none[6] = {0};

	if (vj_seccomp_compile(&t->sc, &p, &e) != 0) {
		tap_ok(0, "denylist compiles: %s", e.msg);
		tpol_free(t);
		return;
	}
	tap_is_int(probe_syscall(&p, SYS_getpid, none, NULL), PROBE_RETURNED,
	           "x86_64 getpid under the default-allow filter returns");

	/* Without a filter int 0x80 must work here, or the next check would
	 * prove nothing. */
	enum probe_end ctl = probe_int80(NULL);
	long ctl_ret = probe_page()->ret;
	if (ctl == PROBE_RETURNED && ctl_ret > 0) {
		tap_ok(1, "control: int 0x80 getpid works without a filter (pid %ld)", ctl_ret);
		tap_is_int(probe_int80(&p), PROBE_SIGSYS,
		           "i386 getpid (int 0x80) under the filter dies with SIGSYS");
	} else {
		printf("ok %d # SKIP int 0x80 unavailable here (%s, %ld)\n", ++tap_n,
		       probe_end_name(ctl), ctl_ret);
		printf("ok %d # SKIP i386 entry not testable\n", ++tap_n);
	}

	/* x32: the filter sees nr | 0x40000000 whether or not the kernel was
	 * built with x32, so it must die either way. */
	tap_is_int(probe_syscall(&p, SYS_getpid | VJ_X32_SYSCALL_BIT, none, NULL), PROBE_SIGSYS,
	           "x32 getpid (39 | 0x40000000) under the filter dies with SIGSYS");
	tap_is_int(probe_syscall(&p, -1, none, NULL), PROBE_SIGSYS,
	           "syscall -1 under the filter dies with SIGSYS");
	tap_is_int(probe_syscall(&p, 0x3fffffff, none, NULL), PROBE_RETURNED,
	           "nr 0x3fffffff (beyond the table, below x32) gets the default: returns ENOSYS");
	vj_bpf_prog_free(&p);
	tpol_free(t);
}

static void probe_shipped(void)
{
	const char *src = getenv("VJ_SRC");
	char pat[4096];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/policies/*.policy", src ? src : ".");
	if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		tap_ok(0, "shipped policies found at %s", pat);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		struct vj_policy *pol = NULL;
		struct vj_diag d = {0};
		if (tap_ok(vj_policy_load_file(g.gl_pathv[i], &pol, &d) == 0, "%s: parses", base))
			probe_policy(base, &pol->seccomp);
		else
			vj_diag_print(&d, stdout);
		vj_diag_free(&d);
		vj_policy_free(pol);
	}
	globfree(&g);
}

static int run(void)
{
	static const tpol_ctor kernel_set[] = {tpol_allowlist, tpol_denylist, tpol_orderings,
	                                       tpol_mixed,     tpol_masks,    tpol_ranges,
	                                       tpol_notify};

	for (size_t i = 0; i < sizeof(kernel_set) / sizeof(kernel_set[0]); i++) {
		struct tpol *t = kernel_set[i]();
		probe_policy(t->name, &t->sc);
		tpol_free(t);
	}
	probe_shipped();
	other_entries();
	return tap_done();
}

int main(void)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		return 255;
	}
	/* Whatever an allowed syscall does with its arguments stays in here. */
	if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0) {
		printf("Bail out! unshare: %s\n", strerror(errno));
		return 255;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("Bail out! making / private: %s\n", strerror(errno));
		return 255;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int rc = run();
		fflush(stdout); /* _exit does not flush, and the plan is last */
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 255;
	/* _exit: after unshare(CLONE_NEWPID) LeakSanitizer's helper task would
	 * be born in the new pid namespace and could not attach to us.  The
	 * library's leaks are checked by the other seccomp tests. */
	fflush(stdout);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 255);
}
