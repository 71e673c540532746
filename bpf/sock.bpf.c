// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * cgroup/sock_create: socket(2) allowlist of (family, type, protocol).
 *
 * The kernel runs this hook from the AF_INET and AF_INET6 create functions
 * only (checked on 6.18: AF_PACKET, AF_NETLINK, AF_UNIX never reach it), so
 * other families must be refused by seccomp; docs/bpf.md.  type is without
 * SOCK_NONBLOCK / SOCK_CLOEXEC, and protocol is the resolved one
 * (socket(AF_INET, SOCK_STREAM, 0) arrives as IPPROTO_TCP).
 */
#include "bpf/vjbpf_common.bpf.h"

SEC("cgroup/sock_create")
int vj_sock_create(struct bpf_sock *sk)
{
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r = vj_tenant(&tenant, &cur);
	__s32 family = sk->family, type = sk->type, protocol = sk->protocol;
	struct vjbpf_rec *rec;

	if (!r)
		return VJ_ALLOW;
	for (__u32 i = 0; i < VJBPF_MAX_SOCK; i++) {
		if (i >= r->nsock)
			break;
		const struct vjbpf_sock_rule *s = &r->sock[i];
		if (s->family == family && (s->type == -1 || s->type == type) &&
		    (s->protocol == -1 || s->protocol == protocol))
			return VJ_ALLOW;
	}

	rec = vj_report_begin(r, tenant, cur, VJBPF_HOOK_SOCK_CREATE);
	if (rec) {
		rec->family = family;
		rec->sock_type = type;
		rec->protocol = protocol;
		bpf_ringbuf_submit(rec, 0);
	}
	return VJ_DENY;
}
