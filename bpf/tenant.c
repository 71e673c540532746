// SPDX-License-Identifier: Apache-2.0
/*
 * Tenants: a policy's device, socket, network and sysctl rules turned into
 * one vjbpf_rules value, registered under the tenant's cgroup2 id together
 * with its counters and its own ring buffer.
 *
 * Order matters because the programs run concurrently with these updates:
 * add writes counters, then ring, then rules (the rules make the tenant a
 * tenant, and by then its denials have somewhere to be counted and sent);
 * del removes the rules first.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

/*
 * The tenant's ring, made with a raw BPF_MAP_CREATE: libbpf's
 * bpf_map_create() first probes kernel features by loading two tiny
 * programs, and a launch must load no program at all (the cost budget, and
 * the check that counts BPF_PROG_LOAD calls).
 */
static int create_ring(__u32 bytes)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_RINGBUF;
	attr.max_entries = bytes;
	memcpy(attr.map_name, "vj_ring", sizeof("vj_ring"));
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -1 : (int)fd;
}

static int is_pow2(uint32_t x)
{
	return x && (x & (x - 1)) == 0;
}

static void prefix_mask(unsigned prefix, unsigned bits, __u32 mask[4])
{
	unsigned char b[16] = {0};
	for (unsigned i = 0; i < bits / 8; i++) {
		if (prefix >= 8) {
			b[i] = 0xff;
			prefix -= 8;
		} else {
			b[i] = (unsigned char)(0xff00u >> prefix);
			prefix = 0;
		}
	}
	memcpy(mask, b, 16); /* network byte order, like the address words */
}

static int net_rule(const struct vj_netrule *n, struct vjbpf_net_rule *out, struct vj_err *e)
{
	unsigned bits;
	memset(out, 0, sizeof(*out));
	switch (n->op) {
	case VJ_NET_CONNECT:
		out->op = VJBPF_NET_CONNECT;
		break;
	case VJ_NET_BIND:
		out->op = VJBPF_NET_BIND;
		break;
	case VJ_NET_SENDMSG:
		out->op = VJBPF_NET_SENDMSG;
		break;
	default:
		return vj_fail(e, EINVAL, "net rule at %s:%u: unknown operation %d",
		               n->loc.file ? n->loc.file : "?", n->loc.line, (int)n->op);
	}
	if (n->family == AF_INET)
		bits = 32;
	else if (n->family == AF_INET6)
		bits = 128;
	else
		return vj_fail(e, EINVAL,
		               "net rule at %s:%u: family %d is neither AF_INET nor AF_INET6",
		               n->loc.file ? n->loc.file : "?", n->loc.line, n->family);
	if (n->prefix > bits || n->port_lo > n->port_hi)
		return vj_fail(e, EINVAL,
		               "net rule at %s:%u: prefix /%u or ports %u-%u out of range",
		               n->loc.file ? n->loc.file : "?", n->loc.line, n->prefix,
		               (unsigned)n->port_lo, (unsigned)n->port_hi);
	out->family = (__u8)n->family;
	prefix_mask(n->prefix, bits, out->mask);
	memcpy(out->addr, n->addr, bits / 8);
	for (int w = 0; w < 4; w++)
		out->addr[w] &= out->mask[w];
	out->port_lo = n->port_lo;
	out->port_hi = n->port_hi;
	return 0;
}

int vjbpf__rules_from_policy(const struct vj_policy *p, const struct vjbpf_tenant_opts *o,
                             struct vjbpf_rules *r, uint32_t *ring_bytes, struct vj_err *e)
{
	const struct vj_cgbpf *c = &p->cgbpf;
	long page = sysconf(_SC_PAGESIZE);

