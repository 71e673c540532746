// SPDX-License-Identifier: Apache-2.0
/*
 * vjbpf_lsm_canary: loaded is not enforcing.  A private copy of the LSM
 * programs (private maps: the host's pins are not touched) is attached, a
 * temporary cgroup registered as a tenant with an empty rule set, and a
 * forked child in it tries one forbidden action per hook group once the
 * tenant is armed (as its first exec would arm it).  Every action must fail
 * with EPERM, and the denials must arrive in the tenant's ring.
 *
 * The actions are harmless if they succeed (the canary then fails): the
 * child works in its own mount namespace, the capability test unshares a
 * UTS namespace, the signal is 0.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlink.h>

#include "vjbpf_lsm.skel.h"

enum { A_IDENTITY, A_CAPABLE, A_TASK, A_FILE, A_MOUNT, A_KERNEL, A_NET, A_EXEC, A__COUNT };
static const uint32_t action_group[A__COUNT] = {
    VJBPF_LSM_G_IDENTITY, VJBPF_LSM_G_IDENTITY, VJBPF_LSM_G_TASK, VJBPF_LSM_G_FILE,
    VJBPF_LSM_G_MOUNT,    VJBPF_LSM_G_KERNEL,   VJBPF_LSM_G_NET,  VJBPF_LSM_G_EXEC,
};
static const char *const action_name[A__COUNT] = {
    "setgid", "unshare(CLONE_NEWUTS)", "kill(parent, 0)", "KVM ioctl on /dev/null", "mount",
    "bpf()",  "socket(AF_NETLINK)",    "second exec",
};

static int rc_errno(long rc)
{
	return rc < 0 ? errno : 0;
}

static __attribute__((noreturn)) void child(const char *dir, int ready_w, int go_r, int res_w)
{
	int res[A__COUNT];
	char c = 0, self[PATH_MAX];
	/* The second exec by path, resolved in the child's own mount namespace
	 * (/proc/self/exe would reach the file through the host's mount, which
	 * file_open refuses first). */
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l <= 0)
		_exit(5);
	self[l] = '\0';
	if (vjbpf__cgroup_enter(dir, 0) < 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(2);
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0 || write(ready_w, "r", 1) != 1 || read(go_r, &c, 1) != 1)
		_exit(3);
	res[A_IDENTITY] = rc_errno(setgid(getgid()));
	res[A_CAPABLE] = rc_errno(unshare(CLONE_NEWUTS));
	res[A_TASK] = rc_errno(kill(getppid(), 0));
	res[A_FILE] = rc_errno(ioctl(nullfd, 0xAE00 /* KVM_GET_API_VERSION */, 0));
	res[A_MOUNT] = rc_errno(mount("vjcanary", "/", "tmpfs", MS_NOSUID, NULL));
	char attr[128] = {0};
	res[A_KERNEL] = rc_errno(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr)));
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	res[A_NET] = rc_errno(s);
	char *argv[] = {"vjbpf-lsm-canary", NULL}, *envp[] = {NULL};
	execve(self, argv, envp);
	res[A_EXEC] = errno;
	_exit(write(res_w, res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 4);
}

static int count_lsm(void *ctx, const struct vj_event *ev)
{
	if (ev->kind == VJ_EV_ENFORCEMENT && ev->enforcer && !strcmp(ev->enforcer, "bpf-lsm"))
		++*(int *)ctx;
	return 0;
}

static int arm(int stats_fd, uint64_t cgid)
{
	struct vjbpf_stats st;
	__u64 key = cgid;
	if (bpf_map_lookup_elem(stats_fd, &key, &st) < 0)
		return -errno;
	st.execs = 1;
	return bpf_map_update_elem(stats_fd, &key, &st, BPF_EXIST) < 0 ? -errno : 0;
}

