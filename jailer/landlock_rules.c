// SPDX-License-Identifier: Apache-2.0
/*
 * Landlock rules from a plan, pure (no syscalls, so a fuzz target can feed
 * it policies): rights are derived from the plan, so the policy's binds are
 * the single source of truth: read on read-only binds, read+write (never
 * execute) on writable binds and tenant dirs, read+write+ioctl on declared
 * devices, execute on exactly the VMM binary and its ELF interpreter.
 * Everything the ABI can express and is not granted is denied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jailer/landlock_rules.h"

#define RIGHTS_RO (VJ_LL_FS_READ_FILE | VJ_LL_FS_READ_DIR)
#define RIGHTS_RW                                                                                  \
	(RIGHTS_RO | VJ_LL_FS_WRITE_FILE | VJ_LL_FS_REMOVE_DIR | VJ_LL_FS_REMOVE_FILE |            \
	 VJ_LL_FS_MAKE_DIR | VJ_LL_FS_MAKE_REG | VJ_LL_FS_MAKE_SOCK | VJ_LL_FS_MAKE_FIFO |         \
	 VJ_LL_FS_MAKE_SYM | VJ_LL_FS_REFER | VJ_LL_FS_TRUNCATE)
#define RIGHTS_DEV (VJ_LL_FS_READ_FILE | VJ_LL_FS_WRITE_FILE | VJ_LL_FS_IOCTL_DEV)
#define RIGHTS_EXE (VJ_LL_FS_READ_FILE | VJ_LL_FS_EXECUTE)

static int push(struct vj_ll_rules *r, struct vj_ll_rule x, struct vj_err *e)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct vj_ll_rule *n = realloc(r->rule, cap * sizeof(*n));
		if (!n)
			return vj_fail(e, ENOMEM, "Landlock rules");
		r->rule = n;
		r->cap = cap;
	}
	r->rule[r->n++] = x;
	return 0;
}

/* A path rule keeps only what the ruleset handles; one left with no right
 * stays in the list (apply still opens the path, so a missing one fails the
 * launch as before) and is not given to the kernel (it refuses empty rules). */
static int add_path(struct vj_ll_rules *r, const char *path, __u64 rights, struct vj_err *e)
{
	rights &= r->attr.handled_access_fs;
	return push(
	    r, (struct vj_ll_rule){.kind = VJ_LL_RULE_KIND_PATH, .path = path, .rights = rights},
	    e);
}

static int add_port(struct vj_ll_rules *r, __u64 right, uint16_t port, struct vj_err *e)
{
	return push(
	    r, (struct vj_ll_rule){.kind = VJ_LL_RULE_KIND_PORT, .rights = right, .port = port}, e);
}

/* Ports the cgroup-BPF rules allow for op, or -1 when more than
 * VJ_LL_MAX_DERIVED_PORTS (then Landlock leaves that TCP access to cgroup-BPF). */
static long derived_ports(const struct vj_cgbpf *c, enum vj_netop op)
{
	long n = 0;
	for (size_t i = 0; i < c->nnet; i++)
		if (c->net[i].op == op)
			n += (long)c->net[i].port_hi - (long)c->net[i].port_lo + 1;
	return n > VJ_LL_MAX_DERIVED_PORTS ? -1 : n;
}

/*
 * TCP: the policy's `net connect/bind allow` rules are the single source of
 * truth.  Landlock can only say "port", not "address", so it allows the
 * ports those rules name and cgroup-BPF narrows them to the addresses; a
 * port no rule names is refused by both.
 */
static int add_net_rules(struct vj_ll_rules *r, const struct vj_plan *p, struct vj_err *e)
{
	const struct vj_landlock *ll = &p->policy->landlock;
	const struct vj_cgbpf *c = &p->policy->cgbpf;
	__u64 handled = r->attr.handled_access_net;
	int rc = 0;
	for (size_t i = 0; !rc && i < ll->nbind_ports; i++)
		rc = add_port(r, VJ_LL_NET_BIND_TCP, ll->bind_ports[i], e);
	for (size_t i = 0; !rc && i < ll->nconnect_ports; i++)
		rc = add_port(r, VJ_LL_NET_CONNECT_TCP, ll->connect_ports[i], e);
	for (size_t i = 0; !rc && i < c->nnet; i++) {
		const struct vj_netrule *n = &c->net[i];
		__u64 right = n->op == VJ_NET_CONNECT ? VJ_LL_NET_CONNECT_TCP
		              : n->op == VJ_NET_BIND  ? VJ_LL_NET_BIND_TCP
		                                      : 0;
		if (!(right & handled))
			continue;
		for (unsigned port = n->port_lo; !rc && port <= n->port_hi; port++)
			rc = add_port(r, right, (uint16_t)port, e);
	}
	return rc;
}

