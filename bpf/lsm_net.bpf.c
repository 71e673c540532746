// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * BPF LSM, sockets: creation of every family (cgroup/sock_create sees only
 * AF_INET and AF_INET6), unix stream connections only to sockets of the
 * same tenant, and listen() on an unbound socket (which binds a port the
 * cgroup bind hooks never see) only where the bind rules allow port 0 on the
 * wildcard address.
 */
#include "bpf/vjbpf_lsm.bpf.h"

/* The policy's socket rules, as cgroup/sock_create matches them. */
static __always_inline int vj_sock_allowed(const struct vjbpf_rules *r, int family, int type,
                                           int protocol)
{
	for (__u32 i = 0; i < VJBPF_MAX_SOCK; i++) {
		if (i >= r->nsock)
			break;
		const struct vjbpf_sock_rule *s = &r->sock[i];
		if (s->family == family && (s->type == -1 || s->type == type) &&
		    (s->protocol == -1 || s->protocol == protocol))
			return 1;
	}
	return 0;
}

SEC("lsm/socket_create")
int BPF_PROG(vj_lsm_sock_create, int family, int type, int protocol, int kern, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || kern || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	if (vj_sock_allowed(c.r, family, type, protocol))
		return 0;
	struct vjbpf_rec *rec = vj_lsm_report(&c, VJBPF_HOOK_LSM_SOCK_CREATE);
	if (rec) {
		rec->family = family;
		rec->sock_type = type;
		rec->protocol = protocol;
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(vj_lsm_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk,
             int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	__u64 cg = BPF_CORE_READ(other, sk_cgrp_data.cgroup, kn, id);
	if (vj_same_tenant(&c, cg))
		return 0;
	struct vjbpf_rec *rec = vj_lsm_report(&c, VJBPF_HOOK_LSM_UNIX_CONNECT);
	if (rec) {
		rec->family = 1; /* AF_UNIX */
		rec->obj_cgid = cg;
		rec->obj_ino = BPF_CORE_READ(other, sk_socket, file, f_inode, i_ino);
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

#define VJ_AF_INET  2
#define VJ_AF_INET6 10

SEC("lsm/socket_listen")
int BPF_PROG(vj_lsm_listen, struct socket *sock, int backlog, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	int family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != VJ_AF_INET && family != VJ_AF_INET6)
		return 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_num) != 0)
		return 0; /* bound already: the bind hooks judged the port */
	for (__u32 i = 0; i < VJBPF_MAX_NET; i++) {
		if (i >= c.r->nnet)
			break;
		const struct vjbpf_net_rule *n = &c.r->net[i];
		if (n->op == VJBPF_NET_BIND && n->family == family && n->port_lo == 0 &&
		    (n->addr[0] | n->addr[1] | n->addr[2] | n->addr[3]) == 0)
			return 0;
	}
	struct vjbpf_rec *rec = vj_lsm_report(&c, VJBPF_HOOK_LSM_LISTEN);
	if (rec) {
		rec->family = family;
		rec->sock_type = BPF_CORE_READ(sock, type);
		rec->arg = backlog;
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}
