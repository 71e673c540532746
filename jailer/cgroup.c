// SPDX-License-Identifier: Apache-2.0
/*
 * cgroups, the half that touches the system: discovery of the hierarchies
 * (mountinfo), creating the tenant's directories and writing its limits,
 * placing, freezing, killing, counting and removing.  What to do comes from a
 * plan (jailer/cgroup_plan.c); each step undoes itself on failure.
 */
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
		if (vj_mount_has_option(m->super_options, vj_cg_ctrl_name((enum vj_cg_ctrl)c, 1)))
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
	return (int)vj_read_text(AT_FDCWD, path, buf, len);
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
	int rc = 0;
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
	/* After the mkdirs: the parent's cgroup.subtree_control exists only
	 * once the parent does (on a cgroup2-only host the default parent is
	 * new), and before the writes: a limit file appears in the leaf only
	 * when its controller is enabled above it. */
	if (!rc)
		rc = enable_v2_controllers(p, e);
	for (unsigned w = 0; !rc && w < p->nwrites; w++) {
		char dir[PATH_MAX + 300];
		vj_cg_dir_path(p, p->writes[w].dir, dir, sizeof(dir));
		int r = write_file(dir, p->writes[w].file, p->writes[w].value);
		if (r < 0)
			rc = vj_failx(e, r, "cgroup %s/%s = %s", dir, p->writes[w].file,
			              p->writes[w].value);
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
