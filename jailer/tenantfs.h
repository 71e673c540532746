/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tenant-writable dirs (policy `dir PATH [size S] [inodes N]`): each is a
 * tmpfs of its own, mounted by the supervisor on an empty root-owned mount
 * point in the jail root, owned by the tenant, mode 0700, nosuid, nodev,
 * noexec, nosymfollow.  Its size and inode count bound what a tenant can
 * write (the host filesystem under the base dir stays untouched: another
 * launch never meets ENOSPC there), its pages are charged to the tenant's
 * memory cgroup, and cleanup detaches it in one step whatever tree the
 * tenant built inside.  It is mounted in the host's mount namespace so that
 * the operator still reaches the sockets the VMM creates there (QMP, the
 * Firecracker API) under <jail>/root; the tenant's own namespace gets it
 * with the recursive clone of the jail root (jailer/mounts.c).
 */
#ifndef VMJAIL_TENANTFS_H
#define VMJAIL_TENANTFS_H

#include <sys/types.h>

#include "jailer/err.h"
#include "jailer/plan.h"

/* Mount the tmpfs of dir m (VJ_MNT_DIR_SELF) beneath root_fd. */
int vj_tenantfs_mount(int root_fd, const struct vj_mount *m, uid_t uid, gid_t gid,
                      struct vj_err *e);

#endif
