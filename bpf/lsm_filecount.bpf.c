// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * BPF LSM, the number of live struct files per tenant.
 *
 * A mapped file stays allocated after its last fd is closed, and
 * RLIMIT_NOFILE counts fds, not files: one tenant held 2.47 million files
 * that way (mmap, close, repeat) and the host's file table (fs.file-max) ran
 * out for everyone.  Each file a tenant's task allocates is counted to the
 * tenant (vjbpf_stats.files) and refused with ENFILE once the tenant holds
 * its cap (vjbpf_rules.max_files).
 *
 * The last fput may run in another task (a kworker's delayed fput, a host
 * process the file was passed to), so vj_file_owner remembers the tenant of
 * each counted file, keyed by the struct file's address; file_free_security
 * removes the entry before the memory can be reused.  A plain hash, not an
 * LRU: an evicted entry would be a count never given back.  When it is full
 * the allocation is refused (fail closed).
 */
#include "bpf/vjbpf_lsm.bpf.h"

#define VJ_ENFILE 23

/* Not preallocated: only its buckets (16 MiB) exist until files are counted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, VJBPF_MAX_FILE_OWNERS);
	__type(key, __u64);   /* the struct file's address */
	__type(value, __u64); /* the tenant's cgroup id */
} vj_file_owner SEC(".maps");

static __always_inline int vj_files_deny(const struct vj_lsm_ctx *c, __u64 cap)
{
	struct vjbpf_rec *rec = vj_lsm_report(c, VJBPF_HOOK_LSM_FILE_ALLOC);
	if (rec) {
		rec->arg = (__s64)cap;
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_ENFILE;
}

SEC("lsm/file_alloc_security")
int BPF_PROG(vj_lsm_file_alloc, struct file *file, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	struct vjbpf_stats *st = bpf_map_lookup_elem(&vj_stats, &c.tenant);
	if (!st)
		return 0; /* tenant being removed: nothing to count against */
	__u64 cap = c.r->max_files ? c.r->max_files : VJBPF_DEFAULT_MAX_FILES;
	/* Take a slot first and give it back if over: exact under concurrency. */
	if (__sync_fetch_and_add(&st->files, 1) >= cap) {
		__sync_fetch_and_sub(&st->files, 1);
		return vj_files_deny(&c, cap);
	}
	__u64 key = (__u64)file;
	if (bpf_map_update_elem(&vj_file_owner, &key, &c.tenant, BPF_NOEXIST)) {
		/* all tenants together hold VJBPF_MAX_FILE_OWNERS files */
		__sync_fetch_and_sub(&st->files, 1);
		return vj_files_deny(&c, cap);
	}
	return 0;
}

/*
 * Also runs when file_alloc_security refused (security_file_alloc frees the
 * blob): such a file has no entry and nothing is given back.
 */
SEC("lsm/file_free_security")
int BPF_PROG(vj_lsm_file_free, struct file *file)
{
	__u64 key = (__u64)file;
	__u64 *owner = bpf_map_lookup_elem(&vj_file_owner, &key);
	if (!owner)
		return 0;
	__u64 tenant = *owner;
	if (bpf_map_delete_elem(&vj_file_owner, &key))
		return 0;
	/* The tenant may be gone (unregistered once its leaf emptied). */
	struct vjbpf_stats *st = bpf_map_lookup_elem(&vj_stats, &tenant);
	if (st)
		__sync_fetch_and_sub(&st->files, 1);
	return 0;
}
