// SPDX-License-Identifier: Apache-2.0
/*
 * lsm-guest-test: the BPF LSM programs proven on a kernel that runs them
 * (the test guest: Debian's 6.1 with lsm=...,bpf), as one static TAP
 * program run by tests/lsm-guest.t.
 *
 * The pinned path a launch uses: vjbpf_setup on a parent cgroup,
 * vjbpf_lsm_setup, tenants registered with vjbpf_tenant_add and switched on
 * with vjbpf_lsm_tenant_enable.  Each tenant process is this program
 * re-executed in the tenant's leaf and its own mount namespace (the exec
 * that arms the tenant, as the VMM's exec does), acting as the attacker.
 *
 * Per hook, one TAP line: the attacker in tenant A gets the expected errno,
 * the same action run outside any tenant gets the kernel's normal answer,
 * and tenant A's ring holds a bpf-lsm record naming the hook (decoded to the
 * audit schema: enforcer, hook, object, cgroup id, tenant label).  Then the
 * file cap (lsm_guest_files.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "bpf/tool/lsm_guest.h"
#include "bpf/vjbpf.h"

#define PARENT    "/sys/fs/cgroup/vmjail-lsm"
#define CG_A      PARENT "/a"
#define CG_B      PARENT "/b"
#define RO_DIR    "/tmp/vjro"
#define HOST_SOCK "/tmp/vj-host.sock"
#define B_SOCK    "/tmp/vj-b.sock"
#define FD_ROOT   3 /* an O_PATH fd of "/" opened in the initial mount namespace */
#define FD_SCM    4 /* a socketpair end on which an fd from outside arrives */

static int n, failed;

void ok(int cond, const char *fmt, ...)
{
	va_list ap;
	n++;
	printf("%sok %d - ", cond ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failed += !cond;
}

static int res(long rc)
{
	return rc < 0 ? errno : 0;
}

/* ----------------------------------------------------------- the attacks */

static int recv_fd(int sock)
{
	char data[1], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {data, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) < 0)
		return errno;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		return 0;
	/* the kernel drops an fd that file_receive refused and says CTRUNC */
	return (m.msg_flags & MSG_CTRUNC) ? EPERM : ENOMSG;
}

static int send_fd(int sock, int fd)
{
	char data[1] = {'f'}, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {data, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) < 0 ? errno : 0;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	int rc = res(connect(s, (struct sockaddr *)&sa, sizeof(sa)));
	close(s);
	return rc;
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 8) < 0)
		return -1;
	return s;
}

