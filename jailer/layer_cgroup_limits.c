// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup limits: memory, pids, cpu, cpuset, io, written by the supervisor
 * into the tenant's cgroups (jailer/cgroup.c) before the tenant runs.  This
 * file only answers "do limits work here?" with a canary: a cgroup with
 * pids.max = 1 must refuse a fork.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/canary.h"
#include "jailer/cgroup.h"
#include "jailer/layer.h"
#include "jailer/plan.h"

static int write_str(const char *dir, const char *file, const char *v)
{
	char path[PATH_MAX + 64];
	vj_fmt(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, v, strlen(v));
	int err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

/* In the canary cgroup (pids.max = 1), a second task must be refused. */
static int pids_canary_child(void *dir)
{
	char me[32];
	vj_fmt(me, sizeof(me), "%d", (int)getpid());
	if (write_str(dir, "cgroup.procs", me) < 0)
		return 2;
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	return c < 0 && errno == EAGAIN ? 0 : 1;
}

static int pids_canary(const char *mnt)
{
	char dir[PATH_MAX];
	vj_fmt(dir, sizeof(dir), "%s/vmjail-probe-%d", mnt, (int)getpid());
	if (mkdir(dir, 0700) < 0)
		return -errno;
	int rc = write_str(dir, "pids.max", "1");
	if (rc == 0)
		rc = vj_canary_run(pids_canary_child, dir);
	rmdir(dir);
	return rc;
}

static int probe(struct vj_probe *out)
{
	struct vj_cg_layout lay;
	struct vj_err e = {0};
	if (vj_cg_discover("/proc/self/mountinfo", &lay, &e) < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "%s", e.msg);
		return 0;
	}
	const char *pids_mnt = NULL;
	uint32_t v1 = 0;
	for (unsigned i = 0; i < lay.nv1; i++) {
		v1 |= lay.v1[i].ctrls;
		if (lay.v1[i].ctrls & (1u << VJ_CG_PIDS))
			pids_mnt = lay.v1[i].mnt;
	}
	if (!pids_mnt && lay.has_v2 && (lay.v2_ctrls & (1u << VJ_CG_PIDS)))
		pids_mnt = lay.v2_mnt;
	if (!pids_mnt) {
		vj_fmt(out->reason, sizeof(out->reason), "no pids controller in v1 or cgroup2");
		return 0;
	}
	if (pids_canary(pids_mnt) < 0) {
		vj_fmt(out->reason, sizeof(out->reason),
		       "a pids.max=1 canary cgroup in %s did not refuse a fork", pids_mnt);
		return 0;
	}
	out->available = true;
	char v1s[128] = "", v2s[128] = "";
	for (int c = 0; c < VJ_CG__COUNT; c++) {
		if (v1 & (1u << c))
			vj_fmt(v1s + strlen(v1s), sizeof(v1s) - strlen(v1s), "%s%s",
			       v1s[0] ? "," : "", vj_cg_ctrl_name(c, 1));
		if (lay.v2_ctrls & (1u << c))
			vj_fmt(v2s + strlen(v2s), sizeof(v2s) - strlen(v2s), "%s%s",
			       v2s[0] ? "," : "", vj_cg_ctrl_name(c, 2));
	}
	vj_fmt(out->features, sizeof(out->features), "%s; v1: %s; v2: %s%s",
	       lay.nv1 && lay.has_v2 ? "hybrid"
	       : lay.has_v2          ? "cgroup2"
	                             : "cgroup v1",
	       v1s[0] ? v1s : "none",
	       lay.has_v2 ? (v2s[0] ? v2s : "no controllers") : "not mounted",
	       lay.has_v2 ? " (ids, freeze, kill, BPF)" : "");
	return 0;
}

static void describe(const struct vj_plan *p, FILE *out)
{
	fprintf(out, "cgroup-limits: cgroup v%d, %u directories, %u settings\n", p->cg.version,
	        p->cg.ndirs, p->cg.nwrites);
}

const struct vj_layer_ops vj_layer_cgroup_limits = {
    .id = VJ_LAYER_CGROUP_LIMITS,
    .probe = probe,
    .describe = describe,
};
