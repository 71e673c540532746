// SPDX-License-Identifier: Apache-2.0
/*
 * vjbpf_describe: what the cgroup-BPF layer will enforce for a policy, in the
 * words a reviewer uses.  It reads the same vjbpf_rules that tenant_add would
 * register (so it cannot describe something else than what is enforced).
 */
#include "bpf/internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void family_str(int family, char *buf, size_t len)
{
	const char *n = vjbpf__family_name(family);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "family %d", family);
}

static unsigned mask_bits(const __u32 mask[4])
{
	const unsigned char *b = (const unsigned char *)mask;
	unsigned n = 0;
	for (int i = 0; i < 16; i++)
		n += (unsigned)__builtin_popcount(b[i]);
	return n;
}

static const char *op_name(unsigned op)
{
	switch (op) {
	case VJBPF_NET_CONNECT:
		return "connect";
	case VJBPF_NET_BIND:
		return "bind";
	case VJBPF_NET_SENDMSG:
		return "sendmsg";
	default:
		return "?";
	}
}

void vjbpf_describe(const struct vj_policy *p, FILE *out)
{
	struct vjbpf_rules r;
	struct vj_err e = {0};
	uint32_t ring;
	char buf[64], acc[4];

	if (vjbpf__rules_from_policy(p, NULL, &r, &ring, &e) != 0) {
		fprintf(out, "cgroup-bpf: policy cannot be enforced: %s\n", e.msg);
		return;
	}
	fprintf(out, "cgroup-bpf: programs on the parent cgroup; rules keyed by the tenant's "
	             "cgroup2 id; every refusal is EPERM\n");

	if (r.ndev == 0)
		fprintf(out, "cgroup-bpf: devices: none; every device open or mknod is refused\n");
	for (unsigned i = 0; i < r.ndev; i++) {
		const char *name = "?";
		for (int d = 0; d < VJ_DEV__COUNT; d++) {
			const struct vj_devinfo *di = vj_dev_info((enum vj_dev)d);
			if (di && di->major == r.dev[i].major && di->minor == r.dev[i].minor)
				name = di->name;
		}
		fprintf(out, "cgroup-bpf: device allow %s (char %u:%u, %s)\n", name, r.dev[i].major,
		        r.dev[i].minor, vjbpf__access_str(r.dev[i].access, acc));
	}
	if (r.ndev)
		fprintf(out, "cgroup-bpf: any other device: refused\n");

	/* The kernel runs cgroup/sock_create from the inet and inet6 families
	 * only: say so, so that nobody reads "AF_NETLINK refused" into it. */
	fprintf(out, "cgroup-bpf: socket rules apply to AF_INET and AF_INET6 sockets; other "
	             "families are not seen by cgroup/sock_create (restrict them with seccomp)\n");
	if (r.nsock == 0)
		fprintf(out, "cgroup-bpf: sockets: none; socket(2) of AF_INET/AF_INET6 refused\n");
	for (unsigned i = 0; i < r.nsock; i++) {
		const struct vjbpf_sock_rule *s = &r.sock[i];
		const char *t = vjbpf__socktype_name(s->type);
		family_str(s->family, buf, sizeof(buf));
		fprintf(out, "cgroup-bpf: socket allow %s", buf);
		if (s->type < 0)
			fprintf(out, " any type");
		else if (t)
			fprintf(out, " %s", t);
		else
			fprintf(out, " type %d", s->type);
		if (s->protocol < 0)
			fprintf(out, " any protocol");
		else
			fprintf(out, " protocol %d", s->protocol);
		fprintf(out, "%s\n",
		        s->family == AF_INET || s->family == AF_INET6
		            ? ""
		            : " (no effect here: the hook never sees this family)");
	}
	if (r.nsock)
		fprintf(out, "cgroup-bpf: any other AF_INET/AF_INET6 socket: refused\n");

	for (unsigned i = 0; i < r.nnet; i++) {
		const struct vjbpf_net_rule *n = &r.net[i];
		char a[INET6_ADDRSTRLEN];
		int af = n->family == AF_INET ? AF_INET : AF_INET6;
		if (!inet_ntop(af, n->addr, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		fprintf(out, "cgroup-bpf: %s allow %s/%u port %u-%u\n", op_name(n->op), a,
		        mask_bits(n->mask), (unsigned)n->port_lo, (unsigned)n->port_hi);
	}
	fprintf(out, "cgroup-bpf: %s: %s\n", r.nnet ? "any other connect/bind/sendmsg" : "network",
	        r.nnet ? "refused" : "every IPv4/IPv6 connect, bind and addressed sendmsg refused");

	fprintf(out, "cgroup-bpf: sysctl read %s, write %s\n",
	        (r.flags & VJBPF_SYSCTL_READ) ? "allowed" : "refused",
	        (r.flags & VJBPF_SYSCTL_WRITE) ? "allowed" : "refused");
}
