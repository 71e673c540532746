/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --guest-ram SIZE: the guest's memory in a tenant-owned file of the jail
 * dir, so that a suspended guest is restored by mapping its memory instead
 * of reading it back: restore time does not grow with guest RAM.
 *
 * The file is <base>/<vmm>/<id>/guest.ram, beside the root (never inside:
 * the root is rebuilt at every restore), owned by the tenant, mode 0600,
 * sparse.  It is bound read-write at /guest.ram in the jail, where the VMM
 * maps it (QEMU: -object memory-backend-file,mem-path=/guest.ram,share=on).
 * With QEMU's x-ignore-shared migration capability, --suspend then writes
 * only the device state, and --restore starts QEMU on the same file.  The
 * file lives as long as the jail dir: the TTL and --cleanup remove both.
 */
#ifndef VMJAIL_GUEST_RAM_H
#define VMJAIL_GUEST_RAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jailer/err.h"

#define VJ_GUEST_RAM_FILE "guest.ram"  /* in the jail dir */
#define VJ_GUEST_RAM_JAIL "/guest.ram" /* where the VMM sees it */

struct vj_plan;

/* First launch: create the file (exclusive, tenant-owned, 0600, size bytes,
 * sparse).  Restore: the existing one must be the tenant's regular file
 * with one link and exactly that size (the guest's memory layout).  Either
 * way the checked file (an O_PATH fd of it, never its path) becomes the
 * source of the plan's /guest.ram bind.  Returns 0 or -errno. */
int vj_guest_ram_prepare(struct vj_plan *p, int jail_fd, struct vj_err *e);

/* Does this jail keep its guest's memory in the file? */
bool vj_guest_ram_present(int jail_fd);

#endif
