// SPDX-License-Identifier: Apache-2.0
/*
 * cgroups, the pure half: controller names, the plan (which directories,
 * which files get which values, for v1, v2 or hybrid) and its state-record
 * form.  Nothing here touches the system; jailer/cgroup.c carries plans out.
 */
#include "jailer/cgroup.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailer/cli.h"
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
	if (p->version == 2 && !(p->dirs[d].ctrls & (1u << c)))
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
