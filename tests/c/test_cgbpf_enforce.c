// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup-BPF verdicts, seen by real processes in real cgroup2 leaves: two
 * tenants with different rules side by side, a process below a tenant's
 * leaf, an unregistered leaf, and the test process outside the parent.
 * Every check is an errno the child got back.
 */
#include "tests/c/test_cgbpf_lib.h"

#include <linux/if_ether.h>

#define SYSCTL_R "/proc/sys/kernel/ostype"
#define SYSCTL_W "/proc/sys/kernel/printk_ratelimit"

struct ports {
	uint16_t l4, l6;       /* TCP listeners on 127.0.0.1 and ::1 */
	uint16_t free4, free6; /* nobody listens there */
	char sysctl_value[32];
};

struct result {
	int full, null, zero;
	int inet6, inet, unix_, packet, netlink, vsock;
	int conn4_ok, conn4_port, conn4_addr, conn6_ok, conn6_port;
	int bind4_ok, bind4_port0, bind4_addr, bind6_ok;
	int send4_ok, send4_port, send6_ok;
	int sysctl_read, sysctl_write;
};

static void probe_all(void *arg, void *out)
{
	const struct ports *p = arg;
	struct result *r = out;
	r->full = cgt_try_open("/dev/full", O_RDONLY);
	r->null = cgt_try_open("/dev/null", O_RDWR);
	r->zero = cgt_try_open("/dev/zero", O_RDONLY);
	r->inet6 = cgt_try_socket(AF_INET6, SOCK_DGRAM, 0);
	r->inet = cgt_try_socket(AF_INET, SOCK_STREAM, 0);
	r->unix_ = cgt_try_socket(AF_UNIX, SOCK_STREAM, 0);
	r->packet = cgt_try_socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	r->netlink = cgt_try_socket(AF_NETLINK, SOCK_RAW, 0);
	/* creation only: nothing is ever connected or sent over vsock here */
	r->vsock = cgt_try_socket(AF_VSOCK, SOCK_STREAM, 0);
	r->conn4_ok = cgt_try_connect(AF_INET, "127.0.0.1", p->l4);
	r->conn4_port = cgt_try_connect(AF_INET, "127.0.0.1", p->free4);
	r->conn4_addr = cgt_try_connect(AF_INET, "127.0.0.2", p->l4);
	r->conn6_ok = cgt_try_connect(AF_INET6, "::1", p->l6);
	r->conn6_port = cgt_try_connect(AF_INET6, "::1", p->free6);
	r->bind4_ok = cgt_try_bind(AF_INET, "127.0.0.1", p->free4);
	r->bind4_port0 = cgt_try_bind(AF_INET, "127.0.0.1", 0);
	r->bind4_addr = cgt_try_bind(AF_INET, "10.255.255.1", p->free4);
	r->bind6_ok = cgt_try_bind(AF_INET6, "::1", p->free6);
	r->send4_ok = cgt_try_sendto(AF_INET, "127.0.0.1", 53);
	r->send4_port = cgt_try_sendto(AF_INET, "127.0.0.1", 54);
	r->send6_ok = cgt_try_sendto(AF_INET6, "::1", 53);
	r->sysctl_read = cgt_try_sysctl_read(SYSCTL_R);
	r->sysctl_write = cgt_try_sysctl_write(SYSCTL_W, p->sysctl_value);
}

static int count_eperm(const struct result *r)
{
	const int *v = (const int *)r;
	int n = 0;
	for (size_t i = 0; i < sizeof(*r) / sizeof(int); i++)
		n += v[i] == EPERM || v[i] == 1000 + EPERM; /* socket() itself refused */
	return n;
}

