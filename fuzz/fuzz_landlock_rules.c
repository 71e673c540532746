// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the Landlock rule builder (jailer/landlock_rules.c) fed
 * from a policy, as a launch feeds it: the input is policy text, parsed and
 * validated; the plan around it mounts the policy's binds and tenant dirs
 * (as the planner does), a VMM at /vmm with an interpreter that is also
 * bound (the builder must skip that mount), its devices, /proc and /sys as
 * the policy says; the rules are built for every ABI from 1 to 7.
 *
 * Oracle: only an ABI that cannot express the policy (scoping before 6, TCP
 * port rules before 4) refuses it, and says why; the handled file-system
 * rights are exactly the ABI's, network rights only from ABI 4, scoping only
 * from 6 and only what the policy asks; every rule's rights are within the
 * handled ones; execute is granted on the VMM and its interpreter and
 * nowhere else unless a `landlock path ... exec` rule asks; a bind mount
 * never gets execute or write beyond its kind; every declared Landlock port
 * is a rule; denials are logged after exec only from ABI 7.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jailer/landlock_rules.h"
#include "policies/lang/policy.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INTERP     "/lib64/ld-linux-x86-64.so.2"
#define MAX_MOUNTS 64

static struct vj_plan plan;
static struct vj_mount mounts[MAX_MOUNTS];

static void plan_from(struct vj_policy *p)
{
	size_t n = 0;
	memset(&plan, 0, sizeof(plan));
	plan.policy = p;
	strcpy(plan.exec_jail, "/vmm");
	strcpy(plan.deps.interp, INTERP);
	mounts[n].kind = VJ_MNT_BIND_RO;
	strcpy(mounts[n++].dst, INTERP);
	for (size_t i = 0; i < p->nbinds && n < MAX_MOUNTS; i++, n++) {
		mounts[n].kind = p->binds[i].writable ? VJ_MNT_BIND_RW : VJ_MNT_BIND_RO;
		snprintf(mounts[n].dst, sizeof(mounts[n].dst), "%s",
		         p->binds[i].dst ? p->binds[i].dst : p->binds[i].src);
	}
	for (size_t i = 0; i < p->ndirs && n < MAX_MOUNTS; i++, n++) {
		mounts[n].kind = VJ_MNT_DIR_SELF;
		snprintf(mounts[n].dst, sizeof(mounts[n].dst), "%s", p->dirs[i].path);
	}
	plan.mounts = mounts;
	plan.nmounts = n;
	plan.devices = p->devices;
	plan.mount_proc = p->mount_proc;
	plan.mount_sys = p->mount_sys;
}

/* Does a `landlock path` rule of the policy name this path with exec? */
static int policy_grants_exec(const struct vj_landlock *ll, const char *path)
{
	for (size_t i = 0; i < ll->npaths; i++)
		if ((ll->paths[i].rights & VJ_LL_EXEC) && strcmp(ll->paths[i].path, path) == 0)
			return 1;
	return 0;
}

static int has_port(const struct vj_ll_rules *r, __u64 right, uint16_t port)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->rule[i].kind == VJ_LL_RULE_KIND_PORT && r->rule[i].rights == right &&
		    r->rule[i].port == port)
			return 1;
	return 0;
}

