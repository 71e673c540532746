// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * cgroup_skb/ingress: listen() follows the bind rules.
 *
 * listen(2) on an unbound TCP socket binds it to 0.0.0.0 (or ::) and a port
 * of the kernel's choosing (inet_autobind), and neither cgroup/bind4 nor
 * Landlock's bind rule runs for that: in a shared network namespace a tenant
 * whose policy allows no bind at all could still accept connections.  No
 * hook on this kernel refuses the listen itself (seccomp sees no socket
 * state, BPF LSM does not load here), so the connection is refused instead:
 * a packet arriving for a tenant's socket in LISTEN state (a SYN: every
 * established connection has a socket of its own) is dropped unless the
 * socket's address and port pass the tenant's bind rules, and the first
 * drops are reported.  The peer sees a connect that times out.
 */
#include "bpf/vjbpf_common.bpf.h"

#define VJ_AF_INET    2
#define VJ_AF_INET6   10
#define VJ_TCP_LISTEN 10 /* BPF_TCP_LISTEN */

/* The tenant that owns the receiving socket (not the current task: this runs
 * in softirq context). */
static __always_inline const struct vjbpf_rules *vj_skb_tenant(struct __sk_buff *skb, __u64 *tenant,
                                                               __u64 *cur)
{
	__u64 id = bpf_skb_cgroup_id(skb);
	const struct vjbpf_rules *r;

	*cur = id;
	r = bpf_map_lookup_elem(&vj_tenants, &id);
	if (r) {
		*tenant = id;
		return r;
	}
	for (int lvl = 1; lvl < VJBPF_MAX_LEVEL; lvl++) {
		__u64 a = bpf_skb_ancestor_cgroup_id(skb, lvl);
		if (a == 0 || a == id)
			break;
		r = bpf_map_lookup_elem(&vj_tenants, &a);
		if (r) {
			*tenant = a;
			return r;
		}
	}
	return NULL;
}

SEC("cgroup_skb/ingress")
int vj_ingress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r;
	__u32 a[4] = {0, 0, 0, 0};
	__u32 family;
	__u16 port;
	struct vjbpf_rec *rec;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->state != VJ_TCP_LISTEN)
		return 1;
	r = vj_skb_tenant(skb, &tenant, &cur);
	if (!r)
		return 1;
	/* bpf_sock fields take constant offsets only: every one is read
	 * unconditionally, each straight from the context pointer. */
	family = sk->family;
	__u32 ip4 = sk->src_ip4;
	__u32 ip6_0 = sk->src_ip6[0];
	__u32 ip6_1 = sk->src_ip6[1];
	__u32 ip6_2 = sk->src_ip6[2];
	__u32 ip6_3 = sk->src_ip6[3];
	port = (__u16)sk->src_port; /* host byte order */
	/* keep the compiler from sinking the loads into the branches (it
	 * would then index the context pointer, which the verifier refuses) */
	asm volatile("" : "+r"(ip4), "+r"(ip6_0), "+r"(ip6_1), "+r"(ip6_2), "+r"(ip6_3));
	if (family == VJ_AF_INET) {
		a[0] = ip4;
	} else if (family == VJ_AF_INET6) {
		a[0] = ip6_0;
		a[1] = ip6_1;
		a[2] = ip6_2;
		a[3] = ip6_3;
	} else {
		return 1;
	}

	for (__u32 i = 0; i < VJBPF_MAX_NET; i++) {
		if (i >= r->nnet)
			break;
		const struct vjbpf_net_rule *n = &r->net[i];
		if (n->op != VJBPF_NET_BIND || n->family != family)
			continue;
		if (port < n->port_lo || port > n->port_hi)
			continue;
		if ((a[0] & n->mask[0]) != n->addr[0] || (a[1] & n->mask[1]) != n->addr[1] ||
		    (a[2] & n->mask[2]) != n->addr[2] || (a[3] & n->mask[3]) != n->addr[3])
			continue;
		return 1;
	}

	rec = vj_report_reserve(r, tenant, cur,
	                        family == VJ_AF_INET ? VJBPF_HOOK_LISTEN4 : VJBPF_HOOK_LISTEN6);
	if (rec) {
		rec->family = family;
		rec->addr[0] = a[0];
		rec->addr[1] = a[1];
		rec->addr[2] = a[2];
		rec->addr[3] = a[3];
		rec->port = port;
		rec->sock_type = 1; /* SOCK_STREAM */
		rec->protocol = 6;  /* IPPROTO_TCP */
		bpf_ringbuf_submit(rec, 0);
	}
	return 0;
}
