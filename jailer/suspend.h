/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_SUSPEND_H
#define VMJAIL_SUSPEND_H

/* The saved guest state, beside the jail's root in <base>/<vmm>/<id>/. */
#define VJ_SUSPEND_FILE "suspended.vmstate"

#endif
