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
#include "jailer/launch.h"
#include "jailer/layer.h"

#define RIGHTS_RO (VJ_LL_FS_READ_FILE | VJ_LL_FS_READ_DIR)
#define RIGHTS_RW                                                                                  \
	(RIGHTS_RO | VJ_LL_FS_WRITE_FILE | VJ_LL_FS_REMOVE_DIR | VJ_LL_FS_REMOVE_FILE |            \
	 VJ_LL_FS_MAKE_DIR | VJ_LL_FS_MAKE_REG | VJ_LL_FS_MAKE_SOCK | VJ_LL_FS_MAKE_FIFO |         \
	 VJ_LL_FS_MAKE_SYM | VJ_LL_FS_REFER | VJ_LL_FS_TRUNCATE)
#define RIGHTS_DEV (VJ_LL_FS_READ_FILE | VJ_LL_FS_WRITE_FILE | VJ_LL_FS_IOCTL_DEV)
#define RIGHTS_EXE (VJ_LL_FS_READ_FILE | VJ_LL_FS_EXECUTE)

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

static int add_path(int ruleset, const char *path, __u64 rights, __u64 handled, struct vj_err *e)
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
	struct vj_ll_path_beneath pb = {.allowed_access = rights & handled, .parent_fd = fd};
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

#define MAX_DERIVED_PORTS 4096

/* Ports the cgroup-BPF rules allow for op, or -1 when more than
 * MAX_DERIVED_PORTS (then Landlock leaves that TCP access to cgroup-BPF). */
static long derived_ports(const struct vj_cgbpf *c, enum vj_netop op)
{
	long n = 0;
	for (size_t i = 0; i < c->nnet; i++)
		if (c->net[i].op == op)
			n += (long)c->net[i].port_hi - (long)c->net[i].port_lo + 1;
	return n > MAX_DERIVED_PORTS ? -1 : n;
}

/*
 * TCP: the policy's `net connect/bind allow` rules are the single source of
 * truth.  Landlock can only say "port", not "address", so it allows the
 * ports those rules name and cgroup-BPF narrows them to the addresses; a
 * port no rule names is refused by both.
 */
static int add_net_rules(int rs, const struct vj_plan *p, __u64 handled, struct vj_err *e)
{
	const struct vj_landlock *ll = &p->policy->landlock;
	const struct vj_cgbpf *c = &p->policy->cgbpf;
	int rc = 0;
	for (size_t i = 0; !rc && i < ll->nbind_ports; i++)
		rc = add_port(rs, VJ_LL_NET_BIND_TCP, ll->bind_ports[i], e);
	for (size_t i = 0; !rc && i < ll->nconnect_ports; i++)
		rc = add_port(rs, VJ_LL_NET_CONNECT_TCP, ll->connect_ports[i], e);
	for (size_t i = 0; !rc && i < c->nnet; i++) {
		const struct vj_netrule *r = &c->net[i];
		__u64 right = r->op == VJ_NET_CONNECT ? VJ_LL_NET_CONNECT_TCP
		              : r->op == VJ_NET_BIND  ? VJ_LL_NET_BIND_TCP
		                                      : 0;
		if (!(right & handled))
			continue;
		for (unsigned port = r->port_lo; !rc && port <= r->port_hi; port++)
			rc = add_port(rs, right, (uint16_t)port, e);
	}
	return rc;
}

static unsigned ll_rights(unsigned r)
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
	return (unsigned)v;
}

static int apply(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	const struct vj_landlock *ll = &p->policy->landlock;
	int abi = landlock_abi();
	if (abi < 1)
		return vj_fail(e, abi < 0 ? -abi : ENOSYS, "Landlock is not available");

	struct vj_ll_ruleset_attr attr = {.handled_access_fs = vj_ll_fs_rights_for_abi(abi)};
	size_t size = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		if (derived_ports(&p->policy->cgbpf, VJ_NET_BIND) >= 0)
			attr.handled_access_net |= VJ_LL_NET_BIND_TCP;
		if (derived_ports(&p->policy->cgbpf, VJ_NET_CONNECT) >= 0)
			attr.handled_access_net |= VJ_LL_NET_CONNECT_TCP;
		size = offsetof(struct vj_ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		if (ll->scope_abstract_unix)
			attr.scoped |= VJ_LL_SCOPE_ABSTRACT_UNIX;
		if (ll->scope_signal)
			attr.scoped |= VJ_LL_SCOPE_SIGNAL;
		size = sizeof(attr);
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

	int rs = vj_ll_create_ruleset(&attr, size, 0);
	if (rs < 0)
		return vj_failx(e, errno, "landlock_create_ruleset");
	__u64 h = attr.handled_access_fs;
	int rc = add_path(rs, p->exec_jail, RIGHTS_EXE, h, e);
	if (!rc && p->deps.interp[0])
		rc = add_path(rs, p->deps.interp, RIGHTS_EXE, h, e);
	for (size_t i = 0; !rc && i < p->nmounts; i++) {
		const struct vj_mount *m = &p->mounts[i];
		if (p->deps.interp[0] && strcmp(m->dst, p->deps.interp) == 0)
			continue;
		rc = add_path(rs, m->dst, m->kind == VJ_MNT_BIND_RO ? RIGHTS_RO : RIGHTS_RW, h, e);
	}
	for (int d = 0; !rc && d < VJ_DEV__COUNT; d++)
		if (p->devices & (1u << d))
			rc = add_path(rs, vj_dev_info((enum vj_dev)d)->path, RIGHTS_DEV, h, e);
	if (!rc && p->mount_proc)
		rc = add_path(rs, "/proc", RIGHTS_RO, h, e);
	if (!rc && p->mount_sys)
		rc = add_path(rs, "/sys", RIGHTS_RO, h, e);
	for (size_t i = 0; !rc && i < ll->npaths; i++)
		rc = add_path(rs, ll->paths[i].path, ll_rights(ll->paths[i].rights), h, e);
	if (!rc && attr.handled_access_net)
		rc = add_net_rules(rs, p, attr.handled_access_net, e);

	/* Log denials of the VMM too, not only of this pre-exec code. */
	__u32 flags = abi >= 7 ? VJ_LL_RESTRICT_LOG_NEW_EXEC_ON : 0;
	if (!rc && vj_ll_restrict_self(rs, flags) < 0)
		rc = vj_failx(e, errno, "landlock_restrict_self");
	close(rs);
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
