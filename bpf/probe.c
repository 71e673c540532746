// SPDX-License-Identifier: Apache-2.0
/*
 * vjbpf_probe: "loaded" is not "enforcing".  Run the real programs against a
 * forked child in a temporary cgroup2 directory and look at what the child
 * got back, and at what arrived in the ring.
 *
 * With a pinned set on this host, the canary runs those very programs and
 * maps (no load, a temporary tenant entry and unpinned links that go away
 * with this process); otherwise it loads a private copy.
 */
#include "bpf/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vjbpf.skel.h"

/* What the child saw: 0 for success, else the errno. */
struct canary {
	int dev_full, dev_null;
	int sock_inet6, sock_unix;
	int connect4;
	int sysctl_read;
};

static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_socket(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_connect4(void)
{
	/* UDP connect sends nothing; port 9 (discard) on loopback. */
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno; /* negative: could not even try */
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(fd);
	return rc;
}

static int try_sysctl_read(void)
{
	char buf[64];
	int fd = open("/proc/sys/kernel/ostype", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
	close(fd);
	return rc;
}

static void child(const char *dir, int wfd)
{
	struct canary c;
	if (vjbpf__cgroup_enter(dir, 0) < 0)
		_exit(2);
	c.dev_full = try_open("/dev/full");
	c.dev_null = try_open("/dev/null");
	c.sock_inet6 = try_socket(AF_INET6, SOCK_DGRAM);
	c.sock_unix = try_socket(AF_UNIX, SOCK_STREAM);
	c.connect4 = try_connect4();
	c.sysctl_read = try_sysctl_read();
	_exit(write(wfd, &c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 3);
}

static int run_child(const char *dir, struct canary *c)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int rc = -errno;
		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid == 0) {
		close(p[0]);
		child(dir, p[1]);
	}
	close(p[1]);
	ssize_t n = read(p[0], c, sizeof(*c));
	close(p[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*c) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	return 0;
}

struct seen {
	uint64_t cgid;
	unsigned hooks; /* bit per enum vjbpf_hook, for records of the right cgroup */
	unsigned other;
};

static int on_event(void *ctx, const struct vj_event *ev)
{
	struct seen *s = ctx;
	if (ev->kind != VJ_EV_ENFORCEMENT || ev->cgroup_id != s->cgid) {
		s->other++;
		return 0;
	}
	for (unsigned h = 1; h < VJBPF_HOOK__COUNT; h++)
		if (!strcmp(ev->hook, vjbpf__hook_name(h)))
			s->hooks |= 1u << h;
	return 0;
}

/* The canary's tenant: /dev/null, AF_UNIX and AF_INET; nothing else. */
static void canary_rules(struct vjbpf_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->dev[0] = (struct vjbpf_dev_rule){VJBPF_DEV_CHAR, 1, 3, VJBPF_DEV_READ | VJBPF_DEV_WRITE};
	r->ndev = 1;
	r->sock[0] = (struct vjbpf_sock_rule){AF_UNIX, -1, -1, 0};
	r->sock[1] = (struct vjbpf_sock_rule){AF_INET, -1, -1, 0};
	r->nsock = 2;
	r->rate_per_sec = 1000;
	r->burst = 100;
}

/* Maps and program fds to run the canary with: pinned, or a private load. */
struct rig {
	struct vjbpf *skel;
	struct vjbpf_maps maps;
	int prog[VJBPF_NPROGS];
	int lock;
};

static int rig_open(struct rig *g, struct vjbpf_probe *out, struct vj_err *e)
{
	char path[PATH_MAX];
	for (int i = 0; i < VJBPF_NPROGS; i++)
		g->prog[i] = -1;
	g->lock = -1;
	/* Shared lock: unload must not pull the pins away mid-probe. The probe
	 * also serves --dry-run, which writes nothing: no lock file means
	 * nothing was loaded under it, so probe afresh without creating one. */
	if (access(vjbpf_root(), F_OK) == 0) {
		g->lock = vjbpf__lock_existing(LOCK_SH, e);
		if (g->lock == -ENOENT)
			g->lock = -1;
		else if (g->lock < 0)
			return g->lock;
	}
	if (g->lock >= 0) {
		vjbpf__path(path, sizeof(path), "maps/vj_meta");
		if (access(path, F_OK) == 0 && vjbpf__pinned_current() &&
		    vjbpf__open_pinned_maps(&g->maps, e) == 0) {
			for (int i = 0; i < VJBPF_NPROGS; i++) {
				vjbpf__path(path, sizeof(path), "progs/%s", vjbpf_progs[i].name);
				g->prog[i] = bpf_obj_get(path);
				if (g->prog[i] < 0)
					return vj_failx(e, errno, "opening %s", path);
			}
			out->used_pinned = true;
			return 0;
		}
		vj_err_clear(e);
	}
	g->skel = vjbpf__open();
	if (!g->skel)
		return vj_failx(e, errno, "opening the cgroup-BPF object");
	vjbpf__log_begin();
	int rc = vjbpf__load(g->skel);
	const char *why = vjbpf__log_end();
	if (rc)
		return vj_fail(e, rc, "loading the cgroup-BPF programs failed (%s): %s",
		               strerror(rc < 0 ? -rc : rc), why);
	g->maps.tenants = bpf_map__fd(g->skel->maps.vj_tenants);
	g->maps.stats = bpf_map__fd(g->skel->maps.vj_stats);
	g->maps.rings = bpf_map__fd(g->skel->maps.vj_rings);
	for (int i = 0; i < VJBPF_NPROGS; i++) {
		struct bpf_program *p =
		    bpf_object__find_program_by_name(g->skel->obj, vjbpf_progs[i].name);
		g->prog[i] = p ? bpf_program__fd(p) : -1;
		if (g->prog[i] < 0)
			return vj_fail(e, ENOENT, "program %s missing", vjbpf_progs[i].name);
	}
	return 0;
}

static void rig_close(struct rig *g)
{
	if (g->skel) {
		vjbpf__destroy(g->skel); /* owns the fds */
	} else {
		for (int i = 0; i < VJBPF_NPROGS; i++)
			if (g->prog[i] >= 0)
				close(g->prog[i]);
		vjbpf__close_maps(&g->maps);
	}
	vjbpf__unlock(g->lock);
}

int vjbpf_probe(struct vjbpf_probe *out)
{
	struct vj_err e = {0};
	struct rig g = {.maps = VJBPF_MAPS_INIT};
	struct vjbpf_rules rules;
	struct vjbpf_events *ev = NULL;
	struct canary c;
	struct seen seen = {0};
	char dir[PATH_MAX];
	int links[VJBPF_NPROGS];
	bool registered = false;
	uint64_t t0 = vjbpf__now_ns();
	int rc;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < VJBPF_NPROGS; i++)
		links[i] = -1;
	dir[0] = '\0';

	rc = rig_open(&g, out, &e);
	if (rc) {
		/* a verdict, not a failure to probe: the programs do not load */
		snprintf(out->reason, sizeof(out->reason), "%s", e.msg);
		rc = 0;
		goto out;
	}
	rc = vjbpf__cgroup_mktemp("vmjail-probe", dir, sizeof(dir));
	if (rc) {
		vj_failx(&e, rc, "creating a temporary cgroup2 directory");
		dir[0] = '\0';
		goto out;
	}
	rc = vjbpf_cgroup_id(dir, &seen.cgid);
	if (rc) {
		vj_failx(&e, rc, "cgroup id of %s", dir);
		goto out;
	}
	int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		rc = vj_failx(&e, errno, "opening %s", dir);
		goto out;
	}
	for (int i = 0; i < VJBPF_NPROGS && !rc; i++) {
		links[i] = vjbpf__link_create(g.prog[i], cgfd, vjbpf_progs[i].attach_type);
		if (links[i] < 0)
			rc = vj_failx(&e, links[i], "attaching %s", vjbpf_progs[i].name);
	}
	close(cgfd);
	if (rc)
		goto out;
	canary_rules(&rules);
	rc = vjbpf__tenant_insert(&g.maps, seen.cgid, &rules, 16384, &e);
	if (rc)
		goto out;
	registered = true;
	rc = vjbpf__events_open_maps(&g.maps, seen.cgid, &ev, &e);
	if (rc)
		goto out;
	rc = run_child(dir, &c);
	if (rc) {
		vj_failx(&e, rc, "the canary child did not report");
		goto out;
	}
	rc = vjbpf_events_drain(ev, on_event, &seen);
	if (rc < 0) {
		vj_failx(&e, rc, "reading the canary's ring");
		goto out;
	}
	rc = 0;

	if (c.dev_full == EPERM && c.dev_null == 0)
		out->features |= VJBPF_FEAT_DEVICE;
	if (c.sock_inet6 == EPERM && c.sock_unix == 0)
		out->features |= VJBPF_FEAT_SOCK_CREATE;
	if (c.connect4 == EPERM)
		out->features |= VJBPF_FEAT_SOCK_ADDR;
	if (c.sysctl_read == EPERM)
		out->features |= VJBPF_FEAT_SYSCTL;
	unsigned want = (1u << VJBPF_HOOK_DEV) | (1u << VJBPF_HOOK_SOCK_CREATE) |
	                (1u << VJBPF_HOOK_CONNECT4) | (1u << VJBPF_HOOK_SYSCTL);
	if ((seen.hooks & want) == want)
		out->features |= VJBPF_FEAT_RINGBUF;
	out->available = out->features == VJBPF_FEAT_ALL;
	if (out->available)
		snprintf(
		    out->reason, sizeof(out->reason),
		    "canary refused /dev/full, AF_INET6, connect 127.0.0.1:9 and a sysctl read "
		    "with EPERM, allowed /dev/null and AF_UNIX, and its own ring got the 4 "
		    "records (%s programs)",
		    out->used_pinned ? "pinned" : "privately loaded");
	else
		snprintf(out->reason, sizeof(out->reason),
		         "canary: /dev/full %s, /dev/null %s, AF_INET6 %s, AF_UNIX %s, connect %s, "
		         "sysctl read %s, ring records %#x of %#x",
		         strerror(c.dev_full), strerror(c.dev_null), strerror(c.sock_inet6),
		         strerror(c.sock_unix), strerror(c.connect4 < 0 ? -c.connect4 : c.connect4),
		         strerror(c.sysctl_read < 0 ? -c.sysctl_read : c.sysctl_read),
		         seen.hooks & want, want);
out:
	if (rc && !out->reason[0])
		snprintf(out->reason, sizeof(out->reason), "%s", e.msg);
	vjbpf_events_close(ev);
	if (registered)
		vjbpf__tenant_remove(&g.maps, seen.cgid);
	for (int i = 0; i < VJBPF_NPROGS; i++)
		if (links[i] >= 0)
			close(links[i]); /* unpinned: closing detaches */
	if (dir[0])
		rmdir(dir);
	rig_close(&g);
	out->elapsed_ns = vjbpf__now_ns() - t0;
	return rc;
}
