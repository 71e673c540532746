/* SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only) */
/*
 * Shared by every enforcement program: the maps, the tenant lookup and the
 * denial reporter.  Each *.bpf.c includes this; the maps are __weak with
 * identical definitions so that `bpftool gen object` merges them into one set
 * when the programs are linked into vjbpf.bpf.o.
 *
 * Rule of the house: decide first, report second.  A program computes its
 * verdict before vj_report_begin() runs, and nothing in the reporting path
 * (rate limit, full ring, missing ring) can change that verdict.
 */
#ifndef VMJAIL_BPF_COMMON_BPF_H
#define VMJAIL_BPF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bpf/vjbpf_abi.h"

#define VJ_ALLOW 1
#define VJ_DENY  0 /* cgroup programs: 0 makes the syscall fail with EPERM */

struct vj_ring_tmpl {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

/* Tenant rules.  Not preallocated: 4096 x ~1.8 KiB would pin 7 MiB. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, VJBPF_MAX_TENANTS);
	__type(key, __u64);
	__type(value, struct vjbpf_rules);
} vj_tenants SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VJBPF_MAX_TENANTS);
	__type(key, __u64);
	__type(value, struct vjbpf_stats);
} vj_stats SEC(".maps") __weak;

/* One ring per tenant, so one tenant's flood cannot fill another's ring and a
 * supervisor can be handed only its own.  Inner rings may differ in size: the
 * kernel compares type, key/value size and flags of inner maps, not
 * max_entries, for ring buffers. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, VJBPF_MAX_TENANTS);
	__type(key, __u64);
	__array(values, struct vj_ring_tmpl);
} vj_rings SEC(".maps") __weak;

/* Written by the loader only; see struct vjbpf_meta. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vjbpf_meta);
} vj_meta SEC(".maps") __weak;

/*
 * The tenant of the calling task, or NULL if it is not a tenant.
 *
 * Not a tenant means allow: the programs are attached to a parent cgroup and
 * so also run for whatever else lives below it (the jailer while it builds a
 * jail, a leaf created but not yet registered).  Refusing those would break
 * the launch itself; the jailer instead registers a tenant before the
 * tenant's first instruction runs in its leaf, and keeps the entry until the
 * leaf is empty.
 *
 * A task below a tenant's leaf is still that tenant: the ancestors are
 * searched too, so moving into a child cgroup (which a jailed VMM cannot do:
 * no cgroupfs, no CAP_SYS_ADMIN) would not escape the rules either.
 */
static __always_inline const struct vjbpf_rules *vj_tenant(__u64 *tenant, __u64 *cur)
{
	__u64 id = bpf_get_current_cgroup_id();
	const struct vjbpf_rules *r;

	*cur = id;
	r = bpf_map_lookup_elem(&vj_tenants, &id);
	if (r) {
		*tenant = id;
		return r;
	}
	for (int lvl = 1; lvl < VJBPF_MAX_LEVEL; lvl++) {
		__u64 a = bpf_get_current_ancestor_cgroup_id(lvl);
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

/* Token bucket: true if one event may be emitted now. */
static __always_inline int vj_take_token(struct vjbpf_stats *st, const struct vjbpf_rules *r)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 cap = (__u64)r->burst * VJBPF_NSEC;
	__u64 rate = r->rate_per_sec;
	int ok = 0;

	bpf_spin_lock(&st->lock);
	__u64 tokens = st->tokens;
	/* Another CPU may have taken the lock with a later timestamp. */
	if (now > st->last_ns) {
		__u64 elapsed = now - st->last_ns;
		if (elapsed >= VJBPF_REFILL_CAP_NS)
			tokens = cap;
		else
			tokens += elapsed * rate; /* < 6e16 + cap: no overflow */
		st->last_ns = now;
	}
	if (tokens > cap)
		tokens = cap;
	if (tokens >= VJBPF_NSEC) {
		tokens -= VJBPF_NSEC;
		ok = 1;
	}
	st->tokens = tokens;
	bpf_spin_unlock(&st->lock);
	return ok;
}

/*
 * Count a denial and, if the rate limit and the ring allow, reserve a record
 * with the common fields filled.  The caller fills the hook's fields and
 * calls bpf_ringbuf_submit().  Every denial lands in exactly one of emitted,
 * suppressed and reserve_failed.
 */
static __always_inline struct vjbpf_rec *vj_report_reserve(const struct vjbpf_rules *r,
                                                           __u64 tenant, __u64 cur, __u32 hook)
{
	struct vjbpf_stats *st = bpf_map_lookup_elem(&vj_stats, &tenant);
	struct vjbpf_rec *rec;
	void *ring;

	if (!st)
		return NULL; /* tenant being removed: nothing to account to */
	__sync_fetch_and_add(&st->denials, 1);
	if (!vj_take_token(st, r)) {
		__sync_fetch_and_add(&st->suppressed, 1);
		return NULL;
	}
	ring = bpf_map_lookup_elem(&vj_rings, &tenant);
	if (!ring) {
		__sync_fetch_and_add(&st->reserve_failed, 1);
		return NULL;
	}
	rec = bpf_ringbuf_reserve(ring, sizeof(*rec), 0);
	if (!rec) {
		__sync_fetch_and_add(&st->reserve_failed, 1);
		return NULL;
	}
	__sync_fetch_and_add(&st->emitted, 1);
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->ts_ns = bpf_ktime_get_ns();
	rec->tenant_cgid = tenant;
	rec->cgid = cur;
	rec->hook = hook;
	return rec;
}

/* vj_report_reserve for hooks that run in the denied task: who it was. */
static __always_inline struct vjbpf_rec *vj_report_begin(const struct vjbpf_rules *r, __u64 tenant,
                                                         __u64 cur, __u32 hook)
{
	struct vjbpf_rec *rec = vj_report_reserve(r, tenant, cur, hook);

	if (rec) {
		rec->pid_tgid = bpf_get_current_pid_tgid();
		rec->uid_gid = bpf_get_current_uid_gid();
		bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	}
	return rec;
}

/* Dual-licensed source (see the SPDX line of each .bpf.c): the kernel sees the
 * GPL choice.  One copy per object; the static linker concatenates them and
 * the kernel reads the first string. */
static char LICENSE[] SEC("license") __attribute__((used)) = "GPL";

#endif