int main(void)
{
	struct vj_err e = {0};
	struct ports ports;
	struct result a, b, nested, unreg, self;
	uint64_t ida, idb, idc, idsub;

	tap_ok(cgt_init("enforce") == 0, "private bpffs and parent cgroup created");
	int rc = vjbpf_setup(cgt.parent, &e);
	if (!tap_ok(rc == 0, "vjbpf_setup on %s", cgt.parent)) {
		tap_diag("%s", e.msg);
		return tap_done();
	}

	/* Listeners live in the test process, outside every tenant. */
	int l4 = cgt_listen(AF_INET, "127.0.0.1", &ports.l4);
	int l6 = cgt_listen(AF_INET6, "::1", &ports.l6);
	ports.free4 = cgt_free_port(AF_INET, "127.0.0.1");
	ports.free6 = cgt_free_port(AF_INET6, "::1");
	tap_ok(l4 >= 0 && l6 >= 0 && ports.free4 >= 1024 && ports.free6 >= 1024,
	       "loopback listeners on 127.0.0.1:%u and [::1]:%u, free ports %u/%u", ports.l4,
	       ports.l6, ports.free4, ports.free6);
	FILE *f = fopen(SYSCTL_W, "re");
	if (!f || !fgets(ports.sysctl_value, sizeof(ports.sysctl_value), f))
		snprintf(ports.sysctl_value, sizeof(ports.sysctl_value), "5\n");
	if (f)
		fclose(f);

	/* Tenant A: /dev/null, AF_UNIX + AF_INET, no network, no sysctl. */
	struct vj_policy pa, pb;
	struct vj_sockrule sa[4], sb[4];
	struct vj_netrule nb[8];
	cgt_policy(&pa, "tenant-a");
	pa.devices = 1u << VJ_DEV_NULL;
	cgt_sock(&pa, sa, AF_UNIX, -1, -1);
	cgt_sock(&pa, sa, AF_INET, -1, -1);

	/* Tenant B: /dev/null + /dev/full, AF_INET + AF_INET6, exact network
	 * rules, sysctl reads. */
	cgt_policy(&pb, "tenant-b");
	pb.devices = (1u << VJ_DEV_NULL) | (1u << VJ_DEV_FULL);
	cgt_sock(&pb, sb, AF_INET, -1, -1);
	cgt_sock(&pb, sb, AF_INET6, -1, -1);
	cgt_net(&pb, nb, VJ_NET_CONNECT, AF_INET, "127.0.0.1", 32, ports.l4, ports.l4);
	cgt_net(&pb, nb, VJ_NET_CONNECT, AF_INET6, "::1", 128, ports.l6, ports.l6);
	cgt_net(&pb, nb, VJ_NET_BIND, AF_INET, "127.0.0.0", 8, 1024, 65535);
	cgt_net(&pb, nb, VJ_NET_BIND, AF_INET6, "::1", 128, 1024, 65535);
	cgt_net(&pb, nb, VJ_NET_SENDMSG, AF_INET, "127.0.0.1", 32, 53, 53);
	cgt_net(&pb, nb, VJ_NET_SENDMSG, AF_INET6, "::1", 128, 53, 53);
	pb.cgbpf.sysctl_read = true;

	const char *la = cgt_leaf("a", &ida);
	const char *lb = cgt_leaf("b", &idb);
	const char *lc = cgt_leaf("unregistered", &idc);
	tap_ok(la && lb && lc, "tenant leaves created (ids %llu %llu %llu)",
	       (unsigned long long)ida, (unsigned long long)idb, (unsigned long long)idc);
	rc = vjbpf_tenant_add(ida, &pa, NULL, &e);
	tap_ok(rc == 0, "tenant A registered %s", e.msg);
	rc = vjbpf_tenant_add(idb, &pb, NULL, &e);
	tap_ok(rc == 0, "tenant B registered %s", e.msg);
	rc = vjbpf_tenant_add(ida, &pa, NULL, &e);
	tap_is_int(rc, -EEXIST, "registering A twice: EEXIST");
	vj_err_clear(&e);

	/* A process below B's leaf is B (the jailer never makes one, but a
	 * tenant that got there would still be B). */
	const char *sub = cgt_leaf_at(lb, "sub", &idsub);
	tap_ok(sub != NULL, "a cgroup below B's leaf");

	tap_ok(cgt_run_in(la, probe_all, &ports, &a, sizeof(a)) == 0, "child ran in A");
	tap_ok(cgt_run_in(lb, probe_all, &ports, &b, sizeof(b)) == 0, "child ran in B");
	tap_ok(cgt_run_in(sub, probe_all, &ports, &nested, sizeof(nested)) == 0,
	       "child ran below B");
	tap_ok(cgt_run_in(lc, probe_all, &ports, &unreg, sizeof(unreg)) == 0,
	       "child ran in an unregistered leaf");
	probe_all(&ports, &self);

	/* devices */
	tap_is_int(a.full, EPERM, "A: /dev/full (undeclared) -> EPERM");
	tap_is_int(a.null, 0, "A: /dev/null (declared) opens read-write");
	tap_is_int(a.zero, EPERM, "A: /dev/zero (undeclared) -> EPERM");
	tap_is_int(b.full, 0, "B: /dev/full (declared) opens");
	tap_is_int(b.zero, EPERM, "B: /dev/zero (undeclared) -> EPERM");

	/* socket(2) */
	tap_is_int(a.inet6, EPERM, "A: socket(AF_INET6) -> EPERM");
	tap_is_int(a.inet, 0, "A: socket(AF_INET) allowed");
	tap_is_int(a.unix_, 0, "A: socket(AF_UNIX) allowed");
	tap_is_int(b.inet6, 0, "B: socket(AF_INET6) allowed");
	/* The kernel runs cgroup/sock_create for inet families only: these are
	 * documented gaps of the layer (seccomp refuses them in a jail). */
	tap_is_int(a.packet, 0, "A: socket(AF_PACKET) is not seen by cgroup/sock_create (gap)");
	tap_is_int(a.netlink, 0, "A: socket(AF_NETLINK) is not seen by cgroup/sock_create (gap)");
	tap_ok(a.vsock != EPERM,
	       "A: socket(AF_VSOCK) is not seen by cgroup/sock_create (gap; got %s)",
	       a.vsock ? strerror(a.vsock) : "a socket");

	/* connect/bind/sendmsg */
	tap_is_int(a.conn4_ok, EPERM, "A: connect 127.0.0.1:%u (no rule) -> EPERM", ports.l4);
	tap_is_int(b.conn4_ok, 0, "B: connect 127.0.0.1:%u (rule) connects", ports.l4);
	tap_is_int(b.conn4_port, EPERM, "B: connect 127.0.0.1:%u (port outside rule) -> EPERM",
	           ports.free4);
	tap_is_int(b.conn4_addr, EPERM, "B: connect 127.0.0.2:%u (address outside /32) -> EPERM",
	           ports.l4);
	tap_is_int(b.conn6_ok, 0, "B: connect [::1]:%u (rule) connects", ports.l6);
	tap_is_int(b.conn6_port, EPERM, "B: connect [::1]:%u (port outside rule) -> EPERM",
	           ports.free6);
	tap_is_int(a.bind4_ok, EPERM, "A: bind 127.0.0.1:%u (no rule) -> EPERM", ports.free4);
	tap_is_int(b.bind4_ok, 0, "B: bind 127.0.0.1:%u (127/8, 1024-65535) allowed", ports.free4);
	tap_is_int(b.bind4_port0, EPERM, "B: bind 127.0.0.1:0 (port 0 not in 1024-65535) -> EPERM");
	tap_is_int(b.bind4_addr, EPERM, "B: bind 10.255.255.1 (outside 127/8) -> EPERM");
	tap_is_int(b.bind6_ok, 0, "B: bind [::1]:%u allowed", ports.free6);
	tap_is_int(a.send4_ok, EPERM, "A: sendto 127.0.0.1:53 (no rule) -> EPERM");
	tap_is_int(b.send4_ok, 0, "B: sendto 127.0.0.1:53 (rule) sent");
	tap_is_int(b.send4_port, EPERM, "B: sendto 127.0.0.1:54 (port outside rule) -> EPERM");
	tap_is_int(b.send6_ok, 0, "B: sendto [::1]:53 (rule) sent");

	/* sysctl */
	tap_is_int(a.sysctl_read, EPERM, "A: read %s -> EPERM", SYSCTL_R);
	tap_is_int(a.sysctl_write, EPERM, "A: write %s -> EPERM", SYSCTL_W);
	tap_is_int(b.sysctl_read, 0, "B: read %s allowed (sysctl allow-read)", SYSCTL_R);
	tap_is_int(b.sysctl_write, EPERM, "B: write %s -> EPERM (reads only)", SYSCTL_W);

	/* below a tenant, unregistered, outside */
	tap_ok(memcmp(&nested, &b, sizeof(b)) == 0,
	       "a process below B's leaf gets exactly B's verdicts");
	tap_ok(unreg.full == 0 && unreg.zero == 0 && unreg.inet6 == 0 && unreg.sysctl_read == 0 &&
	           unreg.conn4_port == ECONNREFUSED,
	       "an unregistered leaf below the parent is not enforced (documented)");
	tap_ok(self.full == 0 && self.inet6 == 0 && self.conn4_addr == ECONNREFUSED &&
	           self.sysctl_read == 0,
	       "the test process outside the parent is not affected");

	/* counters agree with what the children saw */
	struct vjbpf_tenant_stats st_a, st_b;
	tap_ok(vjbpf_tenant_stats(ida, &st_a) == 0 && vjbpf_tenant_stats(idb, &st_b) == 0,
	       "counters readable");
	tap_is_int(st_a.denials, count_eperm(&a), "A: denials counter == EPERMs A saw (%d)",
	           count_eperm(&a));
	tap_is_int(st_b.denials, 2 * count_eperm(&b),
	           "B: denials counter == EPERMs of B and of the process below B (%d)",
	           2 * count_eperm(&b));
	tap_is_int(st_a.emitted + st_a.suppressed + st_a.reserve_failed, st_a.denials,
	           "A: emitted + suppressed + reserve_failed == denials");

	/* tenant_del: the rules go, the leaf is no longer enforced */
	tap_is_int(vjbpf_tenant_del(ida), 0, "tenant A removed");
	tap_is_int(vjbpf_tenant_stats(ida, &st_a), -ENOENT, "A's counters are gone");
	tap_is_int(vjbpf_tenant_del(ida), -ENOENT, "removing A again: ENOENT");
	struct vjbpf_events *ev = NULL;
	tap_is_int(vjbpf_events_open(ida, &ev, &e), -ENOENT, "A's ring is gone");
	vj_err_clear(&e);
	tap_ok(cgt_run_in(la, probe_all, &ports, &a, sizeof(a)) == 0 && a.full == 0 && a.inet6 == 0,
	       "after tenant_del, A's leaf is not enforced any more");
	cgt.leaf_ids[0] = 0;

	close(l4);
	close(l6);
	return tap_done();
}