static int open_errno(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* One action; returns 0 or the errno it got. */
static int attack(const char *what, const char *arg)
{
	if (!strcmp(what, "exec")) {
		/* by path, resolved in this mount namespace: /proc/self/exe
		 * would name the file through the host's mount (file_open) */
		char self[PATH_MAX];
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (l <= 0)
			return 1000 + errno;
		self[l] = '\0';
		char *argv[] = {"lsm-guest-test", "noop", NULL}, *envp[] = {NULL};
		execve(self, argv, envp);
		return errno;
	}
	if (!strcmp(what, "setuid"))
		return res(setuid(0));
	if (!strcmp(what, "setgid"))
		return res(setgid(0));
	if (!strcmp(what, "setgroups"))
		return res(setgroups(0, NULL));
	if (!strcmp(what, "capable"))
		return res(unshare(CLONE_NEWUTS));
	if (!strcmp(what, "userns"))
		return res(unshare(CLONE_NEWUSER));
	if (!strcmp(what, "kill"))
		return res(kill(arg ? atoi(arg) : 1, 0));
	if (!strcmp(what, "ptrace")) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%s/environ", arg ? arg : "1");
		return open_errno(AT_FDCWD, p);
	}
	if (!strcmp(what, "open-outside"))
		return open_errno(FD_ROOT, "init");
	if (!strcmp(what, "open-b")) {
		char p[96];
		snprintf(p, sizeof(p), "/proc/%s/root/init", arg);
		return open_errno(AT_FDCWD, p);
	}
	if (!strcmp(what, "ioctl")) {
		int fd = open("/init", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 1000 + errno;
		int rc = res(ioctl(fd, 0xAE00 /* KVM_GET_API_VERSION */, 0));
		close(fd);
		return rc;
	}
	if (!strcmp(what, "receive"))
		return recv_fd(FD_SCM);
	if (!strcmp(what, "notify")) {
		int in = inotify_init1(IN_CLOEXEC);
		if (in < 0)
			return 1000 + errno;
		int rc = inotify_add_watch(in, RO_DIR, IN_ACCESS) < 0 ? errno : 0;
		close(in);
		return rc;
	}
	if (!strcmp(what, "mount")) {
		int rc = res(mount("vjtest", RO_DIR, "tmpfs", MS_NOSUID, NULL));
		if (rc == 0)
			umount2(RO_DIR, MNT_DETACH);
		return rc;
	}
	if (!strcmp(what, "move_mount")) {
		int t =
		    (int)syscall(428 /* open_tree */, AT_FDCWD, RO_DIR, 1 /* CLONE */ | O_CLOEXEC);
		if (t < 0)
			return 1000 + errno;
		int rc = res(syscall(429 /* move_mount */, t, "", AT_FDCWD, "/tmp",
		                     4 /* MOVE_MOUNT_F_EMPTY_PATH */));
		if (rc == 0)
			umount2("/tmp", MNT_DETACH);
		close(t);
		return rc;
	}
	if (!strcmp(what, "pivotroot"))
		return res(syscall(SYS_pivot_root, RO_DIR, RO_DIR));
	if (!strcmp(what, "bpf")) {
		char attr[128] = {0};
		return res(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr)));
	}
	if (!strcmp(what, "perf")) {
		struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE,
		                            .size = sizeof(a),
		                            .config = PERF_COUNT_SW_CPU_CLOCK,
		                            .exclude_kernel = 1,
		                            .exclude_hv = 1};
		long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		if (fd >= 0)
			close((int)fd);
		return res(fd);
	}
	if (!strcmp(what, "modreq")) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return 1000 + errno;
		int rc = res(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "vjnone", 6));
		close(s);
		return rc;
	}
	if (!strcmp(what, "read_file")) {
		int fd = open("/init", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 1000 + errno;
		int rc = res(syscall(SYS_finit_module, fd, "", 0));
		close(fd);
		return rc;
	}
	if (!strcmp(what, "load_data")) {
		static char blob[64];
		return res(syscall(SYS_init_module, blob, sizeof(blob), ""));
	}
	if (!strcmp(what, "socket")) {
		int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (s >= 0)
			close(s);
		return res(s);
	}
	if (!strcmp(what, "unix"))
		return unix_connect(arg ? arg : HOST_SOCK);
	if (!strcmp(what, "listen")) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return 1000 + errno;
		int rc = res(listen(s, 1));
		close(s);
		return rc;
	}
	return 999;
}

/* Tenant B: listen on B_SOCK, send one fd of its own namespace on FD_SCM,
 * then wait to be killed. */
static int tenant_b(void)
{
	int l = unix_listen(B_SOCK);
	int fd = open("/init", O_RDONLY | O_CLOEXEC);
	if (l < 0 || fd < 0)
		return 2;
	send_fd(FD_SCM, fd);
	if (write(5, "b", 1) != 1)
		return 3;
	for (;;) {
		int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			close(c);
		else
			pause();
	}
}

/*
 * The attacker: one exec (the one that arms the tenant), then each action
 * "what[=arg]" in a forked child of its own (an action that succeeds must
 * not change the next one's starting point); "what errno" lines on stdout.
 * The exec action's child is the tenant's second exec.
 */