static void check(const struct vj_policy *p, int abi, int rc, const struct vj_ll_rules *r,
                  const struct vj_err *e)
{
	const struct vj_landlock *ll = &p->landlock;
	int scoped = ll->scope_abstract_unix || ll->scope_signal;
	int ports = ll->nbind_ports || ll->nconnect_ports;
	int expressible = !(abi < 6 && scoped) && !(abi < 4 && ports);
	if (rc != 0) {
		FUZZ_CHECK(e->msg[0], "a refusal that does not say why");
		FUZZ_CHECK(!expressible, "a policy the ABI can express was refused");
		return;
	}
	FUZZ_CHECK(expressible, "a policy the ABI cannot express was accepted");
	FUZZ_CHECK(r->attr.handled_access_fs == vj_ll_fs_rights_for_abi(abi),
	           "handled fs rights are not the ABI's");
	FUZZ_CHECK(abi >= 4 || !r->attr.handled_access_net, "network rights before ABI 4");
	FUZZ_CHECK(!(r->attr.handled_access_net & ~(VJ_LL_NET_BIND_TCP | VJ_LL_NET_CONNECT_TCP)),
	           "unknown network rights handled");
	__u64 want_scope = abi < 6 ? 0
	                           : (ll->scope_abstract_unix ? VJ_LL_SCOPE_ABSTRACT_UNIX : 0) |
	                                 (ll->scope_signal ? VJ_LL_SCOPE_SIGNAL : 0);
	FUZZ_CHECK(r->attr.scoped == want_scope, "scoping differs from the policy's");
	size_t want_size = abi >= 6   ? sizeof(r->attr)
	                   : abi >= 4 ? offsetof(struct vj_ll_ruleset_attr, scoped)
	                              : sizeof(r->attr.handled_access_fs);
	FUZZ_CHECK(r->attr_size == want_size, "the attribute size does not fit the ABI");
	FUZZ_CHECK(r->restrict_flags == (abi >= 7 ? VJ_LL_RESTRICT_LOG_NEW_EXEC_ON : 0u),
	           "denials logged after exec on an ABI without it");
	for (size_t i = 0; i < r->n; i++) {
		const struct vj_ll_rule *x = &r->rule[i];
		if (x->kind == VJ_LL_RULE_KIND_PORT) {
			FUZZ_CHECK(x->rights == VJ_LL_NET_BIND_TCP ||
			               x->rights == VJ_LL_NET_CONNECT_TCP,
			           "a port rule with other than one TCP right");
			FUZZ_CHECK(x->rights & r->attr.handled_access_net,
			           "a port rule for an access the ruleset does not handle");
			continue;
		}
		FUZZ_CHECK(x->kind == VJ_LL_RULE_KIND_PATH && x->path, "a rule of no kind");
		FUZZ_CHECK(!(x->rights & ~r->attr.handled_access_fs),
		           "a path rule with rights the ruleset does not handle");
		if (x->rights & VJ_LL_FS_EXECUTE)
			FUZZ_CHECK(strcmp(x->path, "/vmm") == 0 || strcmp(x->path, INTERP) == 0 ||
			               policy_grants_exec(ll, x->path),
			           "execute granted beyond the VMM, its interpreter and the "
			           "policy's rules");
	}
	/* Mount rules follow the plan's mounts in order, after the VMM and its
	 * interpreter (the interpreter's mount is skipped). */
	size_t k = 2;
	for (size_t m = 1; m < plan.nmounts; m++) {
		if (strcmp(plan.mounts[m].dst, INTERP) == 0)
			continue;
		FUZZ_CHECK(k < r->n && strcmp(r->rule[k].path, plan.mounts[m].dst) == 0,
		           "a mount without its rule");
		FUZZ_CHECK(!(r->rule[k].rights & VJ_LL_FS_EXECUTE), "a mount rule grants execute");
		if (plan.mounts[m].kind == VJ_MNT_BIND_RO)
			FUZZ_CHECK(!(r->rule[k].rights & ~(VJ_LL_FS_READ_FILE | VJ_LL_FS_READ_DIR)),
			           "a read-only bind gets more than read");
		k++;
	}
	if (r->attr.handled_access_net) {
		for (size_t i = 0; i < ll->nbind_ports; i++)
			FUZZ_CHECK(has_port(r, VJ_LL_NET_BIND_TCP, ll->bind_ports[i]),
			           "a declared bind port has no rule");
		for (size_t i = 0; i < ll->nconnect_ports; i++)
			FUZZ_CHECK(has_port(r, VJ_LL_NET_CONNECT_TCP, ll->connect_ports[i]),
			           "a declared connect port has no rule");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;

	if (vj_policy_load_buffer("fuzz.policy", (const char *)data, size, NULL, &p, &d) != 0)
		goto out;
	plan_from(p);
	for (int abi = 1; abi <= 7; abi++) {
		struct vj_ll_rules r;
		struct vj_err e = {0};
		int rc = vj_ll_rules_build(&plan, abi, &r, &e);
		check(p, abi, rc, &r, &e);
		vj_ll_rules_free(&r);
	}
out:
	vj_policy_free(p);
	vj_diag_free(&d);
	return 0;
}
