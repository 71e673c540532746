/* SPDX-License-Identifier: Apache-2.0 */
/* Views of a parsed policy shared by explain, lint and diff: rules grouped
 * per syscall, and one-line renderings of socket and net rules. */
#ifndef VMJAIL_POLICY_VIEW_H
#define VMJAIL_POLICY_VIEW_H

#include <stddef.h>

#include "policies/lang/policy.h"

struct view_sys {
	int nr;
	const char *name;
	const struct vj_rule **rules; /* in policy order */
	size_t nrules;
};

/* One entry per syscall that has rules, sorted by name; NULL on ENOMEM
 * (with *n = 0 and no rules it returns a non-NULL empty array). */
struct view_sys *view_syscalls(const struct vj_seccomp *sc, size_t *n);
void view_syscalls_free(struct view_sys *v, size_t n);

/* The rules of one syscall number (NULL if none). */
const struct view_sys *view_find(const struct view_sys *v, size_t n, int nr);

/* "AF_INET SOCK_STREAM any" */
const char *view_sockrule(const struct vj_sockrule *s, char *buf, size_t len);
/* "connect allow 10.0.0.0/8 port 443" */
const char *view_netrule(const struct vj_netrule *r, char *buf, size_t len);

/* Action lets the syscall run (allow, log, user-notify). */
bool view_allowish(const struct vj_action *a);

#endif
