// SPDX-License-Identifier: Apache-2.0
/*
 * vj_seccomp_install: refuses without no_new_privs unless CAP_SYS_ADMIN is
 * held, installs with it, passes flags (LOG, NEW_LISTENER returns a usable
 * listener fd), refuses a program the kernel would refuse before asking it.
 * Each case runs in a forked child: an installed filter binds only it.
 */
#include <linux/audit.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "tests/c/tap.h"
#include "tests/c/test_seccomp_policies.h"
#include "tests/c/test_seccomp_probe.h"

/* Drop CAP_SYS_ADMIN from the effective set (root stays root). */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	return (int)syscall(SYS_capset, &h, d);
}

struct result {
	int rc, err;
	char msg[512];
	int getpid_errno; /* what getpid's errno was after install (filter effect) */
};

enum setup { NNP, NO_NNP_ADMIN, NO_NNP_NO_ADMIN };

static struct result run_install(const struct vj_bpf_prog *p, unsigned flags, enum setup s)
{
	struct result *res =
	    mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct result out;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->rc = -99999;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct vj_err e = {0};
		if (s == NNP)
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (s == NO_NNP_NO_ADMIN && drop_sys_admin() < 0)
			_exit(3);
		res->rc = vj_seccomp_install(p, flags, &e);
		res->err = e.err;
		snprintf(res->msg, sizeof(res->msg), "%s", e.msg);
		errno = 0;
		long r = syscall(SYS_getppid);
		res->getpid_errno = r < 0 ? errno : 0;
		if (res->rc > 0) /* a listener fd: it must be a real seccomp listener */
			res->getpid_errno =
			    ioctl(res->rc, SECCOMP_IOCTL_NOTIF_ID_VALID, &(uint64_t){0}) < 0
			        ? -errno
			        : 1000;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	out = *res;
	munmap(res, sizeof(*res));
	return out;
}

int main(void)
{
	/* getppid -> errno EXDEV: the filter's effect is visible and harmless */
	struct tpol *t = tpol_new("install", VJ_ACT_ALLOW, 0);
	RULE(t, getppid, VJ_ACT_ERRNO, EXDEV);
	struct vj_bpf_prog p = {0};
	struct vj_err e = {0};
	struct result r;

	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		return 255;
	}
	if (vj_seccomp_compile(&t->sc, &p, &e) != 0) {
		printf("Bail out! compile: %s\n", e.msg);
		return 255;
	}

	r = run_install(&p, 0, NNP);
	tap_ok(r.rc == 0 && r.getpid_errno == EXDEV,
	       "with no_new_privs: installed, and the filter acts (getppid errno %d)",
	       r.getpid_errno);

	r = run_install(&p, 0, NO_NNP_ADMIN);
	tap_ok(r.rc == 0 && r.getpid_errno == EXDEV,
	       "without no_new_privs but with CAP_SYS_ADMIN: installed (errno %d)", r.getpid_errno);

	r = run_install(&p, 0, NO_NNP_NO_ADMIN);
	tap_ok(r.rc == -EPERM && r.err == EPERM && r.getpid_errno == 0,
	       "without no_new_privs or CAP_SYS_ADMIN: refused, nothing installed (%d: %s)", r.rc,
	       r.msg);

	r = run_install(&p, SECCOMP_FILTER_FLAG_LOG, NNP);
	tap_ok(r.rc == 0 && r.getpid_errno == EXDEV,
	       "SECCOMP_FILTER_FLAG_LOG is passed and accepted");

	r = run_install(&p, SECCOMP_FILTER_FLAG_NEW_LISTENER, NNP);
	tap_ok(r.rc > 0 && r.getpid_errno == -ENOENT,
	       "NEW_LISTENER: returns a listener fd (%d) that answers seccomp ioctls (%d)", r.rc,
	       r.getpid_errno);

	r = run_install(&p, 1u << 30, NNP);
	tap_ok(r.rc == -EINVAL && r.getpid_errno == 0, "unknown flag: the kernel's EINVAL (%s)",
	       r.msg);

	struct sock_filter bad[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
	                            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct vj_bpf_prog bp = {bad, 2};
	r = run_install(&bp, 0, NNP);
	tap_ok(r.rc == -EINVAL && strstr(r.msg, "insn 0") != NULL,
	       "a program the kernel would refuse is refused first, naming the instruction (%s)",
	       r.msg);

	vj_bpf_prog_free(&p);
	tpol_free(t);
	return tap_done();
}