static __u64 ll_rights(unsigned r)
{
	__u64 v = 0;
	if (r & VJ_LL_READ)
		v |= RIGHTS_RO;
	if (r & VJ_LL_WRITE)
		v |= RIGHTS_RW;
	if (r & VJ_LL_EXEC)
		v |= VJ_LL_FS_EXECUTE | VJ_LL_FS_READ_FILE;
	if (r & VJ_LL_IOCTL)
		v |= VJ_LL_FS_IOCTL_DEV;
	return v;
}

static int set_attr(const struct vj_plan *p, int abi, struct vj_ll_rules *r, struct vj_err *e)
{
	const struct vj_landlock *ll = &p->policy->landlock;
	r->attr.handled_access_fs = vj_ll_fs_rights_for_abi(abi);
	r->attr_size = sizeof(r->attr.handled_access_fs);
	if (abi >= 4) {
		if (derived_ports(&p->policy->cgbpf, VJ_NET_BIND) >= 0)
			r->attr.handled_access_net |= VJ_LL_NET_BIND_TCP;
		if (derived_ports(&p->policy->cgbpf, VJ_NET_CONNECT) >= 0)
			r->attr.handled_access_net |= VJ_LL_NET_CONNECT_TCP;
		r->attr_size = offsetof(struct vj_ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		if (ll->scope_abstract_unix)
			r->attr.scoped |= VJ_LL_SCOPE_ABSTRACT_UNIX;
		if (ll->scope_signal)
			r->attr.scoped |= VJ_LL_SCOPE_SIGNAL;
		r->attr_size = sizeof(r->attr);
	} else if (ll->scope_abstract_unix || ll->scope_signal) {
		return vj_fail(e, EOPNOTSUPP,
		               "the policy asks for Landlock scoping (ABI 6), this "
		               "kernel has ABI %d",
		               abi);
	}
	if (abi < 4 && (ll->nbind_ports || ll->nconnect_ports))
		return vj_fail(e, EOPNOTSUPP,
		               "the policy has Landlock TCP rules (ABI 4), this "
		               "kernel has ABI %d",
		               abi);
	/* Log denials of the VMM too, not only of the pre-exec code. */
	r->restrict_flags = abi >= 7 ? VJ_LL_RESTRICT_LOG_NEW_EXEC_ON : 0;
	return 0;
}

int vj_ll_rules_build(const struct vj_plan *p, int abi, struct vj_ll_rules *r, struct vj_err *e)
{
	const struct vj_landlock *ll = &p->policy->landlock;
	memset(r, 0, sizeof(*r));
	if (abi < 1)
		return vj_fail(e, ENOSYS, "Landlock is not available");
	int rc = set_attr(p, abi, r, e);
	if (!rc)
		rc = add_path(r, p->exec_jail, RIGHTS_EXE, e);
	if (!rc && p->deps.interp[0])
		rc = add_path(r, p->deps.interp, RIGHTS_EXE, e);
	for (size_t i = 0; !rc && i < p->nmounts; i++) {
		const struct vj_mount *m = &p->mounts[i];
		if (p->deps.interp[0] && strcmp(m->dst, p->deps.interp) == 0)
			continue;
		rc = add_path(r, m->dst, m->kind == VJ_MNT_BIND_RO ? RIGHTS_RO : RIGHTS_RW, e);
	}
	for (int d = 0; !rc && d < VJ_DEV__COUNT; d++)
		if (p->devices & (1u << d))
			rc = add_path(r, vj_dev_info((enum vj_dev)d)->path, RIGHTS_DEV, e);
	if (!rc && p->mount_proc)
		rc = add_path(r, "/proc", RIGHTS_RO, e);
	if (!rc && p->mount_sys)
		rc = add_path(r, "/sys", RIGHTS_RO, e);
	for (size_t i = 0; !rc && i < ll->npaths; i++)
		rc = add_path(r, ll->paths[i].path, ll_rights(ll->paths[i].rights), e);
	if (!rc && r->attr.handled_access_net)
		rc = add_net_rules(r, p, e);
	if (rc)
		vj_ll_rules_free(r);
	return rc;
}

void vj_ll_rules_free(struct vj_ll_rules *r)
{
	free(r->rule);
	r->rule = NULL;
	r->n = r->cap = 0;
}