static int run_child(struct vjbpf_lsm_canary *out, const char *dir, int stats_fd, uint64_t cgid)
{
	int ready[2] = {-1, -1}, go[2] = {-1, -1}, res[2] = {-1, -1};
	int r[A__COUNT];
	int rc = 0;
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) {
		rc = -errno;
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out;
	}
	if (pid == 0)
		child(dir, ready[1], go[0], res[1]);
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	ready[1] = go[0] = res[1] = -1;
	char c;
	if (read(ready[0], &c, 1) != 1) {
		snprintf(out->reason, sizeof(out->reason), "the canary child could not set up");
	} else if ((rc = arm(stats_fd, cgid)) < 0) {
		snprintf(out->reason, sizeof(out->reason), "arming the canary tenant: %s",
		         strerror(-rc));
	} else if (write(go[1], "g", 1) != 1) {
		rc = -errno;
	} else if (read(res[0], r, sizeof(r)) != (ssize_t)sizeof(r)) {
		snprintf(out->reason, sizeof(out->reason),
		         "the canary child's second exec was not refused (or it died)");
	} else {
		uint32_t failed = 0;
		size_t pos = 0;
		for (int i = 0; i < A__COUNT; i++)
			if (r[i] != EPERM)
				failed |= action_group[i];
		out->groups = (VJBPF_LSM_G_ALL & ~VJBPF_LSM_G_RINGBUF) & ~failed;
		for (int i = 0; i < A__COUNT && pos < sizeof(out->reason); i++)
			if (r[i] != EPERM) {
				int n = snprintf(out->reason + pos, sizeof(out->reason) - pos,
				                 "%s%s: %s", pos ? "; " : "", action_name[i],
				                 r[i] ? strerror(r[i]) : "allowed");
				pos += n > 0 ? (size_t)n : 0;
			}
	}
	close(go[1]);
	go[1] = -1;
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
out:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (go[i] >= 0)
			close(go[i]);
		if (res[i] >= 0)
			close(res[i]);
	}
	return rc;
}

int vjbpf_lsm_canary(struct vjbpf_lsm_canary *out)
{
	struct vj_err e = {0};
	struct bpf_link *links[VJBPF_LSM_NHOOKS] = {0};
	struct vjbpf_events *ev = NULL;
	char dir[PATH_MAX] = "", why[128];
	uint64_t cgid = 0, t0 = vjbpf__now_ns();
	struct vjbpf_lsm *skel = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = vjbpf_lsm_kernel_hooks(&out->hooks, why, sizeof(why));
	if (rc) {
		snprintf(out->reason, sizeof(out->reason), "%s", why);
		return 0;
	}
	skel = vjbpf__lsm_open(out->hooks, NULL, &e);
	if (!skel) {
		snprintf(out->reason, sizeof(out->reason), "%.500s", e.msg);
		return 0;
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		if (!((out->hooks >> i) & 1))
			continue;
		struct bpf_program *p =
		    bpf_object__find_program_by_name(skel->obj, vjbpf_lsm_hooks[i].prog);
		links[i] = bpf_program__attach_lsm(p);
		if (!links[i]) {
			snprintf(out->reason, sizeof(out->reason), "attaching lsm/%s: %s",
			         vjbpf_lsm_hooks[i].hook, strerror(errno));
			goto out;
		}
	}
	struct vjbpf_maps m = {bpf_map__fd(skel->maps.vj_tenants), bpf_map__fd(skel->maps.vj_stats),
	                       bpf_map__fd(skel->maps.vj_rings), -1};
	struct vjbpf_rules r;
	memset(&r, 0, sizeof(r));
	r.flags = VJBPF_LSM_ENFORCE;
	r.rate_per_sec = 1000;
	r.burst = 1000;
	rc = vjbpf__cgroup_mktemp("vmjail-lsmcanary", dir, sizeof(dir));
	if (rc == 0)
		rc = vjbpf_cgroup_id(dir, &cgid);
	if (rc == 0)
		rc = vjbpf__tenant_insert(&m, cgid, &r, 16384, &e);
	if (rc == 0)
		rc = vjbpf__events_open_maps(&m, cgid, &ev, &e);
	if (rc) {
		snprintf(out->reason, sizeof(out->reason), "preparing the canary tenant: %.400s",
		         e.msg[0] ? e.msg : strerror(-rc));
		rc = 0;
		goto out;
	}
	rc = run_child(out, dir, m.stats, cgid);
	if (rc == 0 && out->groups) {
		int n = 0;
		vjbpf_events_drain(ev, count_lsm, &n);
		/* setgid may be reported twice (capable, then task_fix_setgid) */
		if (n >= __builtin_popcount(out->groups))
			out->groups |= VJBPF_LSM_G_RINGBUF;
		else if (!out->reason[0])
			snprintf(out->reason, sizeof(out->reason),
			         "the denials were refused but only %d reached the ring", n);
	}
	out->available = out->groups == VJBPF_LSM_G_ALL;
	if (out->available)
		snprintf(out->reason, sizeof(out->reason),
		         "the canary's exec, identity, task, file, mount, kernel and net actions "
		         "were refused and reported");
	vjbpf__tenant_remove(&m, cgid);
out:
	vjbpf_events_close(ev);
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++)
		bpf_link__destroy(links[i]);
	vjbpf_lsm__destroy(skel);
	if (dir[0])
		rmdir(dir);
	out->elapsed_ns = vjbpf__now_ns() - t0;
	return rc;
}
