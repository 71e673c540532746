// SPDX-License-Identifier: Apache-2.0
#include "jailer/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jailer/cli.h"
#include "jailer/mountinfo.h"
#include "policies/lang/policy.h"

static const char *const ctrl_v1[VJ_CG__COUNT] = {
    "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
};
static const char *const ctrl_v2[VJ_CG__COUNT] = {
    "cpu", NULL, "cpuset", "memory", NULL, NULL, "io", "pids",
};

const char *vj_cg_ctrl_name(enum vj_cg_ctrl c, int version)
{
	if ((unsigned)c >= VJ_CG__COUNT)
		return "?";
	const char *n = version == 2 ? ctrl_v2[c] : ctrl_v1[c];
	return n ? n : ctrl_v1[c];
}

int vj_cg_ctrl_from_name(const char *name)
{
	for (int i = 0; i < VJ_CG__COUNT; i++)
		if (strcmp(name, ctrl_v1[i]) == 0 || (ctrl_v2[i] && strcmp(name, ctrl_v2[i]) == 0))
			return i;
	return -1;
}

/* ------------------------------------------------------------- discovery */

struct discover_ctx {
	struct vj_cg_layout *lay;
};

static int discover_cb(const struct vj_mountinfo *m, void *ctx_)
{
	struct discover_ctx *ctx = ctx_;
	struct vj_cg_layout *lay = ctx->lay;
	if (strlen(m->mountpoint) >= PATH_MAX - 1)
		return 0;
	/* Mount points become lines of the state record: none with a control
	 * byte (mountinfo unescapes \012 into a real newline). */
	for (const char *c = m->mountpoint; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
	if (strcmp(m->fstype, "cgroup2") == 0) {
		if (!lay->has_v2) {
			lay->has_v2 = true;
			strcpy(lay->v2_mnt, m->mountpoint);
		}
		return 0;
	}
	if (strcmp(m->fstype, "cgroup") != 0)
		return 0;
	uint32_t ctrls = 0;
	for (int c = 0; c < VJ_CG__COUNT; c++)
		if (vj_mount_has_option(m->super_options, ctrl_v1[c]))
			ctrls |= 1u << c;
	if (!ctrls)
		return 0; /* named hierarchies (name=systemd) are not ours to manage */
	for (unsigned i = 0; i < lay->nv1; i++)
		if (lay->v1[i].ctrls & ctrls)
			return 0; /* the same hierarchy mounted twice */
	if (lay->nv1 >= VJ_CG_MAX_HIER)
		return 0;
	strcpy(lay->v1[lay->nv1].mnt, m->mountpoint);
	lay->v1[lay->nv1].ctrls = ctrls;
	lay->nv1++;
	return 0;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return (int)n;
}

int vj_cg_discover(const char *mountinfo, struct vj_cg_layout *out, struct vj_err *e)
{
	memset(out, 0, sizeof(*out));
	struct discover_ctx ctx = {.lay = out};
	int rc = vj_mountinfo_each(mountinfo, discover_cb, &ctx);
	if (rc < 0)
		return vj_failx(e, rc, "reading %s", mountinfo);
	if (out->has_v2) {
		char path[PATH_MAX + 32], buf[512];
		vj_fmt(path, sizeof(path), "%s/cgroup.controllers", out->v2_mnt);
		if (read_small(path, buf, sizeof(buf)) >= 0) {
			for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
				int c = vj_cg_ctrl_from_name(tok);
				if (c >= 0)
					out->v2_ctrls |= 1u << c;
			}
		}
	}
	return 0;
}

/* -------------------------------------------------------------- planning */

static int find_dir_for(const struct vj_cg_plan *p, enum vj_cg_ctrl c)
{
	for (unsigned i = 0; i < p->ndirs; i++) {
		if (p->version == 2 && p->dirs[i].v2)
			return (int)i;
		if (p->version == 1 && !p->dirs[i].v2 && (p->dirs[i].ctrls & (1u << c)))
			return (int)i;
	}
	return -1;
}

