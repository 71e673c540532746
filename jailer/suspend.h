/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_SUSPEND_H
#define VMJAIL_SUSPEND_H

/* The saved guest state, beside the jail's root in <base>/<vmm>/<id>/. */
#define VJ_SUSPEND_FILE "suspended.vmstate"

#include <sys/types.h>

#include "jailer/err.h"

/*
 * --restore of a --guest-ram jail (guest_ram.h): QEMU was started with
 * `-incoming defer` and the saved state on fd state_fd; over its QMP socket
 * (qmp_jail beneath root_fd, owned by uid), turn on x-ignore-shared, as the
 * suspend did, and start the incoming migration from that fd.  The guest's
 * memory is the jail's file, mapped, not read.  Waits up to 10 s for QMP.
 */
int vj_restore_mapped(int root_fd, const char *qmp_jail, uid_t uid, int state_fd,
                      struct vj_err *e);

#endif
