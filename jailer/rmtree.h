/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Removing a jail dir, whatever a tenant (or a crash) left in it: any depth
 * (no recursion, one directory fd open at a time, the way back up checked
 * by device and inode), mounts (detached, never descended: their content
 * belongs to no one here), btrfs subvolumes (entered and removed like
 * directories), never following a symlink.  The result is either the tree
 * gone or an error naming what stayed: callers report that, never success.
 */
#ifndef VMJAIL_RMTREE_H
#define VMJAIL_RMTREE_H

#include "jailer/err.h"

/* Remove dirfd/name and everything below it.  ENOENT is success: cleanup is
 * idempotent. */
int vj_remove_tree(int dirfd, const char *name, struct vj_err *e);

#endif
