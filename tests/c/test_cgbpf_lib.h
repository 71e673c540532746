/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the tests/c/test_cgbpf_*.c tests: a private world for each test
 * and guaranteed cleanup.
 *
 *   - a private bpffs instance mounted on /run/vmjail-test-<pid>/bpffs, used
 *     as the pin root, so a test never touches the host's /sys/fs/bpf/vmjail
 *     (another engineer's tests may be using it) and unmounting it drops
 *     every pin the test made;
 *   - a parent cgroup2 dir <cgroup2>/vmjail-test-<pid>-<name> (<cgroup2>:
 *     /sys/fs/cgroup/unified on hybrid hosts, /sys/fs/cgroup on
 *     cgroup2-only ones), tenant leaves below it;
 *   - children run in a leaf: fork, join the leaf, run a function, report a
 *     result struct through a pipe.
 * Cleanup runs at exit and on SIGINT/SIGTERM/SIGALRM/SIGHUP: kill what is
 * left in the leaves (cgroup.kill), remove leaves and parent, unload,
 * unmount, remove the run dir.
 */
#ifndef VMJAIL_TEST_CGBPF_LIB_H
#define VMJAIL_TEST_CGBPF_LIB_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpf/internal.h"
#include "bpf/vjbpf.h"
#include "tests/c/tap.h"

#define CGT_MAX_LEAVES 16

static struct {
	char rundir[128];
	char bpffs[160];
	char root[192];
	char lock[160];
	char parent[160];
	char leaves[CGT_MAX_LEAVES][224];
	uint64_t leaf_ids[CGT_MAX_LEAVES];
	int nleaves;
	pid_t owner;
} cgt;

static inline uint64_t cgt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int cgt_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int rc = n == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return rc;
}

/* Kill every process in a leaf and remove it (waits up to 2 s). */
static inline void cgt_remove_leaf(const char *dir)
{
	char path[PATH_MAX];
	if (!dir[0])
		return;
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	cgt_write_file(path, "1");
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		usleep(10000);
	}
}

static inline void cgt_cleanup(void)
{
	if (cgt.owner != getpid())
		return;                              /* a forked child exiting */
	for (int i = cgt.nleaves - 1; i >= 0; i--) { /* children first */
		if (cgt.leaf_ids[i])
			vjbpf_tenant_del(cgt.leaf_ids[i]);
		cgt_remove_leaf(cgt.leaves[i]);
		cgt.leaves[i][0] = '\0';
	}
	cgt.nleaves = 0;
	if (cgt.root[0]) {
		struct vj_err e = {0};
		vjbpf_unload(&e); /* detaches the links; the umount drops the rest */
	}
	if (cgt.parent[0]) {
		cgt_remove_leaf(cgt.parent);
		cgt.parent[0] = '\0';
	}
	if (cgt.bpffs[0]) {
		umount2(cgt.bpffs, MNT_DETACH);
		rmdir(cgt.bpffs);
		cgt.bpffs[0] = '\0';
	}
	if (cgt.rundir[0]) {
		/* everything in the run dir is the test's (lock, traces) */
		DIR *d = opendir(cgt.rundir);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (de->d_type == DT_REG)
				unlinkat(dirfd(d), de->d_name, 0);
		if (d)
			closedir(d);
		rmdir(cgt.rundir);
		cgt.rundir[0] = '\0';
	}
}

