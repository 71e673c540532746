// SPDX-License-Identifier: Apache-2.0
/*
 * Becoming the tenant: session, resource limits, groups, uid/gid, every
 * capability set emptied, securebits locked, no_new_privs.  Runs in the
 * tenant process after the mounts are in place and before the layers that
 * need no_new_privs (Landlock, seccomp).
 */
#include "jailer/identity.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int vj_set_rlimits(const struct vj_rlimit r[RLIM_NLIMITS], struct vj_err *e)
{
	vj_err_step(e, "rlimits");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		if (!r[i].set)
			continue;
		struct rlimit rl = {.rlim_cur = r[i].cur, .rlim_max = r[i].max};
		/* Still privileged here, so raising a hard limit works too. */
		if (setrlimit(i, &rl) < 0)
			return vj_failx(e, errno, "setrlimit %d (%llu/%llu)", i,
			                (unsigned long long)r[i].cur, (unsigned long long)r[i].max);
	}
	return 0;
}

/* When setsid is refused: the VMM at the caller's pid (fc_inplace.h) is a
 * process group leader if the caller asked for one (Go's Setpgid), and a
 * leader cannot start a session; with --daemonize it already leads one
 * (daemonize() in main.c).  What the session is for here is losing the
 * controlling terminal: TIOCNOTTY does that for a process that is not a
 * session leader, and a session leader must simply have none.  We are in
 * the jail by now (no /dev/tty): the terminal is reached through stdio, the
 * only fds besides --keep-fd the VMM will have.  0, or -1 with setsid's
 * errno. */
static int drop_ctty(void)
{
	int err = errno;
	if (err != EPERM || getpgrp() != getpid())
		return -1;
	bool leader = getsid(0) == getpid();
	for (int fd = 0; fd < 3; fd++)
		if (tcgetsid(fd) == getsid(0) && (leader || ioctl(fd, TIOCNOTTY) < 0)) {
			errno = err;
			return -1;
		}
	return 0;
}

int vj_drop_identity(uid_t uid, gid_t gid, bool in_userns, bool pdeathsig, struct vj_err *e)
{
	vj_err_step(e, "identity");
	/* A new session detaches any controlling terminal: no TIOCSTI into the
	 * operator's shell (bubblewrap CVE-2017-5226), no SIGHUP games. */
	if (setsid() < 0 && drop_ctty() < 0)
		return vj_failx(e, errno, "setsid");

	/* Lock the securebits before changing uid: with NOROOT and
	 * NO_SETUID_FIXUP locked, no later exec or uid change can hand
	 * capabilities back, and KEEP_CAPS cannot be turned on. */
	unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
	                     SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
	                     SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		return vj_failx(e, errno, "PR_SET_SECUREBITS");

	/* Bounding and ambient sets first: they need CAP_SETPCAP, which goes
	 * with the rest below. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return vj_fail(e, EPERM, "clearing the capability bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return vj_failx(e, errno, "clearing the ambient capabilities");

	/* In a user namespace setgroups is denied; the groups went before. */
	if (!in_userns && setgroups(0, NULL) < 0)
		return vj_failx(e, errno, "setgroups(0)");
	if (setresgid(gid, gid, gid) < 0)
		return vj_failx(e, errno, "setresgid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return vj_failx(e, errno, "setresuid %u", (unsigned)uid);

	/* NO_SETUID_FIXUP kept the permitted set across setresuid: empty it. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return vj_fail(e, EPERM, "clearing effective/permitted/inheritable capabilities");

	/* Verify instead of trusting the calls above. */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != uid ||
	    eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return vj_fail(e, EPERM, "uid/gid did not change to %u/%u", (unsigned)uid,
		               (unsigned)gid);
	if (getgroups(0, NULL) != 0)
		return vj_fail(e, EPERM, "supplementary groups remain");
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return vj_fail(e, EPERM, "capabilities remain after dropping them");

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return vj_failx(e, errno, "PR_SET_NO_NEW_PRIVS");

	/* Credential changes reset these; set them now that uid is final.  The
	 * VMM dies with its supervisor (who alone can clean up after it). */
	if (pdeathsig && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return vj_failx(e, errno, "PR_SET_PDEATHSIG");
	return 0;
}

int vj_fds_for_exec(const int *keep, unsigned nkeep, struct vj_err *e)
{
	vj_err_step(e, "fds");
	/* Everything above 2 becomes close-on-exec (our own pipes stay usable
	 * until exec); only the declared pass-through fds survive the exec. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return vj_failx(e, errno, "close_range");
	for (unsigned i = 0; i < nkeep; i++) {
		int fl = fcntl(keep[i], F_GETFD);
		if (fl < 0)
			return vj_failx(e, errno, "--keep-fd %d", keep[i]);
		if (fcntl(keep[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return vj_failx(e, errno, "--keep-fd %d", keep[i]);
	}
	return 0;
}
