// SPDX-License-Identifier: Apache-2.0
/* The supervisor's own bounded cpu cgroup (see supcg.h). */
#include "jailer/supcg.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailer/launch.h"

static int put(const char *dir, const char *file, const char *val)
{
	char path[4400];
	vj_fmt(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	int err = errno;
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : (n < 0 ? -err : -EIO);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

/* A limit on a dir: cpu.max on cgroup2, cfs quota on v1. */
static int limit(const char *dir, bool v2, unsigned quota_us)
{
	char v[48];
	if (v2) {
		vj_fmt(v, sizeof(v), "%u 100000", quota_us);
		return put(dir, "cpu.max", v);
	}
	int rc = put(dir, "cpu.cfs_period_us", "100000");
	vj_fmt(v, sizeof(v), "%u", quota_us);
	return rc ? rc : put(dir, "cpu.cfs_quota_us", v);
}

int vj_supcg_enter(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_cg_plan *cg = &l->plan->cg;
	vj_err_step(e, "supervisor cgroup");
	l->supcg[0] = '\0';
	int d = -1;
	for (unsigned i = 0; i < cg->ndirs && d < 0; i++)
		if (cg->dirs[i].ctrls & (1u << VJ_CG_CPU))
			d = (int)i;
	if (d < 0) {
		fprintf(stderr,
		        "vmjail: %s: no cpu controller: the supervisor's CPU is not bounded\n",
		        l->plan->cli->id);
		return 0;
	}
	bool v2 = cg->dirs[d].v2;
	char parent[PATH_MAX + 64], self[PATH_MAX + 96], pid[24];
	vj_fmt(parent, sizeof(parent), "%s/%s", cg->dirs[d].mnt, VJ_SUPCG_PARENT);
	vj_fmt(self, sizeof(self), "%s/sup-%d", parent, (int)getpid());
	vj_fmt(pid, sizeof(pid), "%d", (int)getpid());
	int rc = make_dir(parent);
	if (!rc && v2)
		rc = put(cg->dirs[d].mnt, "cgroup.subtree_control", "+cpu");
	if (!rc)
		rc = limit(parent, v2, VJ_SUPCG_ALL_US);
	if (!rc && v2)
		rc = put(parent, "cgroup.subtree_control", "+cpu");
	if (!rc)
		rc = make_dir(self);
	if (!rc)
		rc = limit(self, v2, VJ_SUPCG_QUOTA_US);
	if (!rc)
		rc = put(self, "cgroup.procs", pid);
	if (rc < 0) {
		rmdir(self);
		return vj_failx(e, rc, "placing the supervisor in %s", self);
	}
	vj_fmt(l->supcg, sizeof(l->supcg), "%s", self);
	return 0;
}

void vj_supcg_leave(struct vj_launch *l)
{
	if (!l->supcg[0])
		return;
	char parent[sizeof(l->supcg)], pid[24];
	vj_fmt(parent, sizeof(parent), "%s", l->supcg);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	vj_fmt(pid, sizeof(pid), "%d", (int)getpid());
	put(parent, "cgroup.procs", pid);
	rmdir(l->supcg); /* the shared parent stays: other supervisors use it */
	l->supcg[0] = '\0';
}