static inline void cgt_on_signal(int sig)
{
	cgt_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The private world.  name: a short tag for the directories. */
static inline int cgt_init(const char *name)
{
	if (getuid() != 0) {
		printf("Bail out! cgroup-BPF tests run as root against the real kernel\n");
		exit(255);
	}
	cgt.owner = getpid();
	atexit(cgt_cleanup);
	signal(SIGINT, cgt_on_signal);
	signal(SIGTERM, cgt_on_signal);
	signal(SIGHUP, cgt_on_signal);
	signal(SIGALRM, cgt_on_signal);
	signal(SIGPIPE, SIG_IGN);
	alarm(300); /* a hung test still cleans up */

	snprintf(cgt.rundir, sizeof(cgt.rundir), "/run/vmjail-test-%d-%.32s", (int)getpid(), name);
	if (mkdir(cgt.rundir, 0700) < 0)
		return -errno;
	snprintf(cgt.bpffs, sizeof(cgt.bpffs), "%s/bpffs", cgt.rundir);
	if (mkdir(cgt.bpffs, 0700) < 0)
		return -errno;
	if (mount("bpf", cgt.bpffs, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0) {
		int rc = -errno;
		rmdir(cgt.bpffs);
		cgt.bpffs[0] = '\0';
		return rc;
	}
	snprintf(cgt.root, sizeof(cgt.root), "%s/vmjail", cgt.bpffs);
	snprintf(cgt.lock, sizeof(cgt.lock), "%s/bpf.lock", cgt.rundir);
	int rc = vjbpf_set_root(cgt.root, cgt.lock);
	if (rc)
		return rc;
	char cg2[256];
	rc = vjbpf__cgroup2_root(cg2, sizeof(cg2));
	if (rc)
		return rc;
	snprintf(cgt.parent, sizeof(cgt.parent), "%.80s/vmjail-test-%d-%.32s", cg2, (int)getpid(),
	         name);
	if (mkdir(cgt.parent, 0755) < 0) {
		rc = -errno;
		cgt.parent[0] = '\0';
		return rc;
	}
	return 0;
}

/* A cgroup below `under` (removed at cleanup); its cgroup id in *id. */
static inline const char *cgt_leaf_at(const char *under, const char *name, uint64_t *id)
{
	if (cgt.nleaves >= CGT_MAX_LEAVES)
		return NULL;
	char *dir = cgt.leaves[cgt.nleaves];
	snprintf(dir, sizeof(cgt.leaves[0]), "%.150s/%.60s", under, name);
	if (mkdir(dir, 0755) < 0)
		return NULL;
	if (vjbpf_cgroup_id(dir, id) < 0)
		return NULL;
	cgt.leaf_ids[cgt.nleaves++] = *id;
	return dir;
}

/* A tenant leaf below the parent. */
static inline const char *cgt_leaf(const char *name, uint64_t *id)
{
	return cgt_leaf_at(cgt.parent, name, id);
}

/*
 * Fork a child that joins `dir` and runs fn(arg, out); out (outlen bytes)
 * comes back through a pipe.  cgt_start_in returns the pid (and the read end
 * in *rfd); cgt_finish collects.  cgt_run_in does both.
 */
static inline pid_t cgt_start_in(const char *dir, void (*fn)(void *arg, void *out), void *arg,
                                 size_t outlen, int *rfd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char path[PATH_MAX], num[32];
		char out[4096];
		close(p[0]);
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		snprintf(num, sizeof(num), "%d", (int)getpid());
		if (cgt_write_file(path, num) < 0 || outlen > sizeof(out))
			_exit(2);
		memset(out, 0, outlen);
		fn(arg, out);
		_exit(write(p[1], out, outlen) == (ssize_t)outlen ? 0 : 3);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static inline int cgt_finish(pid_t pid, int rfd, void *out, size_t outlen)
{
	size_t got = 0;
	while (got < outlen) {
		ssize_t n = read(rfd, (char *)out + got, outlen - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(rfd);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return got == outlen && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static inline int cgt_run_in(const char *dir, void (*fn)(void *arg, void *out), void *arg,
                             void *out, size_t outlen)
{
	int rfd;
	pid_t pid = cgt_start_in(dir, fn, arg, outlen, &rfd);
	if (pid < 0)
		return pid;
	return cgt_finish(pid, rfd, out, outlen);
}

/* ------------------------------------------------------ policy building */

static inline void cgt_policy(struct vj_policy *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->layer[VJ_LAYER_CGROUP_BPF] = VJ_REQ_REQUIRED;
}

/* Sockets and net rules of one policy live in caller-provided arrays. */
static inline void cgt_sock(struct vj_policy *p, struct vj_sockrule *arr, int family, int type,
                            int protocol)
{
	p->cgbpf.sockets = arr;
	arr[p->cgbpf.nsockets++] =
	    (struct vj_sockrule){.family = family, .type = type, .protocol = protocol};
}

static inline void cgt_net(struct vj_policy *p, struct vj_netrule *arr, enum vj_netop op,
                           int family, const char *addr, unsigned prefix, uint16_t lo, uint16_t hi)
{
	struct vj_netrule *n = &arr[p->cgbpf.nnet++];
	p->cgbpf.net = arr;
	memset(n, 0, sizeof(*n));
	n->op = op;
	n->family = family;
	inet_pton(family, addr, n->addr);
	n->prefix = prefix;
	n->port_lo = lo;
	n->port_hi = hi;
}

/* --------------------------------------------------- things children try */

static inline int cgt_try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static inline int cgt_try_socket(int family, int type, int protocol)
{
	int fd = socket(family, type | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* connect a TCP socket; 0, or the errno */
static inline int cgt_try_connect(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s->sin_addr);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		len = sizeof(*s);
	}
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1000 + errno; /* could not even create the socket */
	int rc = connect(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	close(fd);
	return rc;
}

static inline void cgt_sockaddr(int family, const char *addr, uint16_t port,
                                struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s->sin_addr);
		*len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s->sin6_addr);
		*len = sizeof(*s);
	}
}

/* bind a UDP socket; 0, or the errno */
static inline int cgt_try_bind(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	cgt_sockaddr(family, addr, port, &ss, &len);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1000 + errno;
	int rc = bind(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	close(fd);
	return rc;
}

/* sendto on an unconnected UDP socket; 0, or the errno */
static inline int cgt_try_sendto(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	cgt_sockaddr(family, addr, port, &ss, &len);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1000 + errno;
	int rc = sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	close(fd);
	return rc;
}

/* A loopback TCP listener in the test process (outside every tenant). */
static inline int cgt_listen(int family, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	cgt_sockaddr(family, addr, 0, &ss, &len);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0)
		return -errno;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* A port nobody listens on (bound then closed right away). */
static inline uint16_t cgt_free_port(int family, const char *addr)
{
	uint16_t port = 0;
	int fd = cgt_listen(family, addr, &port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* read(2) of a sysctl: 0, or the errno (1000+errno if it could not open) */
static inline int cgt_try_sysctl_read(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1000 + errno;
	int rc = read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
	close(fd);
	return rc;
}

/* write(2) of a sysctl's own current value (read outside the tenant first) */
static inline int cgt_try_sysctl_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 1000 + errno;
	int rc = write(fd, value, strlen(value)) < 0 ? errno : 0;
	close(fd);
	return rc;
}

/* Collects decoded events. */
#define CGT_MAX_EV 4096
struct cgt_ev {
	enum vj_ev_kind kind;
	uint64_t cgid;
	char hook[32];
	char detail[192];
	char addr[64];
	char path[128];
	char comm[17];
	char loss_source[32];
	uint64_t loss_count;
	int family, port, pid, err;
	uint64_t dev;
	int64_t latency_ns; /* receive time minus the event's time */
};
struct cgt_evs {
	struct cgt_ev v[CGT_MAX_EV];
	int n;
	uint64_t loss_rate, loss_ring;
	uint64_t enforcement;
};

static inline void cgt_copy_bytes(char *dst, size_t len, struct vj_bytes b)
{
	size_t n = b.ptr ? (b.len < len - 1 ? b.len : len - 1) : 0;
	if (n)
		memcpy(dst, b.ptr, n);
	dst[n] = '\0';
}

static inline int cgt_collect(void *ctx, const struct vj_event *ev)
{
	struct cgt_evs *s = ctx;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (ev->kind == VJ_EV_LOSS) {
		if (ev->loss_source && !strcmp(ev->loss_source, "rate-limit"))
			s->loss_rate += ev->loss_count;
		else if (ev->loss_source && !strcmp(ev->loss_source, "ringbuf-reserve"))
			s->loss_ring += ev->loss_count;
	} else {
		s->enforcement++;
	}
	if (s->n >= CGT_MAX_EV)
		return 0;
	struct cgt_ev *c = &s->v[s->n++];
	memset(c, 0, sizeof(*c));
	c->kind = ev->kind;
	c->cgid = ev->cgroup_id;
	snprintf(c->hook, sizeof(c->hook), "%s", ev->hook ? ev->hook : "");
	snprintf(c->loss_source, sizeof(c->loss_source), "%s",
	         ev->loss_source ? ev->loss_source : "");
	c->loss_count = ev->loss_count;
	cgt_copy_bytes(c->detail, sizeof(c->detail), ev->detail);
	cgt_copy_bytes(c->addr, sizeof(c->addr), ev->addr);
	cgt_copy_bytes(c->path, sizeof(c->path), ev->path);
	cgt_copy_bytes(c->comm, sizeof(c->comm), ev->comm);
	c->family = ev->family;
	c->port = ev->port;
	c->pid = ev->pid;
	c->err = ev->err;
	c->dev = ev->dev;
	c->latency_ns = ((int64_t)now.tv_sec - ev->time.tv_sec) * 1000000000 +
	                ((int64_t)now.tv_nsec - ev->time.tv_nsec);
	return 0;
}

#endif