static int attack_all(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char w[64], *arg;
		snprintf(w, sizeof(w), "%s", argv[i]);
		arg = strchr(w, '=');
		if (arg)
			*arg++ = '\0';
		int r;
		fflush(stdout);
		pid_t p = fork();
		if (p == 0)
			_exit(attack(w, arg));
		int st = 0;
		waitpid(p, &st, 0);
		r = WIFEXITED(st) ? WEXITSTATUS(st) : 300 + WTERMSIG(st);
		printf("%s %d\n", argv[i], r);
		fflush(stdout);
	}
	return 0;
}

/* ------------------------------------------------------------ the driver */

#define MAXACT 24

/*
 * Run the attacker with actions act[0..nact) in cgroup `cg` (NULL: outside
 * any tenant) and its own mount namespace, with FD_ROOT and (scm >= 0)
 * FD_SCM.  res[i]: the errno of action i (0: it succeeded), -1 if no answer.
 */
static void run(const char *cg, const char *const *act, int nact, int scm, int *out)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int pp[2];
	for (int i = 0; i < nact; i++)
		out[i] = -1;
	if (pipe2(pp, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		if (cg) {
			char p[PATH_MAX];
			snprintf(p, sizeof(p), "%s/cgroup.procs", cg);
			int f = open(p, O_WRONLY);
			if (f < 0 || write(f, "0", 1) != 1)
				_exit(200);
			close(f);
		}
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(201);
		if (dup2(root, FD_ROOT) < 0 || (scm >= 0 && dup2(scm, FD_SCM) < 0) ||
		    dup2(pp[1], 1) < 0)
			_exit(202);
		char *argv[MAXACT + 3] = {"lsm-guest-test", "attack"};
		for (int i = 0; i < nact && i < MAXACT; i++)
			argv[2 + i] = (char *)act[i];
		char *envp[] = {NULL};
		execve("/proc/self/exe", argv, envp);
		_exit(203);
	}
	close(root);
	close(pp[1]);
	FILE *f = fdopen(pp[0], "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		char w[128];
		int r;
		if (sscanf(line, "%127s %d", w, &r) != 2)
			continue;
		for (int i = 0; i < nact; i++)
			if (!strcmp(w, act[i]))
				out[i] = r;
	}
	if (f)
		fclose(f);
	int st = 0;
	waitpid(pid, &st, 0);
}

struct seen {
	uint64_t cgid;
	int count[VJBPF_LSM_NHOOKS + 1];
	char json[VJBPF_LSM_NHOOKS][768];
	const char *names[VJBPF_LSM_NHOOKS];
	int other; /* records not of this tenant, or without the label */
};

static int on_event(void *ctx, const struct vj_event *ev)
{
	struct seen *s = ctx;
	if (ev->kind != VJ_EV_ENFORCEMENT || !ev->enforcer || strcmp(ev->enforcer, "bpf-lsm") ||
	    !ev->hook)
		return 0;
	if (ev->cgroup_id != s->cgid || !ev->tenant || strcmp(ev->tenant, "tenant-a")) {
		s->other++;
		return 0;
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		if (strcmp(ev->hook + 4, vjbpf_lsm_hooks[i].hook) != 0)
			continue;
		if (!s->count[i]++)
			vj_event_to_json(ev, s->json[i], sizeof(s->json[i]));
	}
	return 0;
}

static int hook_index(const char *hook)
{
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++)
		if (!strcmp(hook + 4, vjbpf_lsm_hooks[i].hook))
			return i;
	return VJBPF_LSM_NHOOKS;
}

static int count_all(void *ctx, const struct vj_event *ev)
{
	if (ev->kind == VJ_EV_ENFORCEMENT)
		++*(int *)ctx;
	return 0;
}

struct hookcase {
	const char *what, *hook;
	int in_tenant; /* expected errno in tenant A */
	int outside;   /* expected result outside (0: success) */
	const char *note;
};

