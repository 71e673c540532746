// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * cgroup/connect4, connect6, bind4, bind6, sendmsg4, sendmsg6: an allowlist
 * of (operation, family, address prefix, port range).  Returning 0 makes the
 * syscall fail with EPERM.
 *
 * What these hooks see: connect(2) and bind(2) on AF_INET/AF_INET6 sockets,
 * and sendmsg(2)/sendto(2) with an explicit destination on unconnected UDP
 * (and raw/ICMP) sockets.  A send on a connected socket was checked when it
 * connected.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is an IPv6
 * address here: only an AF_INET6 rule can allow it.
 */
#include "bpf/vjbpf_common.bpf.h"

#define VJ_AF_INET  2
#define VJ_AF_INET6 10

static __always_inline int vj_net(struct bpf_sock_addr *ctx, __u8 op, __u8 family, __u32 hook)
{
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r = vj_tenant(&tenant, &cur);
	__u32 a[4] = {0, 0, 0, 0};
	__u16 port;
	struct vjbpf_rec *rec;

	if (!r)
		return VJ_ALLOW;
	/* Context fields only take constant offsets: copy them out first. */
	if (family == VJ_AF_INET) {
		a[0] = ctx->user_ip4;
	} else {
		a[0] = ctx->user_ip6[0];
		a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2];
		a[3] = ctx->user_ip6[3];
	}
	port = bpf_ntohs((__u16)ctx->user_port);

	for (__u32 i = 0; i < VJBPF_MAX_NET; i++) {
		if (i >= r->nnet)
			break;
		const struct vjbpf_net_rule *n = &r->net[i];
		if (n->op != op || n->family != family)
			continue;
		if (port < n->port_lo || port > n->port_hi)
			continue;
		if ((a[0] & n->mask[0]) != n->addr[0] || (a[1] & n->mask[1]) != n->addr[1] ||
		    (a[2] & n->mask[2]) != n->addr[2] || (a[3] & n->mask[3]) != n->addr[3])
			continue;
		return VJ_ALLOW;
	}

	rec = vj_report_begin(r, tenant, cur, hook);
	if (rec) {
		rec->family = family;
		rec->addr[0] = a[0];
		rec->addr[1] = a[1];
		rec->addr[2] = a[2];
		rec->addr[3] = a[3];
		rec->port = port;
		rec->sock_type = ctx->type;
		rec->protocol = ctx->protocol;
		bpf_ringbuf_submit(rec, 0);
	}
	return VJ_DENY;
}

SEC("cgroup/connect4")
int vj_connect4(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_CONNECT, VJ_AF_INET, VJBPF_HOOK_CONNECT4);
}

SEC("cgroup/connect6")
int vj_connect6(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_CONNECT, VJ_AF_INET6, VJBPF_HOOK_CONNECT6);
}

SEC("cgroup/bind4")
int vj_bind4(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_BIND, VJ_AF_INET, VJBPF_HOOK_BIND4);
}

SEC("cgroup/bind6")
int vj_bind6(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_BIND, VJ_AF_INET6, VJBPF_HOOK_BIND6);
}

SEC("cgroup/sendmsg4")
int vj_sendmsg4(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_SENDMSG, VJ_AF_INET, VJBPF_HOOK_SENDMSG4);
}

SEC("cgroup/sendmsg6")
int vj_sendmsg6(struct bpf_sock_addr *ctx)
{
	return vj_net(ctx, VJBPF_NET_SENDMSG, VJ_AF_INET6, VJBPF_HOOK_SENDMSG6);
}