static int add_write(struct vj_cg_plan *p, enum vj_cg_ctrl c, const char *file, const char *value,
                     struct vj_err *e)
{
	int d = find_dir_for(p, c);
	if (d < 0)
		return vj_fail(
		    e, ENOENT,
		    "cgroup controller '%s' is not available in cgroup v%d on this host%s",
		    vj_cg_ctrl_name(c, p->version), p->version,
		    p->version == 2 ? " (it may be bound to a v1 hierarchy: try "
		                      "--cgroup-version 1)"
		                    : "");
	if (p->version == 2 && !(p->dirs[d].ctrls & (1u << c)) && c != VJ_CG__COUNT)
		return vj_fail(
		    e, ENOENT,
		    "cgroup v2 controller '%s' is not available on this host "
		    "(cgroup.controllers of %s lacks it; on a hybrid host it is bound to "
		    "v1: use --cgroup-version 1)",
		    vj_cg_ctrl_name(c, 2), p->dirs[d].mnt);
	if (p->nwrites >= VJ_CG_MAX_WRITES)
		return vj_fail(e, E2BIG, "too many cgroup settings");
	/* A later write of the same file wins: --cgroup overrides the policy. */
	for (unsigned i = 0; i < p->nwrites; i++)
		if (p->writes[i].dir == (unsigned)d && strcmp(p->writes[i].file, file) == 0) {
			vj_fmt(p->writes[i].value, sizeof(p->writes[i].value), "%s", value);
			return 0;
		}
	struct vj_cg_write *w = &p->writes[p->nwrites++];
	w->dir = (unsigned)d;
	vj_fmt(w->file, sizeof(w->file), "%s", file);
	vj_fmt(w->value, sizeof(w->value), "%s", value);
	if (p->version == 2)
		p->v2_enable |= 1u << c;
	return 0;
}

static int add_limit(struct vj_cg_plan *p, enum vj_cg_ctrl c, const char *f1, const char *f2,
                     int64_t v, struct vj_err *e)
{
	char buf[32];
	vj_fmt(buf, sizeof(buf), "%" PRId64, v);
	return add_write(p, c, p->version == 2 ? f2 : f1, buf, e);
}

static int plan_policy_limits(struct vj_cg_plan *p, const struct vj_cglimits *l, struct vj_err *e)
{
	int rc = 0;
	if (l->memory_max >= 0)
		rc = add_limit(p, VJ_CG_MEMORY, "memory.limit_in_bytes", "memory.max",
		               l->memory_max, e);
	if (!rc && l->memory_swap_max >= 0) {
		/* v1 limits memory+swap together; v2 limits swap alone */
		int64_t v1 = l->memory_max >= 0 ? l->memory_max + l->memory_swap_max : -1;
		if (p->version == 1 && v1 < 0)
			return vj_fail(e, EINVAL, "memory-swap needs a memory limit on cgroup v1");
		rc = add_limit(p, VJ_CG_MEMORY, "memory.memsw.limit_in_bytes", "memory.swap.max",
		               p->version == 1 ? v1 : l->memory_swap_max, e);
	}
	if (!rc && l->pids_max >= 0)
		rc = add_limit(p, VJ_CG_PIDS, "pids.max", "pids.max", l->pids_max, e);
	if (!rc && l->cpu_quota_us >= 0) {
		int64_t period = l->cpu_period_us > 0 ? l->cpu_period_us : 100000;
		if (p->version == 1) {
			rc = add_limit(p, VJ_CG_CPU, "cpu.cfs_period_us", NULL, period, e);
			if (!rc)
				rc = add_limit(p, VJ_CG_CPU, "cpu.cfs_quota_us", NULL,
				               l->cpu_quota_us, e);
		} else {
			char buf[64];
			vj_fmt(buf, sizeof(buf), "%" PRId64 " %" PRId64, l->cpu_quota_us, period);
			rc = add_write(p, VJ_CG_CPU, "cpu.max", buf, e);
		}
	}
	if (!rc && l->cpuset_cpus[0])
		rc = add_write(p, VJ_CG_CPUSET, "cpuset.cpus", l->cpuset_cpus, e);
	if (!rc && l->cpuset_mems[0])
		rc = add_write(p, VJ_CG_CPUSET, "cpuset.mems", l->cpuset_mems, e);
	if (!rc && l->io_weight >= 0) {
		if (p->version == 2) {
			rc = add_limit(p, VJ_CG_BLKIO, NULL, "io.weight", l->io_weight, e);
		} else {
			/* v1 BFQ weights run 1..1000; map 1..10000 onto them */
			int64_t w = l->io_weight / 10;
			rc = add_limit(p, VJ_CG_BLKIO, "blkio.bfq.weight", NULL, w < 1 ? 1 : w, e);
		}
	}
	return rc;
}

