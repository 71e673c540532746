/* SPDX-License-Identifier: Apache-2.0 */
/* vmjail-policy lint: checks with a file of their own. */
#ifndef VMJAIL_POLICY_LINT_H
#define VMJAIL_POLICY_LINT_H

#include <stddef.h>

#include "policies/lang/policy.h"

/* 1 when a VMM cannot start under the policy (why says which call, in
 * which part of start-up, is refused), 0 when every start-up call runs. */
int lint_startup(const struct vj_policy *p, char *why, size_t len);

#endif
