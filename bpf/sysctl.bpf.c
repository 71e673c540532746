// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * cgroup/sysctl: reads and writes of /proc/sys are refused unless the policy
 * says `sysctl allow-read` / `allow-write`.  A jail normally has no /proc/sys
 * at all; this covers the jail whose policy mounts proc, and any fd to
 * /proc/sys that leaked in.  The hook runs on read(2)/write(2), not on open.
 */
#include "bpf/vjbpf_common.bpf.h"

SEC("cgroup/sysctl")
int vj_sysctl(struct bpf_sysctl *ctx)
{
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r = vj_tenant(&tenant, &cur);
	__u32 write = ctx->write;
	struct vjbpf_rec *rec;

	if (!r)
		return VJ_ALLOW;
	if (r->flags & (write ? VJBPF_SYSCTL_WRITE : VJBPF_SYSCTL_READ))
		return VJ_ALLOW;

	rec = vj_report_begin(r, tenant, cur, VJBPF_HOOK_SYSCTL);
	if (rec) {
		rec->sysctl_write = write;
		/* Full name ("kernel/ostype"); truncation gives -E2BIG and a
		 * NUL-terminated prefix. */
		rec->name_len = bpf_sysctl_get_name(ctx, rec->name, sizeof(rec->name), 0);
		bpf_ringbuf_submit(rec, 0);
	}
	return VJ_DENY;
}
