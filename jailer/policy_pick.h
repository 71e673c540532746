/* SPDX-License-Identifier: Apache-2.0 */
/* Which policy a jail gets without --policy (see policy_pick.c). */
#ifndef VMJAIL_POLICY_PICK_H
#define VMJAIL_POLICY_PICK_H

#include <stddef.h>

#include "jailer/err.h"

/* The shipped policy's name ("qemu-tcg", "firecracker"...) for this exec
 * file and VMM argv, or NULL when vmjail does not recognise the VMM. */
const char *vj_policy_pick(const char *exec_file, char *const *argv, size_t argc);

/* The path of shipped policy NAME: 0, or -errno with e filled (missing, not
 * root-owned, writable by others). */
int vj_policy_locate(const char *name, char *path, size_t len, struct vj_err *e);

#endif
