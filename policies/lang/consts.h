/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Symbolic constants of the policy language (KVM_RUN, AF_UNIX, PROT_EXEC...),
 * generated at build time from this machine's headers by gen-consts.sh, and
 * the reverse lookup that explain/lint/diff use to print numbers as names.
 */
#ifndef VMJAIL_POLICY_CONSTS_H
#define VMJAIL_POLICY_CONSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vj_const_def {
	const char *name;
	uint64_t value; /* negative values are sign-extended (AT_FDCWD) */
};

/* Exact name lookup; false if the name is not in the table. */
bool vj_const_lookup(const char *name, uint64_t *value);

/* errno names only (EPERM, ENOSYS...; not EPOLLIN).  Returns the number or -1. */
int vj_errno_from_name(const char *name);
/* "EPERM" for 1; NULL when no name is known. */
const char *vj_errno_name(int errnum);

/*
 * Names whose value is `value` and that start with one of the prefixes in
 * `prefixes` (NULL-terminated list; NULL = any).  Fills up to max names in
 * table order and returns how many matched in total.
 */
size_t vj_const_names(const char *const *prefixes, uint64_t value, const char **out, size_t max);

/* An old spelling of a value with a better-known name (AF_FILE, SIOCINQ). */
bool vj_const_is_alias(const char *name);

/* First match of vj_const_names, or NULL. */
const char *vj_const_name(const char *const *prefixes, uint64_t value);

/* The ioctl request families explain/lint print by name. */
extern const char *const vj_ioctl_prefixes[];

/* The whole table (tests, completion). */
const struct vj_const_def *vj_const_table(size_t *n);

#endif
