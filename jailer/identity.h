/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_IDENTITY_H
#define VMJAIL_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "jailer/err.h"
#include "policies/lang/policy.h"

/* setrlimit for every limit that is set (still privileged). */
int vj_set_rlimits(const struct vj_rlimit r[RLIM_NLIMITS], struct vj_err *e);

/* New session, securebits locked, every capability set empty, groups
 * cleared, gid then uid, no_new_privs, death signal (when pdeathsig: the
 * parent is the supervisor).  Verified after. */
int vj_drop_identity(uid_t uid, gid_t gid, bool in_userns, bool pdeathsig, struct vj_err *e);

/* Mark every fd above 2 close-on-exec except the pass-through ones. */
int vj_fds_for_exec(const int *keep, unsigned nkeep, struct vj_err *e);

#endif
