/* SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only) */
/*
 * Shared by the BPF LSM programs (bpf/lsm_*.bpf.c): which tenant the caller
 * is, whether the LSM rules apply to it yet, and the report helper.
 *
 * The LSM programs are a second object (vjbpf_lsm) that reuses the pinned
 * maps of the cgroup-BPF object (vj_tenants, vj_stats, vj_rings): one rule
 * set, one set of counters and one ring per tenant for both enforcers.
 *
 * Every program returns 0 or -EPERM, nothing else, except the file cap's
 * -ENFILE (lsm_filecount.bpf.c).
 */
#ifndef VMJAIL_BPF_LSM_BPF_H
#define VMJAIL_BPF_LSM_BPF_H

#include "bpf/vjbpf_common.bpf.h"
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define VJ_EPERM 1

/* Kernel constants not in vmlinux.h (macros). */
#define VJ_S_IFMT           00170000
#define VJ_S_IFCHR          0020000
#define VJ_ANON_INODE_MAGIC 0x09041934
#define VJ_MINORBITS        20
#define VJ_CAP_OPT_NOAUDIT  0x2u
#define VJ_MAX_ERRNO        4095

struct vj_lsm_ctx {
	const struct vjbpf_rules *r;
	__u64 tenant, cur;
};

/*
 * 1 if the caller is a tenant the LSM rules apply to now: registered with
 * VJBPF_LSM_ENFORCE, and its first exec (the VMM's) has committed.  Before
 * that the tenant's process is the jailer's own code setting up the jail
 * (setuid, mounts, pivot_root), which these rules would forbid.
 */
static __always_inline int vj_lsm_tenant(struct vj_lsm_ctx *c)
{
	c->r = vj_tenant(&c->tenant, &c->cur);
	if (!c->r || !(c->r->flags & VJBPF_LSM_ENFORCE))
		return 0;
	struct vjbpf_stats *st = bpf_map_lookup_elem(&vj_stats, &c->tenant);
	return st && st->execs > 0;
}

static __always_inline struct vjbpf_rec *vj_lsm_report(const struct vj_lsm_ctx *c, __u32 hook)
{
	return vj_report_begin(c->r, c->tenant, c->cur, hook);
}

/* Report a denial that has no object beyond `arg` (and maybe a string). */
static __always_inline int vj_lsm_deny(const struct vj_lsm_ctx *c, __u32 hook, __s64 arg,
                                       const char *kstr)
{
	struct vjbpf_rec *rec = vj_lsm_report(c, hook);
	if (rec) {
		rec->arg = arg;
		if (kstr)
			bpf_probe_read_kernel_str(rec->name, sizeof(rec->name), kstr);
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

/* The cgroup2 id of a task (its default-hierarchy cgroup). */
static __always_inline __u64 vj_task_cgid(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

/* Is cgroup `id` the tenant's leaf or the caller's own cgroup? */
static __always_inline int vj_same_tenant(const struct vj_lsm_ctx *c, __u64 id)
{
	return id == c->tenant || id == c->cur;
}

/*
 * The mount namespace a file was reached through.  Kernel-internal mounts
 * (pipes, sockets, anon inodes, nsfs, memfd) have none: NULL or
 * MNT_NS_INTERNAL (an ERR_PTR); those return 0.
 */
static __always_inline __u64 vj_file_mntns(const struct vfsmount *mnt)
{
	const struct mount *m =
	    (const void *)((const char *)mnt - bpf_core_field_offset(struct mount, mnt));
	__u64 ns = (__u64)BPF_CORE_READ(m, mnt_ns);
	if (ns == 0 || ns >= (__u64)-VJ_MAX_ERRNO)
		return 0;
	return ns;
}

static __always_inline __u64 vj_current_mntns(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	return (__u64)BPF_CORE_READ(t, nsproxy, mnt_ns);
}

/* Fill the file fields of a record. */
static __always_inline void vj_rec_file(struct vjbpf_rec *rec, struct file *f)
{
	rec->obj_ino = BPF_CORE_READ(f, f_inode, i_ino);
	rec->obj_dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	bpf_probe_read_kernel_str(rec->name, sizeof(rec->name),
	                          BPF_CORE_READ(f, f_path.dentry, d_name.name));
}

#endif
