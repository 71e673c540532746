// SPDX-License-Identifier: Apache-2.0
/*
 * BPF LSM: exec once, no identity change or capability use, no signal or
 * ptrace outside the tenant, files only inside the jail, KVM/TUN/vhost
 * ioctls only on their own files, no mount, bpf, perf, module or kernel file
 * loading, sockets only of the policy's families (bpf/lsm_*.bpf.c,
 * docs/bpf.md).  The programs are loaded and attached once per host; a
 * launch only switches them on for the tenant's cgroup-BPF entry, before the
 * tenant runs.  They enforce from the tenant's first exec (the VMM's) on.
 *
 * Available means the canary (a private load, a temporary tenant, one
 * forbidden action per hook group) was refused in every group.
 */
#include <stdio.h>
#include <string.h>

#include "bpf/vjbpf.h"
#include "jailer/launch.h"
#include "jailer/layer.h"
#include "jailer/plan.h"

static void off_list(uint64_t mask, char *buf, size_t len)
{
	size_t pos = 0;
	buf[0] = '\0';
	for (int i = 0; i < VJBPF_LSM_NHOOKS && pos < len; i++) {
		if (mask & (1ull << i))
			continue;
		int n =
		    snprintf(buf + pos, len - pos, "%s%s", pos ? "," : "", vjbpf_lsm_hooks[i].hook);
		pos += n > 0 ? (size_t)n : 0;
	}
}

static int probe(struct vj_probe *out)
{
	struct vjbpf_lsm_probe lp;
	memset(&lp, 0, sizeof(lp));
	int rc = vjbpf_lsm_probe(&lp);
	out->available = false;
	if (rc < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "BPF LSM probe failed: %s", strerror(-rc));
		return 0;
	}
	if (!lp.available) {
		vj_fmt(out->reason, sizeof(out->reason), "%s", lp.reason);
		return 0;
	}
	struct vjbpf_lsm_canary c;
	rc = vjbpf_lsm_canary(&c);
	if (rc < 0 || !c.available) {
		vj_fmt(out->reason, sizeof(out->reason), "the BPF LSM canary failed: %s",
		       rc < 0 ? strerror(-rc) : c.reason);
		return 0;
	}
	char off[160];
	off_list(c.hooks, off, sizeof(off));
	out->available = true;
	vj_fmt(out->features, sizeof(out->features), "%d/%d hooks%s%s%s",
	       __builtin_popcountll(c.hooks), VJBPF_LSM_NHOOKS, off[0] ? " (off, not in BTF: " : "",
	       off, off[0] ? ")" : "");
	return 0;
}

static int prepare(struct vj_launch *l, struct vj_err *e)
{
	uint64_t hooks = 0;
	if (!l->plan->layer[VJ_LAYER_CGROUP_BPF].apply || !l->cgid)
		return vj_fail(e, ENOENT,
		               "bpf-lsm keeps its per-tenant state in the cgroup-BPF tenant entry: "
		               "the cgroup-bpf layer must apply too");
	int rc = vjbpf_lsm_setup(&hooks, e);
	if (rc < 0)
		return rc;
	return vjbpf_lsm_tenant_enable(l->cgid, e);
}

static void describe(const struct vj_plan *p, FILE *out)
{
	uint64_t mask = 0;
	char why[128];
	(void)p;
	if (vjbpf_lsm_kernel_hooks(&mask, why, sizeof(why)) < 0) {
		fprintf(out, "bpf-lsm: %s\n", why);
		return;
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		const char *off = vjbpf_lsm_off_reason(mask, i);
		fprintf(out, "bpf-lsm: lsm/%-22s %-8s %s\n", vjbpf_lsm_hooks[i].hook,
		        vjbpf_lsm_hooks[i].group, off ? off : "on");
	}
}

const struct vj_layer_ops vj_layer_bpf_lsm = {
    .id = VJ_LAYER_BPF_LSM,
    .probe = probe,
    .prepare = prepare,
    .describe = describe,
};
