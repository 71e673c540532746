// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup-BPF: devices, socket creation, connect/bind/sendmsg addresses and
 * sysctl access, enforced by programs attached once to the tenants' parent
 * cgroup2 dir and keyed by each tenant's leaf id (bpf/, docs/bpf.md).  A
 * launch only registers the tenant's rules, before the tenant can run.
 */
#include <stdio.h>
#include <string.h>

#include "bpf/vjbpf.h"
#include "jailer/launch.h"
#include "jailer/layer.h"

static int probe(struct vj_probe *out)
{
	struct vjbpf_probe bp;
	memset(&bp, 0, sizeof(bp));
	int rc = vjbpf_probe(&bp);
	if (rc < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "the cgroup-BPF canary could not run: %s",
		       strerror(-rc));
		return 0;
	}
	out->available = bp.available;
	if (!bp.available) {
		vj_fmt(out->reason, sizeof(out->reason), "%s", bp.reason);
		return 0;
	}
	vj_fmt(out->features, sizeof(out->features), "%s%s%s%s%s",
	       bp.features & VJBPF_FEAT_DEVICE ? "dev" : "",
	       bp.features & VJBPF_FEAT_SOCK_CREATE ? ", sock_create" : "",
	       bp.features & VJBPF_FEAT_SOCK_ADDR ? ", sock_addr" : "",
	       bp.features & VJBPF_FEAT_SYSCTL ? ", sysctl" : "",
	       bp.features & VJBPF_FEAT_RINGBUF ? ", per-tenant ringbuf" : "");
	return 0;
}

static int prepare(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	if (p->cg.v2_dir < 0 || !l->cgid)
		return vj_fail(e, ENOENT, "cgroup-BPF needs a cgroup2 leaf (is cgroup2 mounted?)");
	char parent[PATH_MAX + 300];
	vj_fmt(parent, sizeof(parent), "%s/%s", p->cg.dirs[p->cg.v2_dir].mnt, p->cg.parent);
	int rc = vjbpf_setup(parent, e);
	if (rc < 0)
		return rc;
	struct vjbpf_tenant_opts opts = {.events_per_sec = p->cli->audit_rate,
	                                 .burst = p->cli->audit_rate ? p->cli->audit_rate * 2 : 0,
	                                 .ring_bytes = p->cli->audit_ring};
	rc = vjbpf_tenant_add(l->cgid, p->policy, &opts, e);
	if (rc < 0)
		return rc;
	rc = vjbpf_events_open(l->cgid, &l->bpf_events, e);
	if (rc < 0) {
		vjbpf_tenant_del(l->cgid);
		return rc;
	}
	vjbpf_events_label(l->bpf_events, p->cli->id, p->exec_base, p->policy->name,
	                   p->policy_hash);
	return 0;
}

static void release(struct vj_launch *l)
{
	if (l->bpf_events) {
		vjbpf_events_close(l->bpf_events);
		l->bpf_events = NULL;
	}
	if (l->cgid)
		vjbpf_tenant_del(l->cgid);
}

static void describe(const struct vj_plan *p, FILE *out)
{
	vjbpf_describe(p->policy, out);
}

const struct vj_layer_ops vj_layer_cgroup_bpf = {
    .id = VJ_LAYER_CGROUP_BPF,
    .probe = probe,
    .prepare = prepare,
    .release = release,
    .describe = describe,
};
