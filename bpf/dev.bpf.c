// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * cgroup/dev: a tenant opens or creates only the devices its policy declares
 * (type, major, minor, and which of read/write/mknod).  Everything else is
 * EPERM.  The cgroup v1 devices controller, where present, is checked after
 * this program and can only refuse more.
 */
#include "bpf/vjbpf_common.bpf.h"

SEC("cgroup/dev")
int vj_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r = vj_tenant(&tenant, &cur);
	__u32 type = ctx->access_type & 0xffff;
	__u32 access = ctx->access_type >> 16;
	__u32 major = ctx->major, minor = ctx->minor;
	struct vjbpf_rec *rec;

	if (!r)
		return VJ_ALLOW;
	for (__u32 i = 0; i < VJBPF_MAX_DEV; i++) {
		if (i >= r->ndev)
			break;
		const struct vjbpf_dev_rule *d = &r->dev[i];
		if (d->type == type && d->major == major && d->minor == minor &&
		    (access & ~d->access) == 0)
			return VJ_ALLOW;
	}

	rec = vj_report_begin(r, tenant, cur, VJBPF_HOOK_DEV);
	if (rec) {
		rec->dev_type = type;
		rec->dev_major = major;
		rec->dev_minor = minor;
		rec->dev_access = access;
		bpf_ringbuf_submit(rec, 0);
	}
	return VJ_DENY;
}