int vj_cg_plan_build(const struct vj_cg_layout *lay, const struct vj_cli *cli,
                     const struct vj_policy *pol, const char *exec_base, struct vj_cg_plan *out,
                     struct vj_err *e)
{
	memset(out, 0, sizeof(*out));
	out->v2_dir = -1;
	vj_err_step(e, "cgroup plan");

	/* Firecracker defaults to v1; a host without v1 hierarchies can only do v2. */
	out->version = cli->cgroup_version ? cli->cgroup_version : (lay->nv1 ? 1 : 2);
	if (out->version == 1 && lay->nv1 == 0)
		return vj_fail(e, ENOENT, "no cgroup v1 hierarchy is mounted on this host");
	if (out->version == 2 && !lay->has_v2)
		return vj_fail(e, ENOENT, "no cgroup2 hierarchy is mounted on this host");

	const char *parent = cli->parent_cgroup ? cli->parent_cgroup : exec_base;
	if (strlen(parent) >= sizeof(out->parent))
		return vj_fail(e, ENAMETOOLONG, "parent cgroup name too long");
	strcpy(out->parent, parent);
	out->parent_explicit = cli->parent_cgroup != NULL;
	vj_fmt(out->id, sizeof(out->id), "%s", cli->id);

	if (out->version == 1) {
		for (unsigned i = 0; i < lay->nv1; i++) {
			struct vj_cg_dir *d = &out->dirs[out->ndirs++];
			strcpy(d->mnt, lay->v1[i].mnt);
			d->ctrls = lay->v1[i].ctrls;
		}
	}
	if (lay->has_v2) {
		out->v2_dir = (int)out->ndirs;
		struct vj_cg_dir *d = &out->dirs[out->ndirs++];
		strcpy(d->mnt, lay->v2_mnt);
		d->v2 = true;
		d->ctrls = lay->v2_ctrls;
	}

	int rc = pol ? plan_policy_limits(out, &pol->limits, e) : 0;
	for (unsigned i = 0; !rc && i < cli->ncgroups; i++) {
		char ctrl[96];
		vj_fmt(ctrl, sizeof(ctrl), "%s", cli->cgroups[i].file);
		*strchr(ctrl, '.') = '\0';
		int c = vj_cg_ctrl_from_name(ctrl);
		if (c < 0)
			return vj_fail(e, EINVAL, "--cgroup %s: unknown controller '%s'",
			               cli->cgroups[i].file, ctrl);
		rc = add_write(out, (enum vj_cg_ctrl)c, cli->cgroups[i].file, cli->cgroups[i].value,
		               e);
	}
	return rc;
}

void vj_cg_dir_path(const struct vj_cg_plan *p, unsigned i, char *buf, size_t len)
{
	vj_fmt(buf, len, "%s/%s/%s", p->dirs[i].mnt, p->parent, p->id);
}

/* ------------------------------------------------------------ side effects */

static int write_file(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX + 128];
	vj_fmt(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t n = strlen(value);
	ssize_t w = write(fd, value, n);
	int err = errno;
	close(fd);
	if (w < 0)
		return -err;
	return (size_t)w == n ? 0 : -EIO;
}

/* cpuset v1 children start with empty cpus/mems and refuse tasks until set. */
static int inherit_cpuset(const char *parent, const char *child)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX + 64], buf[256];
		vj_fmt(path, sizeof(path), "%s/%s", child, files[i]);
		if (read_small(path, buf, sizeof(buf)) > 1)
			continue;
		vj_fmt(path, sizeof(path), "%s/%s", parent, files[i]);
		int n = read_small(path, buf, sizeof(buf));
		if (n < 0)
			return n;
		if (n == 0 || buf[0] == '\n')
			continue;
		int rc = write_file(child, files[i], buf);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* mkdir each missing component of parent; returns 0 and whether the last was made */