	memset(r, 0, sizeof(*r));
	if (p->devices & ~((1u << VJ_DEV__COUNT) - 1))
		return vj_fail(e, EINVAL, "policy %s: unknown device bits %#x", p->name,
		               p->devices & ~((1u << VJ_DEV__COUNT) - 1));
	for (int d = 0; d < VJ_DEV__COUNT; d++) {
		if (!(p->devices & (1u << d)))
			continue;
		const struct vj_devinfo *di = vj_dev_info((enum vj_dev)d);
		if (!di)
			return vj_fail(e, EINVAL, "policy %s: no device table entry for device %d",
			               p->name, d);
		if (r->ndev >= VJBPF_MAX_DEV)
			return vj_fail(e, E2BIG, "policy %s: more than %d devices", p->name,
			               VJBPF_MAX_DEV);
		/* mknod too: the jailer may create the node after the jailer
		 * process joined the leaf; the VMM has no CAP_MKNOD anyway. */
		r->dev[r->ndev++] = (struct vjbpf_dev_rule){
		    .type = VJBPF_DEV_CHAR,
		    .major = di->major,
		    .minor = di->minor,
		    .access = VJBPF_DEV_READ | VJBPF_DEV_WRITE | VJBPF_DEV_MKNOD,
		};
	}
	if (c->nsockets > VJBPF_MAX_SOCK)
		return vj_fail(e, E2BIG, "policy %s: %zu socket rules, at most %d", p->name,
		               c->nsockets, VJBPF_MAX_SOCK);
	for (size_t i = 0; i < c->nsockets; i++) {
		const struct vj_sockrule *s = &c->sockets[i];
		if (s->family <= 0 || s->family >= AF_MAX)
			return vj_fail(e, EINVAL, "socket rule at %s:%u: family %d out of range",
			               s->loc.file ? s->loc.file : "?", s->loc.line, s->family);
		/* The hook sees sk->type: no SOCK_NONBLOCK / SOCK_CLOEXEC bits. */
		r->sock[i] = (struct vjbpf_sock_rule){s->family, s->type < 0 ? -1 : (s->type & 0xf),
		                                      s->protocol < 0 ? -1 : s->protocol, 0};
	}
	r->nsock = (__u32)c->nsockets;
	if (c->nnet > VJBPF_MAX_NET)
		return vj_fail(e, E2BIG, "policy %s: %zu net rules, at most %d", p->name, c->nnet,
		               VJBPF_MAX_NET);
	for (size_t i = 0; i < c->nnet; i++) {
		int rc = net_rule(&c->net[i], &r->net[i], e);
		if (rc)
			return rc;
	}
	r->nnet = (__u32)c->nnet;
	r->flags =
	    (c->sysctl_read ? VJBPF_SYSCTL_READ : 0) | (c->sysctl_write ? VJBPF_SYSCTL_WRITE : 0);

	uint32_t rate = o && o->events_per_sec ? o->events_per_sec : VJBPF_DEFAULT_RATE;
	uint32_t burst = o && o->burst ? o->burst : VJBPF_DEFAULT_BURST;
	uint32_t ring = o && o->ring_bytes ? o->ring_bytes : VJBPF_DEFAULT_RING;
	if (rate > VJBPF_MAX_RATE || burst > VJBPF_MAX_BURST)
		return vj_fail(e, EINVAL, "event rate %u/s burst %u: at most %u/s and %u", rate,
		               burst, VJBPF_MAX_RATE, VJBPF_MAX_BURST);
	if (!is_pow2(ring) || ring < (uint32_t)page || ring > VJBPF_MAX_RING)
		return vj_fail(e, EINVAL,
		               "ring size %u: must be a power of two between %ld and %u bytes",
		               ring, page, VJBPF_MAX_RING);
	r->rate_per_sec = rate;
	r->burst = burst;
	r->max_files = o && o->max_files ? o->max_files : VJBPF_DEFAULT_MAX_FILES;
	*ring_bytes = ring;
	return 0;
}

int vjbpf__tenant_remove(const struct vjbpf_maps *m, uint64_t cgid)
{
	__u64 key = cgid;
	int rc = bpf_map_delete_elem(m->tenants, &key) < 0 ? -errno : 0;
	/* Best effort for the rest: a failed add may have left only some. */
	bpf_map_delete_elem(m->rings, &key);
	bpf_map_delete_elem(m->stats, &key);
	return rc;
}

