// SPDX-License-Identifier: Apache-2.0
/* vmjail-policy explain: what a policy allows, layer by layer, for people. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/tool.h"
#include "policies/tool/view.h"

static const char help[] =
    "usage: vmjail-policy explain FILE\n"
    "\n"
    "Print what the policy allows, layer by layer: layers and whether they\n"
    "are required, the jail (namespaces, devices, binds, limits), Landlock,\n"
    "cgroup-BPF (sockets, addresses, sysctl) and seccomp (the default and a\n"
    "table of syscalls with their action and conditions; ioctl requests and\n"
    "flags by name).\n"
    "\n" EXIT_CODES_HELP;

static void size_str(int64_t v, char *buf, size_t len)
{
	static const char suf[] = "KMGT";
	int i = -1;

	if (v < 0) {
		snprintf(buf, len, "unset");
		return;
	}
	while (i < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%lld%c", (long long)v, suf[i]);
}

static void rlim_str(uint64_t v, bool bytes, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else if (bytes)
		size_str((int64_t)v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void print_jail(const struct vj_policy *p)
{
	char a[32], b[32];

	printf("\njail:\n");
	printf("  namespaces: user %s, pid %s; mounts: proc %s, sys %s\n", p->userns ? "on" : "off",
	       p->pidns ? "on" : "off", p->mount_proc ? "on" : "off", p->mount_sys ? "on" : "off");
	printf("  devices:");
	if (!p->devices)
		printf(" none");
	for (int d = 0; d < VJ_DEV__COUNT; d++)
		if (p->devices & (1u << d))
			printf(" %s", vj_dev_info(d)->path);
	printf("\n");
	for (size_t i = 0; i < p->nbinds; i++) {
		const struct vj_bind *bd = &p->binds[i];
		printf("  bind %s %s", bd->writable ? "rw" : "ro", bd->src);
		if (strcmp(bd->src, bd->dst) != 0)
			printf(" -> %s", bd->dst);
		printf("%s\n", bd->optional ? " (optional)" : "");
	}
	for (size_t i = 0; i < p->ndirs; i++)
		printf("  dir %s (tenant-owned tmpfs, 0700, %llu KiB, %llu inodes)\n",
		       p->dirs[i].path, (unsigned long long)(p->dirs[i].size >> 10),
		       (unsigned long long)p->dirs[i].inodes);
	printf("  cgroup limits:");
	size_str(p->limits.memory_max, a, sizeof(a));
	printf(" memory %s", a);
	size_str(p->limits.memory_swap_max, a, sizeof(a));
	printf(", memory-swap %s", a);
	if (p->limits.pids_max >= 0)
		printf(", pids %lld", (long long)p->limits.pids_max);
	else
		printf(", pids unset");
	if (p->limits.cpu_quota_us >= 0)
		printf(", cpu %lld/%lld us", (long long)p->limits.cpu_quota_us,
		       (long long)p->limits.cpu_period_us);
	if (p->limits.io_weight >= 0)
		printf(", io-weight %lld", (long long)p->limits.io_weight);
	if (p->limits.cpuset_cpus[0])
		printf(", cpus %s", p->limits.cpuset_cpus);
	if (p->limits.cpuset_mems[0])
		printf(", mems %s", p->limits.cpuset_mems);
	printf("\n");
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		if (!p->rlimits[r].set)
			continue;
		bool bytes = r == RLIMIT_AS || r == RLIMIT_CORE || r == RLIMIT_DATA ||
		             r == RLIMIT_FSIZE || r == RLIMIT_MEMLOCK || r == RLIMIT_MSGQUEUE ||
		             r == RLIMIT_RSS || r == RLIMIT_STACK;
		rlim_str(p->rlimits[r].cur, bytes, a, sizeof(a));
		rlim_str(p->rlimits[r].max, bytes, b, sizeof(b));
		printf("  rlimit %s %s (hard %s)\n", vj_rlimit_name(r), a, b);
	}
}

static void print_landlock(const struct vj_policy *p)
{
	const struct vj_landlock *ll = &p->landlock;

	printf("\nlandlock (%s): read on ro binds, read+write on rw binds and dirs,\n"
	       "  read+write+ioctl on devices, execute on the VMM and its libraries; plus:\n",
	       vj_req_name(p->layer[VJ_LAYER_LANDLOCK]));
	for (size_t i = 0; i < ll->npaths; i++)
		printf("  %s%s%s %s\n", ll->paths[i].rights & VJ_LL_READ ? "r" : "-",
		       ll->paths[i].rights & VJ_LL_WRITE ? "w" : "-",
		       ll->paths[i].rights & VJ_LL_EXEC ? "x" : "-", ll->paths[i].path);
	printf("  tcp bind:");
	if (!ll->nbind_ports)
		printf(" none");
	for (size_t i = 0; i < ll->nbind_ports; i++)
		printf(" %u", ll->bind_ports[i]);
	printf("; tcp connect:");
	if (!ll->nconnect_ports)
		printf(" none");
	for (size_t i = 0; i < ll->nconnect_ports; i++)
		printf(" %u", ll->connect_ports[i]);
	printf("\n  scopes: abstract-unix %s, signal %s\n",
	       ll->scope_abstract_unix ? "confined" : "open",
	       ll->scope_signal ? "confined" : "open");
}

static void print_cgbpf(const struct vj_policy *p)
{
	const struct vj_cgbpf *cg = &p->cgbpf;

	printf("\ncgroup-bpf (%s):\n", vj_req_name(p->layer[VJ_LAYER_CGROUP_BPF]));
	if (!cg->nsockets)
		printf("  socket: none allowed\n");
	for (size_t i = 0; i < cg->nsockets; i++) {
		char s[160];
		view_sockrule(&cg->sockets[i], s, sizeof(s));
		printf("  socket allow %s\n", s);
	}
	if (!cg->nnet)
		printf("  connect/bind/sendmsg (inet): none allowed\n");
	for (size_t i = 0; i < cg->nnet; i++) {
		char s[160];
		view_netrule(&cg->net[i], s, sizeof(s));
		printf("  %s\n", s);
	}
	printf("  sysctl: read %s, write %s\n", cg->sysctl_read ? "allowed" : "refused",
	       cg->sysctl_write ? "allowed" : "refused");
}

static void print_seccomp(const struct vj_policy *p)
{
	const struct vj_seccomp *sc = &p->seccomp;
	char a[64];
	size_t n;
	struct view_sys *v = view_syscalls(sc, &n);

	printf("\nseccomp (%s): default %s; i386, x32 and foreign architectures: kill-process\n",
	       vj_req_name(p->layer[VJ_LAYER_SECCOMP]), vj_action_name(&sc->def, a, sizeof(a)));
	if (!v) {
		printf("  (out of memory)\n");
		return;
	}
	if (n)
		printf("  %-24s %-16s %s\n", "SYSCALL", "ACTION", "WHEN");
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < v[i].nrules; k++) {
			const struct vj_rule *r = v[i].rules[k];
			char conds[512];
			tool_conds_str(r, conds, sizeof(conds));
			if (k == 0)
				printf("  %-24s %-16s %s\n", r->name,
				       vj_action_name(&r->action, a, sizeof(a)),
				       r->ncond ? conds : "always");
			else
				printf("  %-24s %-16s %s\n", "", "", conds);
		}
		if (v[i].nrules && v[i].rules[0]->ncond)
			printf("  %-24s %-16s otherwise\n", "",
			       vj_action_name(&sc->def, a, sizeof(a)));
	}
	printf("  every other syscall: %s\n", vj_action_name(&sc->def, a, sizeof(a)));
	view_syscalls_free(v, n);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct vj_policy *p;
	char hex[65];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		return tool_usage_error("explain", "bad option");
	}
	if (argc - optind != 1)
		return tool_usage_error("explain", "expected one FILE");
	rc = tool_load(argv[optind], &p, NULL, false);
	if (rc)
		return rc;
	printf("policy %s (sha256 %s)\n", p->name[0] ? p->name : "(unnamed)",
	       vj_policy_hash_hex(p, hex));
	printf("\nlayers:\n");
	for (int l = 0; l < VJ_LAYER__COUNT; l++)
		printf("  %-14s %s\n", vj_layer_name(l), vj_req_name(p->layer[l]));
	print_jail(p);
	print_landlock(p);
	print_cgbpf(p);
	print_seccomp(p);
	vj_policy_free(p);
	return EXIT_OK;
}