static int make_parent(const struct vj_cg_plan *p, unsigned i, struct vj_err *e)
{
	char path[PATH_MAX + 300];
	int n = snprintf(path, sizeof(path), "%s/", p->dirs[i].mnt);
	const char *c = p->parent;
	char prev[PATH_MAX + 300];
	vj_fmt(prev, sizeof(prev), "%s", p->dirs[i].mnt);
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		n += snprintf(path + n, sizeof(path) - (size_t)n, "%.*s", (int)len, c);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return vj_failx(e, errno, "mkdir %s", path);
		struct stat st;
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			return vj_fail(e, ENOTDIR, "%s is not a cgroup directory", path);
		if ((p->dirs[i].ctrls & (1u << VJ_CG_CPUSET)) && !p->dirs[i].v2) {
			int rc = inherit_cpuset(prev, path);
			if (rc < 0)
				return vj_failx(e, rc, "cpuset setup of %s", path);
		}
		vj_fmt(prev, sizeof(prev), "%s", path);
		c += len;
		if (*c == '/') {
			c++;
			n += snprintf(path + n, sizeof(path) - (size_t)n, "/");
		}
	}
	return 0;
}

/* cgroup2 only runs a controller in a child if every ancestor delegates it. */
static int enable_v2_controllers(const struct vj_cg_plan *p, struct vj_err *e)
{
	if (p->v2_dir < 0 || !p->v2_enable)
		return 0;
	const struct vj_cg_dir *d = &p->dirs[p->v2_dir];
	char buf[128] = "";
	for (int c = 0; c < VJ_CG__COUNT; c++)
		if (p->v2_enable & (1u << c)) {
			size_t n = strlen(buf);
			vj_fmt(buf + n, sizeof(buf) - n, "%s+%s", n ? " " : "",
			       vj_cg_ctrl_name(c, 2));
		}
	char path[PATH_MAX + 300];
	int n = snprintf(path, sizeof(path), "%s", d->mnt);
	int rc = write_file(path, "cgroup.subtree_control", buf);
	for (const char *c = p->parent; !rc && *c;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		n += snprintf(path + n, sizeof(path) - (size_t)n, "/%.*s", (int)len, c);
		rc = write_file(path, "cgroup.subtree_control", buf);
		c += len + (slash ? 1 : 0);
	}
	if (rc < 0)
		return vj_failx(e, rc, "enabling '%s' in %s/cgroup.subtree_control", buf, path);
	return 0;
}

static void remove_parents(const struct vj_cg_plan *p, unsigned i)
{
	/* Only the default parent (the VMM's name) is vmjail's to remove; an
	 * operator's --parent-cgroup may carry settings of its own.  rmdir
	 * fails harmlessly while other tenants still live there. */
	if (p->parent_explicit)
		return;
	char path[PATH_MAX + 300];
	vj_fmt(path, sizeof(path), "%s/%s", p->dirs[i].mnt, p->parent);
	rmdir(path);
}

int vj_cg_remove(const struct vj_cg_plan *p, struct vj_err *e)
{
	int first = 0;
	for (unsigned i = 0; i < p->ndirs; i++) {
		char path[PATH_MAX + 300];
		vj_cg_dir_path(p, i, path, sizeof(path));
		if (rmdir(path) < 0 && errno != ENOENT && !first) {
			first = -errno;
			vj_failx(e, errno, "rmdir %s", path);
		}
		remove_parents(p, i);
	}
	return first;
}