static const struct hookcase cases[] = {
    {"setuid", "lsm/task_fix_setuid", EPERM, 0, "setuid(0)"},
    {"setgid", "lsm/task_fix_setgid", EPERM, 0, "setgid(0)"},
    {"capable", "lsm/capable", EPERM, 0, "unshare(CLONE_NEWUTS) as root"},
    {"userns", "lsm/userns_create", EPERM, 0, "unshare(CLONE_NEWUSER)"},
    {"kill", "lsm/task_kill", EPERM, 0, "kill(1, 0)"},
    {"ptrace", "lsm/ptrace_access_check", EACCES, 0, "open /proc/1/environ"},
    {"open-outside", "lsm/file_open", EPERM, 0, "openat(dirfd of the host's /, \"init\")"},
    {"ioctl", "lsm/file_ioctl", EPERM, ENOTTY, "KVM_GET_API_VERSION on a regular file"},
    {"receive", "lsm/file_receive", EPERM, 0, "SCM_RIGHTS fd opened in the host namespace"},
    {"notify", "lsm/path_notify", EPERM, 0, "inotify watch on a read-only mount"},
    {"socket", "lsm/socket_create", EPERM, 0, "socket(AF_NETLINK)"},
    {"unix", "lsm/unix_stream_connect", EPERM, 0, "connect to a host unix socket"},
    {"listen", "lsm/socket_listen", EPERM, 0, "listen() on an unbound TCP socket"},
    {"exec", "lsm/bprm_check_security", EPERM, 0, "a second exec"},
};

/*
 * Behind lsm/capable: run with that link unpinned (detached).  bpf() and
 * perf_event_open ask for a capability first on Debian's kernel
 * (unprivileged_bpf_disabled, perf_event_paranoid=3), so with lsm/capable
 * on, that refuses them before their own hook runs.
 */
static const struct hookcase behind_capable[] = {
    {"bpf", "lsm/bpf", EPERM, EINVAL, "bpf(BPF_MAP_CREATE)"},
    {"perf", "lsm/perf_event_open", EPERM, 0, "perf_event_open(cpu-clock, self)"},
    {"setgroups", "lsm/task_fix_setgroups", EPERM, 0, "setgroups(0, NULL)"},
    {"mount", "lsm/sb_mount", EPERM, 0, "mount tmpfs"},
    {"move_mount", "lsm/move_mount", EPERM, 0, "open_tree + move_mount"},
    {"pivotroot", "lsm/sb_pivotroot", EPERM, EINVAL, "pivot_root(ro, ro)"},
    {"modreq", "lsm/kernel_module_request", ENOENT, ENOENT,
     "TCP_CONGESTION vjnone (request_module; the errno is the kernel's either way, the "
     "record is the proof)"},
    {"read_file", "lsm/kernel_read_file", EPERM, ENOEXEC, "finit_module"},
    {"load_data", "lsm/kernel_load_data", EPERM, ENOEXEC, "init_module"},
};

static void errstr(char *buf, size_t len, int e)
{
	if (e < 0)
		snprintf(buf, len, "no answer");
	else if (e == 0)
		snprintf(buf, len, "succeeded");
	else if (e < 200)
		snprintf(buf, len, "%s", strerror(e));
	else
		snprintf(buf, len, "status %d", e);
}

/* One phase: a fresh leaf `cg` registered as tenant A, the attacker run
 * there and outside, one TAP line per hook. */
