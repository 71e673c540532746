/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Landlock rule set a plan asks for, computed without touching the
 * kernel (jailer/landlock_rules.c): the ruleset attribute for an ABI, the
 * path and port rules, the restrict flags.  jailer/layer_landlock.c opens
 * the paths and makes the syscalls; fuzz/fuzz_landlock_rules.c checks it.
 */
#ifndef VJ_LANDLOCK_RULES_H
#define VJ_LANDLOCK_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "jailer/err.h"
#include "jailer/landlock_abi.h"
#include "jailer/plan.h"

enum vj_ll_rule_kind { VJ_LL_RULE_KIND_PATH, VJ_LL_RULE_KIND_PORT };

struct vj_ll_rule {
	enum vj_ll_rule_kind kind;
	const char *path; /* PATH: borrowed from the plan */
	__u64 rights;     /* PATH: already masked by the handled rights (directory
	                     rights are dropped on non-directories at apply) */
	uint16_t port;    /* PORT: rights is one VJ_LL_NET_* right */
};

struct vj_ll_rules {
	struct vj_ll_ruleset_attr attr;
	size_t attr_size; /* what the ABI knows of attr */
	__u32 restrict_flags;
	struct vj_ll_rule *rule;
	size_t n, cap;
};

/* Ports one op may name before Landlock leaves that TCP access to
 * cgroup-BPF alone (a range of ports becomes one rule per port). */
#define VJ_LL_MAX_DERIVED_PORTS 4096

/* Fill r for plan p on a kernel with Landlock ABI abi (>= 1).  Fails closed
 * (EOPNOTSUPP) when the policy asks for what the ABI cannot enforce. */
int vj_ll_rules_build(const struct vj_plan *p, int abi, struct vj_ll_rules *r, struct vj_err *e);
void vj_ll_rules_free(struct vj_ll_rules *r);

#endif