int vj_cg_create(const struct vj_cg_plan *p, struct vj_err *e)
{
	vj_err_step(e, "cgroup");
	unsigned made = 0;
	int rc = enable_v2_controllers(p, e);
	for (unsigned i = 0; !rc && i < p->ndirs; i++) {
		/* A concurrent cleanup may remove an empty shared parent between our
		 * mkdirs: retry the pair a few times rather than fail the launch. */
		char path[PATH_MAX + 300];
		vj_cg_dir_path(p, i, path, sizeof(path));
		int tries = 0;
		for (;;) {
			rc = make_parent(p, i, e);
			if (rc < 0)
				break;
			if (mkdir(path, 0755) == 0)
				break;
			if (errno == ENOENT && ++tries < 4)
				continue;
			rc = errno == EEXIST
			         ? vj_fail(e, EEXIST,
			                   "cgroup %s already exists: a jail with this id is "
			                   "running or was not cleaned up (vmjail --cleanup)",
			                   path)
			         : vj_failx(e, errno, "mkdir %s", path);
			break;
		}
		if (rc < 0)
			break;
		made = i + 1;
		if (!p->dirs[i].v2 && (p->dirs[i].ctrls & (1u << VJ_CG_CPUSET))) {
			char parent[PATH_MAX + 300];
			vj_fmt(parent, sizeof(parent), "%s/%s", p->dirs[i].mnt, p->parent);
			int r = inherit_cpuset(parent, path);
			if (r < 0)
				rc = vj_failx(e, r, "cpuset setup of %s", path);
		}
	}
	for (unsigned w = 0; !rc && w < p->nwrites; w++) {
		char dir[PATH_MAX + 300];
		vj_cg_dir_path(p, p->writes[w].dir, dir, sizeof(dir));
		int r = write_file(dir, p->writes[w].file, p->writes[w].value);
		if (r < 0)
			rc = vj_failx(r == -ENOENT ? e : e, r, "cgroup %s/%s = %s", dir,
			              p->writes[w].file, p->writes[w].value);
	}
	if (rc < 0) {
		struct vj_cg_plan undo = *p;
		undo.ndirs = made;
		struct vj_err scratch = {0};
		vj_cg_remove(&undo, &scratch);
		/* parents of dirs we never reached may have been created too */
		for (unsigned i = made; i < p->ndirs; i++)
			remove_parents(p, i);
	}
	return rc;
}

int vj_cg_open_v2_leaf(const struct vj_cg_plan *p, struct vj_err *e)
{
	if (p->v2_dir < 0)
		return vj_fail(e, ENOENT, "no cgroup2 leaf");
	char path[PATH_MAX + 300];
	vj_cg_dir_path(p, (unsigned)p->v2_dir, path, sizeof(path));
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return vj_failx(e, errno, "open %s", path);
	return fd;
}