static void phase(const char *cg, const struct hookcase *c, int nc, int host_fd)
{
	const char *act[MAXACT];
	int in[MAXACT], out[MAXACT], pa[2], po[2];
	struct vj_err e = {0};
	uint64_t id = 0;
	struct vjbpf_events *ev = NULL;

	mkdir(cg, 0755);
	vjbpf_cgroup_id(cg, &id);
	struct vj_sockrule socks[2] = {{.family = AF_UNIX, .type = -1, .protocol = -1},
	                               {.family = AF_INET, .type = -1, .protocol = -1}};
	struct vj_policy pol;
	memset(&pol, 0, sizeof(pol));
	snprintf(pol.name, sizeof(pol.name), "lsm-guest");
	pol.cgbpf.sockets = socks;
	pol.cgbpf.nsockets = 2;
	int rc = vjbpf_tenant_add(id, &pol, NULL, &e);
	if (rc == 0)
		rc = vjbpf_lsm_tenant_enable(id, &e);
	if (rc == 0)
		rc = vjbpf_events_open(id, &ev, &e);
	if (rc) {
		ok(0, "tenant A at %s: %s", cg, e.msg);
		return;
	}
	vjbpf_events_label(ev, "tenant-a", "lsm-guest-test", "lsm-guest", NULL);
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pa);
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, po);
	for (int i = 0; i < nc; i++) {
		act[i] = c[i].what;
		if (!strcmp(c[i].what, "receive")) {
			send_fd(pa[0], host_fd);
			send_fd(po[0], host_fd);
		}
	}
	run(cg, act, nc, pa[1], in);
	struct seen *s = calloc(1, sizeof(*s));
	s->cgid = id;
	vjbpf_events_drain(ev, on_event, s);
	run(NULL, act, nc, po[1], out);
	struct seen *so = calloc(1, sizeof(*so));
	so->cgid = id;
	vjbpf_events_drain(ev, on_event, so);
	for (int i = 0; i < nc; i++) {
		int h = hook_index(c[i].hook);
		char a[64], b[64];
		errstr(a, sizeof(a), in[i]);
		errstr(b, sizeof(b), out[i]);
		ok(in[i] == c[i].in_tenant && out[i] == c[i].outside && s->count[h] >= 1 &&
		       so->count[h] == 0,
		   "%s: %s: tenant A %s (want %s); outside any tenant %s (want %s); %d record(s) "
		   "in A's ring",
		   c[i].hook, c[i].note, a, strerror(c[i].in_tenant), b,
		   c[i].outside ? strerror(c[i].outside) : "success", s->count[h]);
		if (s->json[h][0])
			printf("# %s\n", s->json[h]);
	}
	struct vjbpf_tenant_stats st;
	rc = vjbpf_tenant_stats(id, &st);
	ok(rc == 0 && st.denials == st.emitted + st.suppressed + st.reserve_failed && s->other == 0,
	   "A's counters reconcile: denials %llu = emitted %llu + suppressed %llu + reserve "
	   "failures %llu; no record of another tenant (%d)",
	   (unsigned long long)st.denials, (unsigned long long)st.emitted,
	   (unsigned long long)st.suppressed, (unsigned long long)st.reserve_failed, s->other);
	free(s);
	free(so);
	vjbpf_events_close(ev);
	vjbpf_tenant_del(id);
	for (int i = 0; i < 2; i++) {
		close(pa[i]);
		close(po[i]);
	}
	rmdir(cg);
}

static int unpin_capable(void)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/lsm/links/vj_lsm_capable", vjbpf_root());
	return unlink(p) < 0 ? -errno : 0;
}

/* Two tenants: A attacks B (signal, ptrace, B's files, B's socket, an fd
 * from B); every attempt in A's ring, none in B's. */
