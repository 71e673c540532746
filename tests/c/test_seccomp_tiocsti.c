// SPDX-License-Identifier: Apache-2.0
/*
 * TIOCSTI with the high 32 bits set (CVE-2019-10063): the kernel truncates
 * ioctl's request to 32 bits, so TIOCSTI | 1 << 32 *is* TIOCSTI.  Wherever a
 * policy refuses TIOCSTI it must refuse every such variant: in the
 * interpreter, and in the kernel, where a real ioctl on a pty in a forked
 * child must die with SIGSYS and inject nothing.  A control run without the
 * filter shows the same call does inject, so the test can fail.
 */
#include <fcntl.h>
#include <glob.h>
#include <linux/audit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>

#include "tests/c/tap.h"
#include "tests/c/test_seccomp_policies.h"
#include "tests/c/test_seccomp_probe.h"

static const uint64_t high[] = {0,
                                1ull << 32,
                                0xffffffff00000000ull,
                                0xdead000000000000ull,
                                1ull << 63,
                                0x0000000100000000ull | (1ull << 40)};
#define NHIGH (sizeof(high) / sizeof(high[0]))

/* The interpreter and the semantics, on every high-bit variant. */
static void interp_checks(const char *label, const struct vj_seccomp *sc)
{
	struct vj_bpf_prog p = {0};
	struct vj_err e = {0};
	static const uint32_t reqs[] = {TIOCSTI, TIOCLINUX};

	if (!tap_ok(vj_seccomp_compile(sc, &p, &e) == 0, "%s: compiles", label)) {
		tap_diag("%s", e.msg);
		return;
	}
	for (size_t r = 0; r < 2; r++) {
		struct seccomp_data sd = {.nr = SYS_ioctl, .arch = AUDIT_ARCH_X86_64};
		uint32_t plain;
		unsigned bad = 0, refused = 0;

		sd.args[0] = 0;
		sd.args[1] = reqs[r];
		sd.args[2] = 0x7ffe0000;
		plain = vj_seccomp_eval(sc, &sd);
		bool denied = (plain & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW &&
		              (plain & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_LOG;
		for (size_t h = 0; h < NHIGH; h++) {
			sd.args[1] = reqs[r] | high[h];
			uint32_t run = vj_bpf_run(&p, &sd), ev = vj_seccomp_eval(sc, &sd);
			if (run != plain || ev != plain) {
				bad++;
				tap_diag("%s: ioctl 0x%llx: program 0x%08x, semantics 0x%08x, "
				         "plain 0x%08x",
				         label, (unsigned long long)sd.args[1], run, ev, plain);
			}
			uint32_t act = run & SECCOMP_RET_ACTION_FULL;
			if (act != SECCOMP_RET_ALLOW && act != SECCOMP_RET_LOG)
				refused++;
		}
		tap_is_int(bad, 0,
		           "%s: %s with high bits set gets the same verdict as without (0x%08x)",
		           label, r ? "TIOCLINUX" : "TIOCSTI", plain);
		if (denied)
			tap_is_int(refused, NHIGH, "%s: %s refused in all %zu variants", label,
			           r ? "TIOCLINUX" : "TIOCSTI", NHIGH);
	}
	vj_bpf_prog_free(&p);
}

static int open_pty(int *master, int *slave)
{
	struct termios t;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0)
		return -1;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (*slave < 0)
		return -1;
	/* Raw mode: an injected byte is readable at once, no newline needed. */
	if (tcgetattr(*slave, &t) < 0)
		return -1;
	cfmakeraw(&t);
	return tcsetattr(*slave, TCSANOW, &t);
}

/* Bytes waiting on the slave (what a shell on this tty would read). */
static int pending(int slave, char *buf, size_t len)
{
	struct pollfd pfd = {.fd = slave, .events = POLLIN};
	if (poll(&pfd, 1, 200) <= 0)
		return 0;
	ssize_t n = read(slave, buf, len);
	return n > 0 ? (int)n : 0;
}

/* ioctl(slave, req, &ch) in a child, filtered by p (or not, if p is NULL). */
static enum probe_end inject(const struct vj_bpf_prog *p, int slave, uint64_t req, char ch)
{
	struct probe_page *pg = probe_page();
	static char c;
	int status;
	pid_t pid;

	c = ch;
	pg->installed = pg->returned = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		probe_child_prepare();
		if (p && vj_seccomp_install(p, 0, NULL) != 0)
			_exit(90);
		pg->installed = 1;
		pg->ret = syscall(SYS_ioctl, slave, req, &c);
		pg->err = errno;
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

static void kernel_checks(const char *label, const struct vj_seccomp *sc)
{
	struct vj_bpf_prog p = {0};
	struct vj_err e = {0};
	int master, slave;
	char buf[16];

	if (open_pty(&master, &slave) < 0) {
		tap_ok(0, "%s: open a pty: %s", label, strerror(errno));
		return;
	}
	if (vj_seccomp_compile(sc, &p, &e) != 0) {
		tap_ok(0, "%s: compiles: %s", label, e.msg);
		return;
	}

	/* Control: no filter, high bits set, the byte arrives. */
	enum probe_end ctl = inject(NULL, slave, TIOCSTI | (1ull << 32), 'X');
	int n = pending(slave, buf, sizeof(buf));
	tap_ok(ctl == PROBE_RETURNED && probe_page()->ret == 0 && n == 1 && buf[0] == 'X',
	       "%s: control: unfiltered ioctl(TIOCSTI | 1<<32) injects 'X' (ret %ld, %d bytes)",
	       label, probe_page()->ret, n);

	for (size_t h = 0; h < NHIGH; h++) {
		uint64_t req = TIOCSTI | high[h];
		enum probe_end got = inject(&p, slave, req, 'Y');
		n = pending(slave, buf, sizeof(buf));
		tap_ok(
		    got == PROBE_SIGSYS && n == 0,
		    "%s: ioctl(pty, 0x%llx) dies with SIGSYS (%s) and injects nothing (%d bytes)",
		    label, (unsigned long long)req, probe_end_name(got), n);
	}
	for (size_t h = 0; h < NHIGH; h += 2) {
		uint64_t req = TIOCLINUX | high[h];
		tap_is_int(inject(&p, slave, req, 'Z'), PROBE_SIGSYS,
		           "%s: ioctl(pty, 0x%llx) (TIOCLINUX) dies with SIGSYS", label,
		           (unsigned long long)req);
	}
	/* A harmless ioctl next door still works: the rule is exact. */
	tap_is_int(inject(&p, slave, FIONREAD | (1ull << 32), 0), PROBE_RETURNED,
	           "%s: ioctl(pty, FIONREAD | 1<<32) is allowed", label);
	vj_bpf_prog_free(&p);
	close(slave);
	close(master);
}

int main(void)
{
	const char *src = getenv("VJ_SRC");
	struct tpol *t = tpol_denylist();
	char pat[4096];
	glob_t g;

	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		return 255;
	}
	interp_checks(t->name, &t->sc);
	kernel_checks(t->name, &t->sc);
	tpol_free(t);

	snprintf(pat, sizeof(pat), "%s/policies/*.policy", src ? src : ".");
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *base = strrchr(g.gl_pathv[i], '/') + 1;
			struct vj_policy *pol = NULL;
			struct vj_diag d = {0};
			if (vj_policy_load_file(g.gl_pathv[i], &pol, &d) == 0) {
				interp_checks(base, &pol->seccomp);
				/* The kernel run needs a policy that lets the child
				 * get as far as the ioctl: the default-allow ones. */
				if (pol->seccomp.def.kind == VJ_ACT_ALLOW)
					kernel_checks(base, &pol->seccomp);
			} else {
				tap_ok(0, "%s: parses", base);
				vj_diag_print(&d, stdout);
			}
			vj_diag_free(&d);
			vj_policy_free(pol);
		}
		globfree(&g);
	}
	return tap_done();
}