uint64_t vj_cg_v2_id(const struct vj_cg_plan *p)
{
	if (p->v2_dir < 0)
		return 0;
	char path[PATH_MAX + 300];
	vj_cg_dir_path(p, (unsigned)p->v2_dir, path, sizeof(path));
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

int vj_cg_attach_v1(const struct vj_cg_plan *p, pid_t pid, struct vj_err *e)
{
	char buf[32];
	vj_fmt(buf, sizeof(buf), "%d", (int)pid);
	for (unsigned i = 0; i < p->ndirs; i++) {
		if (p->dirs[i].v2)
			continue;
		char dir[PATH_MAX + 300];
		vj_cg_dir_path(p, i, dir, sizeof(dir));
		int rc = write_file(dir, "cgroup.procs", buf);
		if (rc < 0)
			return vj_failx(e, rc, "placing pid %d in %s", (int)pid, dir);
	}
	return 0;
}

static int v1_dir_with(const struct vj_cg_plan *p, enum vj_cg_ctrl c)
{
	for (unsigned i = 0; i < p->ndirs; i++)
		if (!p->dirs[i].v2 && (p->dirs[i].ctrls & (1u << c)))
			return (int)i;
	return -1;
}

int vj_cg_freeze(const struct vj_cg_plan *p, bool frozen, struct vj_err *e)
{
	char dir[PATH_MAX + 300];
	if (p->v2_dir >= 0) {
		vj_cg_dir_path(p, (unsigned)p->v2_dir, dir, sizeof(dir));
		int rc = write_file(dir, "cgroup.freeze", frozen ? "1" : "0");
		if (rc < 0)
			return vj_failx(e, rc, "%s/cgroup.freeze", dir);
		/* wait until the kernel says every task stopped (cgroup.events frozen 1) */
		for (int i = 0; i < 200; i++) {
			if (vj_cg_frozen(p) == (frozen ? 1 : 0))
				return 0;
			struct timespec ts = {0, 5 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		return vj_fail(e, ETIMEDOUT, "%s did not %s within 1 s", dir,
		               frozen ? "freeze" : "thaw");
	}
	int d = v1_dir_with(p, VJ_CG_FREEZER);
	if (d < 0)
		return vj_fail(e, ENOTSUP,
		               "no freezer: neither cgroup2 nor a v1 freezer hierarchy");
	vj_cg_dir_path(p, (unsigned)d, dir, sizeof(dir));
	int rc = write_file(dir, "freezer.state", frozen ? "FROZEN" : "THAWED");
	return rc < 0 ? vj_failx(e, rc, "%s/freezer.state", dir) : 0;
}

int vj_cg_frozen(const struct vj_cg_plan *p)
{
	char dir[PATH_MAX + 300], path[PATH_MAX + 350], buf[512];
	if (p->v2_dir >= 0) {
		vj_cg_dir_path(p, (unsigned)p->v2_dir, dir, sizeof(dir));
		vj_fmt(path, sizeof(path), "%s/cgroup.events", dir);
		int n = read_small(path, buf, sizeof(buf));
		if (n < 0)
			return n;
		return strstr(buf, "frozen 1") != NULL;
	}
	int d = v1_dir_with(p, VJ_CG_FREEZER);
	if (d < 0)
		return -ENOTSUP;
	vj_cg_dir_path(p, (unsigned)d, dir, sizeof(dir));
	vj_fmt(path, sizeof(path), "%s/freezer.state", dir);
	int n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	return strncmp(buf, "FROZEN", 6) == 0;
}

static int count_procs(const char *dir)
{
	char path[PATH_MAX + 350], buf[4096];
	vj_fmt(path, sizeof(path), "%s/cgroup.procs", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int count = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			count += buf[i] == '\n';
	close(fd);
	return count;
}

int vj_cg_count_tasks(const struct vj_cg_plan *p)
{
	int max = 0;
	for (unsigned i = 0; i < p->ndirs; i++) {
		char dir[PATH_MAX + 300];
		vj_cg_dir_path(p, i, dir, sizeof(dir));
		int n = count_procs(dir);
		if (n > max)
			max = n;
	}
	return max;
}

static void kill_listed(const char *dir)
{
	char path[PATH_MAX + 350];
	vj_fmt(path, sizeof(path), "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	int pid;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 1)
			kill(pid, SIGKILL);
	fclose(f);
}

int vj_cg_kill_all(const struct vj_cg_plan *p, struct vj_err *e)
{
	char dir[PATH_MAX + 300];
	bool used_kill_file = false;
	if (p->v2_dir >= 0) {
		vj_cg_dir_path(p, (unsigned)p->v2_dir, dir, sizeof(dir));
		/* cgroup.kill (5.14+) kills atomically, forks included */
		used_kill_file = write_file(dir, "cgroup.kill", "1") == 0;
	}
	if (!used_kill_file) {
		/* Freeze first so nothing forks while we walk the list. */
		struct vj_err scratch = {0};
		bool frozen = vj_cg_freeze(p, true, &scratch) == 0;
		for (unsigned i = 0; i < p->ndirs; i++) {
			vj_cg_dir_path(p, i, dir, sizeof(dir));
			kill_listed(dir);
		}
		if (frozen)
			vj_cg_freeze(p, false, &scratch);
	}
	for (int i = 0; i < 400; i++) {
		if (vj_cg_count_tasks(p) == 0)
			return 0;
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (!used_kill_file && i % 20 == 19)
			for (unsigned d = 0; d < p->ndirs; d++) {
				vj_cg_dir_path(p, d, dir, sizeof(dir));
				kill_listed(dir);
			}
	}
	return vj_fail(e, EBUSY, "tasks of jail %s survived SIGKILL for 2 s", p->id);
}

static uint64_t read_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 350], buf[2048];
	vj_fmt(path, sizeof(path), "%s/%s", dir, file);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	size_t klen = strlen(key);
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return strtoull(line + klen + 1, NULL, 10);
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

int vj_cg_read_counters(const struct vj_cg_plan *p, struct vj_cg_counters *c)
{
	memset(c, 0, sizeof(*c));
	char dir[PATH_MAX + 300];
	for (unsigned i = 0; i < p->ndirs; i++) {
		vj_cg_dir_path(p, i, dir, sizeof(dir));
		if (p->dirs[i].v2) {
			if (p->dirs[i].ctrls & (1u << VJ_CG_MEMORY))
				c->oom_kill += read_key(dir, "memory.events", "oom_kill");
			if (p->dirs[i].ctrls & (1u << VJ_CG_PIDS))
				c->pids_max += read_key(dir, "pids.events", "max");
			continue;
		}
		if (p->dirs[i].ctrls & (1u << VJ_CG_MEMORY))
			c->oom_kill += read_key(dir, "memory.oom_control", "oom_kill");
		if (p->dirs[i].ctrls & (1u << VJ_CG_PIDS))
			c->pids_max += read_key(dir, "pids.events", "max");
	}
	return 0;
}

/* -------------------------------------------------------- state file form */

int vj_cg_plan_save(const struct vj_cg_plan *p, int fd)
{
	/* only what is set: the reader refuses empty or out-of-range values */
	if (p->version == 1 || p->version == 2)
		dprintf(fd, "cg.version=%d\n", p->version);
	if (p->parent[0])
		dprintf(fd, "cg.parent=%s\n", p->parent);
	dprintf(fd, "cg.parent_explicit=%d\n", p->parent_explicit ? 1 : 0);
	if (p->id[0])
		dprintf(fd, "cg.id=%s\n", p->id);
	for (unsigned i = 0; i < p->ndirs; i++)
		dprintf(fd, "cg.dir=%d:%u:%s\n", p->dirs[i].v2 ? 1 : 0, p->dirs[i].ctrls,
		        p->dirs[i].mnt);
	return 0;
}

/* Strict unsigned decimal that must end at stop. */
static int parse_dec(const char *s, unsigned long max, char stop, unsigned long *out,
                     const char **end)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	unsigned long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	if (*s != stop)
		return -EINVAL;
	*out = v;
	if (end)
		*end = s;
	return 0;
}

/* What --cleanup and --kill act on must look like what a launch writes. */
static bool mount_path_ok(const char *m)
{
	if (m[0] != '/' || strlen(m) >= PATH_MAX || strstr(m, "/../") ||
	    (strlen(m) >= 3 && strcmp(m + strlen(m) - 3, "/..") == 0))
		return false;
	for (; *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			return false;
	return true;
}

int vj_cg_plan_load_kv(struct vj_cg_plan *p, const char *key, const char *value)
{
	unsigned long v;
	if (strcmp(key, "cg.version") == 0) {
		if (parse_dec(value, 2, '\0', &v, NULL) < 0 || v < 1)
			return -EINVAL;
		p->version = (int)v;
	} else if (strcmp(key, "cg.parent") == 0) {
		if (strlen(value) >= sizeof(p->parent) || !vj_parent_cgroup_valid(value))
			return -EINVAL;
		strcpy(p->parent, value);
	} else if (strcmp(key, "cg.parent_explicit") == 0) {
		if (parse_dec(value, 1, '\0', &v, NULL) < 0)
			return -EINVAL;
		p->parent_explicit = v != 0;
	} else if (strcmp(key, "cg.id") == 0) {
		if (!vj_id_valid(value))
			return -EINVAL;
		strcpy(p->id, value);
	} else if (strcmp(key, "cg.dir") == 0) {
		unsigned long v2, ctrls;
		const char *rest;
		if (p->ndirs >= VJ_CG_MAX_HIER + 1 || parse_dec(value, 1, ':', &v2, &rest) < 0 ||
		    parse_dec(rest + 1, (1ul << VJ_CG__COUNT) - 1, ':', &ctrls, &rest) < 0 ||
		    !mount_path_ok(rest + 1))
			return -EINVAL;
		struct vj_cg_dir *d = &p->dirs[p->ndirs];
		d->v2 = v2 != 0;
		d->ctrls = (uint32_t)ctrls;
		strcpy(d->mnt, rest + 1);
		if (d->v2)
			p->v2_dir = (int)p->ndirs;
		p->ndirs++;
	}
	return 0; /* other keys are not ours */
}