static void two_tenants(void)
{
	struct vj_err e = {0};
	uint64_t ida = 0, idb = 0;
	struct vjbpf_events *eva = NULL, *evb = NULL;
	mkdir(CG_A "2", 0755);
	mkdir(CG_B, 0755);
	vjbpf_cgroup_id(CG_A "2", &ida);
	vjbpf_cgroup_id(CG_B, &idb);
	struct vj_sockrule socks[1] = {{.family = AF_UNIX, .type = -1, .protocol = -1}};
	struct vj_policy pol;
	memset(&pol, 0, sizeof(pol));
	snprintf(pol.name, sizeof(pol.name), "lsm-guest");
	pol.cgbpf.sockets = socks;
	pol.cgbpf.nsockets = 1;
	int rc = vjbpf_tenant_add(ida, &pol, NULL, &e);
	if (!rc)
		rc = vjbpf_tenant_add(idb, &pol, NULL, &e);
	if (!rc)
		rc = vjbpf_lsm_tenant_enable(ida, &e);
	if (!rc)
		rc = vjbpf_lsm_tenant_enable(idb, &e);
	if (!rc)
		rc = vjbpf_events_open(ida, &eva, &e);
	if (!rc)
		rc = vjbpf_events_open(idb, &evb, &e);
	if (rc) {
		ok(0, "two tenants: %s", e.msg);
		return;
	}
	vjbpf_events_label(eva, "tenant-a", "lsm-guest-test", "lsm-guest", NULL);
	vjbpf_events_label(evb, "tenant-b", "lsm-guest-test", "lsm-guest", NULL);
	int sb[2], ready[2];
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sb);
	if (pipe(ready) < 0)
		return;
	pid_t bpid = fork();
	if (bpid == 0) {
		int f = open(CG_B "/cgroup.procs", O_WRONLY);
		if (f < 0 || write(f, "0", 1) != 1)
			_exit(200);
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(201);
		dup2(sb[0], FD_SCM);
		dup2(ready[1], 5);
		char *av[] = {"lsm-guest-test", "tenant-b", NULL}, *ep[] = {NULL};
		execve("/proc/self/exe", av, ep);
		_exit(203);
	}
	close(ready[1]);
	char ch;
	if (read(ready[0], &ch, 1) != 1) {
		ok(0, "tenant B did not start");
		return;
	}
	close(ready[0]);
	char kill_b[32], ptrace_b[32], open_b[32];
	snprintf(kill_b, sizeof(kill_b), "kill=%d", (int)bpid);
	snprintf(ptrace_b, sizeof(ptrace_b), "ptrace=%d", (int)bpid);
	snprintf(open_b, sizeof(open_b), "open-b=%d", (int)bpid);
	const char *act[] = {kill_b, ptrace_b, open_b, "unix=" B_SOCK, "receive"};
	const char *hook[] = {"lsm/task_kill", "lsm/ptrace_access_check", "lsm/ptrace_access_check",
	                      "lsm/unix_stream_connect", "lsm/file_receive"};
	const int want[] = {EPERM, EACCES, EACCES, EPERM, EPERM};
	int got[5];
	run(CG_A "2", act, 5, sb[1], got);
	struct seen *s = calloc(1, sizeof(*s));
	s->cgid = ida;
	vjbpf_events_drain(eva, on_event, s);
	for (int i = 0; i < 5; i++) {
		char a[64];
		errstr(a, sizeof(a), got[i]);
		ok(got[i] == want[i] && s->count[hook_index(hook[i])] >= 1,
		   "A -> B: %s: %s (want %s); %s record(s) in A's ring: %d", act[i], a,
		   strerror(want[i]), hook[i], s->count[hook_index(hook[i])]);
	}
	int nb = 0;
	vjbpf_events_drain(evb, count_all, &nb);
	ok(nb == 0 && s->other == 0, "none of it in B's ring (%d) nor under another id (%d)", nb,
	   s->other);
	free(s);
	kill(bpid, SIGKILL);
	waitpid(bpid, NULL, 0);
	vjbpf_events_close(eva);
	vjbpf_events_close(evb);
	vjbpf_tenant_del(ida);
	vjbpf_tenant_del(idb);
	rmdir(CG_A "2");
	rmdir(CG_B);
}

