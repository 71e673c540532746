// SPDX-License-Identifier: Apache-2.0
/*
 * Landlock: the tenant may touch only what its jail declares.
 *
 * Rights are derived from the plan, so the policy's binds are the single
 * source of truth: read on read-only binds, read+write (never execute) on
 * writable binds and tenant dirs, read+write+ioctl on declared devices,
 * execute on exactly the VMM binary and its ELF interpreter.  Everything the
 * ABI can express and is not granted is denied.  With ABI 4 TCP bind/connect
 * are refused but for declared ports; with ABI 6 abstract unix sockets and
 * signals are scoped to the tenant's domain; with ABI 7 denials after the
 * VMM's exec reach the kernel audit channel (LOG_NEW_EXEC_ON).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/kaudit.h"
#include "jailer/canary.h"
#include "jailer/landlock_abi.h"
#include "jailer/landlock_rules.h"
#include "jailer/launch.h"
#include "jailer/layer.h"

static int landlock_abi(void)
{
	int abi = vj_ll_create_ruleset(NULL, 0, VJ_LL_CREATE_RULESET_VERSION);
	return abi < 0 ? -errno : abi;
}

/* Canary: a child that handles READ_FILE with no rule must get EACCES. */
static int canary_child(void *unused)
{
	(void)unused;
	struct vj_ll_ruleset_attr attr = {.handled_access_fs = VJ_LL_FS_READ_FILE};
	int fd = vj_ll_create_ruleset(&attr, sizeof(attr.handled_access_fs), 0);
	if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || vj_ll_restrict_self(fd, 0) < 0)
		return 2;
	int f = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	return f < 0 && errno == EACCES ? 0 : 1;
}

static int canary(void)
{
	return vj_canary_run(canary_child, NULL);
}

static int probe(struct vj_probe *out)
{
	int abi = landlock_abi();
	if (abi < 0) {
		out->available = false;
		vj_fmt(out->reason, sizeof(out->reason), "%s",
		       abi == -EOPNOTSUPP ? "Landlock is built in but disabled at boot (lsm=)"
		       : abi == -ENOSYS   ? "this kernel has no Landlock"
		                          : "landlock_create_ruleset failed");
		return 0;
	}
	if (canary() < 0) {
		out->available = false;
		vj_fmt(out->reason, sizeof(out->reason),
		       "ABI %d reported, but the canary open was not refused", abi);
		return 0;
	}
	out->available = true;
	vj_fmt(out->features, sizeof(out->features), "ABI %d: fs%s%s%s%s%s", abi,
	       abi >= 3 ? ", truncate" : "", abi >= 4 ? ", tcp" : "", abi >= 5 ? ", ioctl-dev" : "",
	       abi >= 6 ? ", scope" : "", abi >= 7 ? ", audit" : "");
	return 0;
}

/* The kernel side of one path rule: directory rights are dropped on a
 * non-directory (the kernel refuses them there). */
static int add_path(int ruleset, const char *path, __u64 rights, struct vj_err *e)
{
	int fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return vj_failx(e, errno, "landlock rule for %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return vj_failx(e, errno, "stat %s", path);
	}
	if (!S_ISDIR(st.st_mode))
		rights &= VJ_LL_FS_FILE_RIGHTS;
	struct vj_ll_path_beneath pb = {.allowed_access = rights, .parent_fd = fd};
	int rc = 0;
	if (pb.allowed_access && vj_ll_add_rule(ruleset, VJ_LL_RULE_PATH_BENEATH, &pb) < 0)
		rc = vj_failx(e, errno, "landlock_add_rule %s", path);
	close(fd);
	return rc;
}

static int add_port(int ruleset, __u64 right, uint16_t port, struct vj_err *e)
{
	struct vj_ll_net_port np = {.allowed_access = right, .port = port};
	if (vj_ll_add_rule(ruleset, VJ_LL_RULE_NET_PORT, &np) < 0)
		return vj_failx(e, errno, "landlock port rule %u", port);
	return 0;
}

/* The rules are computed in jailer/landlock_rules.c; here they meet the
 * kernel. */
static int apply(struct vj_launch *l, struct vj_err *e)
{
	int abi = landlock_abi();
	if (abi < 1)
		return vj_fail(e, abi < 0 ? -abi : ENOSYS, "Landlock is not available");
	struct vj_ll_rules r;
	if (vj_ll_rules_build(l->plan, abi, &r, e) != 0)
		return -1;
	int rs = vj_ll_create_ruleset(&r.attr, r.attr_size, 0);
	int rc = rs < 0 ? vj_failx(e, errno, "landlock_create_ruleset") : 0;
	for (size_t i = 0; !rc && i < r.n; i++) {
		const struct vj_ll_rule *x = &r.rule[i];
		rc = x->kind == VJ_LL_RULE_KIND_PATH ? add_path(rs, x->path, x->rights, e)
		                                     : add_port(rs, x->rights, x->port, e);
	}
	if (!rc && vj_ll_restrict_self(rs, r.restrict_flags) < 0)
		rc = vj_failx(e, errno, "landlock_restrict_self");
	if (rs >= 0)
		close(rs);
	vj_ll_rules_free(&r);
	return rc;
}

/* Landlock reports denials only while kernel audit is enabled: turn it on
 * for as long as a tenant needs it (refcounted across vmjail processes, the
 * previous value restored by the last one; docs/audit.md).  Losing the
 * reports is not losing enforcement, so a failure here only warns. */
static int prepare(struct vj_launch *l, struct vj_err *e)
{
	(void)e;
	struct vj_err soft = {0};
	/* always the default run dir: one audit switch per host (hostdirs.h) */
	if (vj_kaudit_enable_acquire(VJ_RUN_DIR, &l->audit_enable, &soft) < 0) {
		fprintf(stderr, "vmjail: %s: Landlock denials will not be audited: %s\n",
		        l->plan->cli->id, soft.msg);
		l->audit_enable = NULL;
	}
	return 0;
}

static void release(struct vj_launch *l)
{
	if (l->audit_enable) {
		vj_kaudit_enable_release(l->audit_enable);
		l->audit_enable = NULL;
	}
}

static void describe(const struct vj_plan *p, FILE *out)
{
	const struct vj_landlock *ll = &p->policy->landlock;
	fprintf(out,
	        "landlock: execute only %s%s%s; %zu mount(s) and %d device(s) by their "
	        "kind; %zu extra path rule(s); tcp bind ports %zu, connect ports %zu; scope:%s%s\n",
	        p->exec_jail, p->deps.interp[0] ? " and " : "", p->deps.interp, p->nmounts,
	        __builtin_popcount(p->devices), ll->npaths, ll->nbind_ports, ll->nconnect_ports,
	        ll->scope_abstract_unix ? " abstract-unix" : "", ll->scope_signal ? " signal" : "");
}

const struct vj_layer_ops vj_layer_landlock = {
    .id = VJ_LAYER_LANDLOCK,
    .probe = probe,
    .prepare = prepare,
    .apply = apply,
    .release = release,
    .describe = describe,
};
