// SPDX-License-Identifier: Apache-2.0
/* Handing a compiled program to seccomp(2). */
#include "policies/compile/seccomp.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool have_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return (data[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1u;
}

int vj_seccomp_install(const struct vj_bpf_prog *prog, unsigned flags, struct vj_err *e)
{
	struct sock_fprog fp;
	long rc;
	int nnp;

	vj_err_step(e, "seccomp");
	/* The kernel checks too, but a cached or hand-made program that fails
	 * here gets a message naming the instruction instead of a bare EINVAL. */
	if ((rc = vj_bpf_check(prog, e)) < 0)
		return (int)rc;
	nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (nnp < 0)
		return vj_failx(e, errno, "prctl(PR_GET_NO_NEW_PRIVS)");
	/* Without no_new_privs a setuid exec after the filter could run with
	 * privileges the filter's author never saw; the kernel insists on it
	 * or CAP_SYS_ADMIN, and so do we, before asking. */
	if (nnp != 1 && !have_cap_sys_admin())
		return vj_fail(e, EPERM,
		               "no_new_privs is not set and CAP_SYS_ADMIN is not held: the filter "
		               "cannot be installed");

	fp.len = (unsigned short)prog->len;
	fp.filter = prog->insns;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
	if (rc < 0)
		return vj_failx(e, errno, "seccomp(SECCOMP_SET_MODE_FILTER, flags 0x%x, %zu insns)",
		                flags, prog->len);
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		return (int)rc;
	/* With TSYNC a positive value is the thread that could not be synced:
	 * the filter was not installed anywhere. */
	if (rc > 0)
		return vj_fail(e, ESRCH, "seccomp: thread %ld could not be synchronised", rc);
	return 0;
}