int main(int argc, char **argv)
{
	/* the LSM canary's second exec, should it not be refused */
	if ((argc >= 2 && !strcmp(argv[1], "noop")) || !strcmp(argv[0], "vjbpf-lsm-canary"))
		return 0;
	if (argc >= 2 && !strcmp(argv[1], "attack"))
		return attack_all(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "tenant-b"))
		return tenant_b();
	if (argc >= 2 && !strcmp(argv[1], "files"))
		return files_attack();

	struct utsname u;
	struct vj_err e = {0};
	uname(&u);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# kernel %s\n", u.release);

	/* The canary, as `vmjail --probe` runs it. */
	struct vjbpf_lsm_canary cn;
	int rc = vjbpf_lsm_canary(&cn);
	ok(rc == 0 && cn.available, "BPF LSM canary, every hook group (%.1f ms): %s",
	   cn.elapsed_ns / 1e6, cn.reason);

	mkdir(PARENT, 0755);
	mkdir(RO_DIR, 0755);
	if (mount("vjro", RO_DIR, "tmpfs", MS_RDONLY, NULL) < 0)
		printf("# mount %s: %s\n", RO_DIR, strerror(errno));

	rc = vjbpf_setup(PARENT, &e);
	ok(rc == 0, "cgroup-BPF setup: %s", e.msg[0] ? e.msg : "ok");
	uint64_t hooks = 0;
	rc = vjbpf_lsm_setup(&hooks, &e);
	ok(rc == 0 && hooks != 0, "BPF LSM setup: load, pin, attach %d of %d hooks: %s",
	   __builtin_popcountll(hooks), VJBPF_LSM_NHOOKS, e.msg[0] ? e.msg : "ok");
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		const char *off = vjbpf_lsm_off_reason(hooks, i);
		if (off)
			printf("# off: lsm/%s: %s\n", vjbpf_lsm_hooks[i].hook, off);
	}
	uint64_t again = 0;
	rc = vjbpf_lsm_setup(&again, &e);
	ok(rc == 0 && again == hooks, "BPF LSM setup again: the pinned set is kept");

	int hs = unix_listen(HOST_SOCK);
	int host_fd = open("/init", O_RDONLY | O_CLOEXEC);
	if (hs < 0 || host_fd < 0) {
		printf("Bail out! host socket or /init\n");
		return 1;
	}

	/* Before the tenant's first exec nothing is enforced (the jailer's own
	 * setup runs there): the exec arms the tenant. */
	{
		uint64_t id = 0;
		struct vj_policy pol;
		memset(&pol, 0, sizeof(pol));
		mkdir(CG_A "0", 0755);
		vjbpf_cgroup_id(CG_A "0", &id);
		rc = vjbpf_tenant_add(id, &pol, NULL, &e);
		if (!rc)
			rc = vjbpf_lsm_tenant_enable(id, &e);
		pid_t pid = fork();
		if (pid == 0) {
			int f = open(CG_A "0/cgroup.procs", O_WRONLY);
			if (f < 0 || write(f, "0", 1) != 1)
				_exit(200);
			_exit(res(unshare(CLONE_NEWUTS)));
		}
		int st = 0;
		waitpid(pid, &st, 0);
		int early = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		ok(rc == 0 && early == 0,
		   "before its first exec a tenant process is not judged (the jailer's setup): %s",
		   early ? strerror(early) : "unshare(CLONE_NEWUTS) allowed");
		vjbpf_tenant_del(id);
		rmdir(CG_A "0");
	}

	phase(CG_A, cases, sizeof(cases) / sizeof(cases[0]), host_fd);
	rc = unpin_capable();
	ok(rc == 0,
	   "lsm/capable detached (pinned link removed) to reach the hooks behind a "
	   "capability check: %s",
	   rc ? strerror(-rc) : "ok");
	phase(CG_A "1", behind_capable, sizeof(behind_capable) / sizeof(behind_capable[0]),
	      host_fd);
	two_tenants();
	files_cap();

	rc = vjbpf_unload(&e);
	char lp[PATH_MAX];
	snprintf(lp, sizeof(lp), "%s/lsm", vjbpf_root());
	ok(rc == 0 && access(lp, F_OK) < 0, "unload removes the LSM pins too: %s",
	   e.msg[0] ? e.msg : "ok");
	rmdir(PARENT);
	umount2(RO_DIR, MNT_DETACH);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
