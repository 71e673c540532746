/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AppArmor profile of one tenant, generated from its policy (pure: no
 * system access).  Used by the apparmor layer (compiled with apparmor_parser
 * and loaded before the tenant runs) and by `vmjail-policy apparmor`.
 */
#ifndef VMJAIL_APPARMOR_PROFILE_H
#define VMJAIL_APPARMOR_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include "jailer/err.h"
#include "policies/lang/policy.h"

#define VJ_AA_MAX_LIBS 256

struct vj_aa_input {
	const char *name;        /* profile name: "vmjail-<id>" ([A-Za-z0-9._-] only) */
	const char *exec_jail;   /* the VMM in the jail, e.g. "/qemu-system-x86_64" */
	const char *const *libs; /* read+map paths in the jail (the VMM's libraries), may be NULL */
	size_t nlibs;
	bool mount_proc, mount_sys;
};

/* Paths go into the profile only when made of [A-Za-z0-9._/+-]: no AppArmor
 * glob, variable or quoting character can come from a policy.  */
bool vj_aa_path_ok(const char *path);

/* Write the profile; 0, or -EINVAL (a name or path that cannot be written
 * safely, named in e, escaped). */
int vj_aa_profile(const struct vj_policy *p, const struct vj_aa_input *in, FILE *out,
                  struct vj_err *e);

/* jailer/layer_apparmor.c, in the tenant process before it enters the jail
 * (no /proc there): open its own AppArmor exec attribute. */
int vj_apparmor_child_open(void);

#endif