int vjbpf__tenant_insert(const struct vjbpf_maps *m, uint64_t cgid, const struct vjbpf_rules *r,
                         uint32_t ring_bytes, struct vj_err *e)
{
	__u64 key = cgid;
	struct vjbpf_stats st;
	int rc;

	if (cgid == 0)
		return vj_fail(e, EINVAL, "cgroup id 0 is not a cgroup");
	memset(&st, 0, sizeof(st));
	st.tokens = (__u64)r->burst * VJBPF_NSEC;
	st.last_ns = vjbpf__now_ns(); /* the programs' clock: CLOCK_MONOTONIC */
	if (bpf_map_update_elem(m->stats, &key, &st, BPF_NOEXIST) < 0) {
		if (errno == EEXIST)
			return vj_fail(e, EEXIST, "cgroup %llu is already a registered tenant",
			               (unsigned long long)cgid);
		return vj_failx(e, errno, "registering counters of cgroup %llu",
		                (unsigned long long)cgid);
	}
	int ring = create_ring(ring_bytes);
	if (ring < 0) {
		rc = vj_failx(e, errno, "creating a %u-byte ring buffer", ring_bytes);
		goto fail;
	}
	__u32 ringval = (__u32)ring;
	rc = bpf_map_update_elem(m->rings, &key, &ringval, BPF_NOEXIST) < 0 ? -errno : 0;
	close(ring); /* the outer map holds it now */
	if (rc) {
		rc = vj_failx(e, rc, "registering the ring of cgroup %llu",
		              (unsigned long long)cgid);
		goto fail;
	}
	if (bpf_map_update_elem(m->tenants, &key, r, BPF_NOEXIST) < 0) {
		rc = vj_failx(e, errno, "registering the rules of cgroup %llu",
		              (unsigned long long)cgid);
		goto fail;
	}
	return 0;
fail:
	vjbpf__tenant_remove(m, cgid);
	return rc;
}

int vjbpf_tenant_add(uint64_t cgid, const struct vj_policy *p, const struct vjbpf_tenant_opts *o,
                     struct vj_err *e)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	struct vjbpf_rules r;
	uint32_t ring;

	vj_err_step(e, "cgroup-bpf");
	int rc = vjbpf__rules_from_policy(p, o, &r, &ring, e);
	if (rc)
		return rc;
	int lock = vjbpf__lock(LOCK_SH, e);
	if (lock < 0)
		return lock;
	rc = vjbpf__open_pinned_maps(&m, e);
	if (!rc)
		rc = vjbpf__tenant_insert(&m, cgid, &r, ring, e);
	vjbpf__close_maps(&m);
	vjbpf__unlock(lock);
	return rc;
}

int vjbpf_tenant_del(uint64_t cgid)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	struct vj_err e = {0};
	int lock = vjbpf__lock(LOCK_SH, &e);
	if (lock < 0)
		return lock;
	int rc = vjbpf__open_pinned_maps(&m, &e);
	if (!rc)
		rc = vjbpf__tenant_remove(&m, cgid);
	vjbpf__close_maps(&m);
	vjbpf__unlock(lock);
	return rc;
}

int vjbpf_tenant_stats(uint64_t cgid, struct vjbpf_tenant_stats *out)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	struct vjbpf_stats st;
	struct vj_err e = {0};
	__u64 key = cgid;

	int rc = vjbpf__open_pinned_maps(&m, &e);
	if (rc)
		return rc;
	rc = bpf_map_lookup_elem(m.stats, &key, &st) < 0 ? -errno : 0;
	vjbpf__close_maps(&m);
	if (rc)
		return rc;
	out->denials = st.denials;
	out->emitted = st.emitted;
	out->suppressed = st.suppressed;
	out->reserve_failed = st.reserve_failed;
	out->files = st.files;
	return 0;
}

int vjbpf_tenant_count(void)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	struct vj_err e = {0};
	__u64 key, next;
	int n = 0;

	int rc = vjbpf__open_pinned_maps(&m, &e);
	if (rc)
		return rc;
	for (rc = bpf_map_get_next_key(m.tenants, NULL, &next); rc == 0;
	     rc = bpf_map_get_next_key(m.tenants, &key, &next)) {
		key = next;
		n++;
	}
	vjbpf__close_maps(&m);
	return n;
}
