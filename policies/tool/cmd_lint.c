// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy lint: findings for reviewers and one exposure score, in the
 * spirit of `systemd-analyze security`.  The score is the sum of the weights
 * of the findings, capped at 10; the weights are fixed here and printed by
 * --help, so the same policy always gets the same score.
 *
 * Seccomp findings are decided by asking the policy's own semantics
 * (vj_seccomp_eval) about concrete calls: "would ioctl(fd, 0x12345678) run?",
 * "would mmap(..., PROT_EXEC, ...) run?".  One witness that runs is a finding.
 */
#include <getopt.h>
#include <stdarg.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <linux/sched.h>

#include "policies/compile/seccomp.h"
#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/lint.h"
#include "policies/tool/tool.h"
#include "policies/tool/view.h"

static const char help[] =
    "usage: vmjail-policy lint [--json] [--fail-on SEVERITY] FILE\n"
    "\n"
    "Report what a reviewer should look at, with a severity and a weight per\n"
    "finding, and an exposure score from 0 (tight) to 10 (exposed): the sum\n"
    "of the weights, capped at 10.  Weights:\n"
    "  seccomp layer off 3.0; a VMM cannot start (libc start-up replayed\n"
    "  through the compiled program) 3.0; user namespaces reachable (clone,\n"
    "  unshare with CLONE_NEWUSER, clone3, setns) 2.0; socket(2) open to\n"
    "  families beyond a VMM's (AF_NETLINK, AF_PACKET, AF_VSOCK...) 2.0;\n"
    "  io_uring 2.0; seccomp default allow/log (a denylist) 1.5;\n"
    "  dangerous syscalls reachable 0.5 each (at most 3.0); ioctl without a\n"
    "  request filter 1.0; executable anonymous memory via mmap/mprotect/\n"
    "  pkey_mprotect 0.5 each; executable file mappings 0.25; user namespace on 2.0; /proc or /sys "
    "mounted 1.0 each;\n"
    "  writable binds 0.5 each (at most 1.5); host-sensitive binds 1.0 each\n"
    "  (at most 2.0); landlock, cgroup-bpf or cgroup-limits off 1.0 each;\n"
    "  exec-once off 0.5; a required-capable layer only if-available 0.5\n"
    "  each; bpf-lsm and apparmor both off 0.25 each; no pids or memory limit\n"
    "  0.5 each; no nofile limit 0.25; core dumps not disabled 0.25;\n"
    "  AF_NETLINK/AF_PACKET/AF_VSOCK sockets 0.5 each; connect or sendmsg to\n"
    "  any address 0.5; sysctl write 1.0, read 0.25; a missing landlock scope\n"
    "  0.25 each; /dev/userfaultfd 0.5.\n"
    "Severity: high for weight >= 1.5, medium >= 0.5, low otherwise.\n"
    "\n"
    "  --json            {file, score, findings: [{id, severity, weight, message}]}\n"
    "  --fail-on SEV     exit 1 when a finding of SEV or worse exists:\n"
    "                    high (default), medium, low, or none\n"
    "\n" EXIT_CODES_HELP;

#define MAX_FINDINGS 64

struct finding {
	char id[32];
	double weight;
	char msg[1024];
};

struct lint {
	const struct vj_policy *p;
	struct finding f[MAX_FINDINGS];
	size_t n;
};

static const char *sev(double w)
{
	return w >= 1.5 ? "high" : w >= 0.5 ? "medium" : "low";
}

__attribute__((format(printf, 4, 5))) static void add(struct lint *l, const char *id, double w,
                                                      const char *fmt, ...)
{
	va_list ap;
	struct finding *f;

	if (l->n == MAX_FINDINGS)
		return;
	f = &l->f[l->n++];
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->weight = w;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

/* Does the policy let this x86_64 call run (allow, log or user-notify)? */
static bool runs(const struct vj_policy *p, const char *name, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3)
{
	struct seccomp_data sd = {.arch = AUDIT_ARCH_X86_64};
	uint32_t r;
	int nr = vj_syscall_nr(name);

	if (nr < 0)
		return false;
	if (p->layer[VJ_LAYER_SECCOMP] == VJ_REQ_OFF)
		return true;
	sd.nr = nr;
	sd.args[0] = a0, sd.args[1] = a1, sd.args[2] = a2, sd.args[3] = a3;
	r = vj_seccomp_eval(&p->seccomp, &sd) & SECCOMP_RET_ACTION_FULL;
	return r == SECCOMP_RET_ALLOW || r == SECCOMP_RET_LOG || r == SECCOMP_RET_USER_NOTIF;
}

static void lint_layers(struct lint *l)
{
	const struct vj_policy *p = l->p;
	static const struct {
		enum vj_layer layer;
		double off;
	} must[] = {
	    {VJ_LAYER_LANDLOCK, 1.0},
	    {VJ_LAYER_CGROUP_BPF, 1.0},
	    {VJ_LAYER_CGROUP_LIMITS, 1.0},
	    {VJ_LAYER_EXEC_ONCE, 0.5},
	};
	char id[32];

	if (p->layer[VJ_LAYER_SECCOMP] == VJ_REQ_OFF)
		add(l, "seccomp-off", 3.0, "the seccomp layer is off: every syscall is allowed");
	else if (p->layer[VJ_LAYER_SECCOMP] == VJ_REQ_IF_AVAILABLE)
		add(l, "layer-optional", 0.5,
		    "layer seccomp is if-available; it works on every supported kernel, make it "
		    "required");
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		const char *name = vj_layer_name(must[i].layer);
		if (p->layer[must[i].layer] == VJ_REQ_OFF) {
			snprintf(id, sizeof(id), "%s-off", name);
			add(l, id, must[i].off, "layer %s is off", name);
		} else if (p->layer[must[i].layer] == VJ_REQ_IF_AVAILABLE) {
			add(l, "layer-optional", 0.5,
			    "layer %s is if-available; it works on every supported kernel, make it "
			    "required",
			    name);
		}
	}
	if (p->layer[VJ_LAYER_BPF_LSM] == VJ_REQ_OFF && p->layer[VJ_LAYER_APPARMOR] == VJ_REQ_OFF) {
		add(l, "lsm-off", 0.25,
		    "layer bpf-lsm is off (if-available costs nothing where "
		    "it cannot load)");
		add(l, "lsm-off", 0.25, "layer apparmor is off");
	}
}

/*
 * What a shipped policy must never allow (high): a user namespace (it
 * unlocks capabilities over namespaced kernel code: netfilter, raw and
 * packet sockets, mounts), socket families beyond what a VMM uses (the
 * cgroup socket hook sees only AF_INET/AF_INET6, so seccomp is the only
 * filter for the rest), and io_uring (its I/O bypasses seccomp).
 */
static void lint_userns_sockets(struct lint *l)
{
	const struct vj_policy *p = l->p;
	static const struct {
		int family;
		const char *name;
	} fam[] = {{AF_NETLINK, "AF_NETLINK"}, {AF_PACKET, "AF_PACKET"},
	           {AF_VSOCK, "AF_VSOCK"},     {AF_KEY, "AF_KEY"},
	           {AF_ALG, "AF_ALG"},         {AF_BLUETOOTH, "AF_BLUETOOTH"},
	           {AF_CAN, "AF_CAN"},         {AF_TIPC, "AF_TIPC"},
	           {AF_RDS, "AF_RDS"},         {63, "family 63 (unknown)"}};
	char list[512] = "";
	size_t o = 0, n = 0;

	if (runs(p, "clone", CLONE_NEWUSER, 0, 0, 0) ||
	    runs(p, "clone", CLONE_NEWUSER | CLONE_NEWNET | SIGCHLD, 0, 0, 0))
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%sclone(CLONE_NEWUSER)",
		                      n++ ? " " : "");
	if (runs(p, "unshare", CLONE_NEWUSER, 0, 0, 0))
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%sunshare(CLONE_NEWUSER)",
		                      n++ ? " " : "");
	if (runs(p, "clone3", 0, 0, 0, 0))
		o += (size_t)snprintf(list + o, sizeof(list) - o,
		                      "%sclone3 (flags out of seccomp's sight)", n++ ? " " : "");
	if (runs(p, "setns", 3, 0, 0, 0))
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%ssetns", n++ ? " " : "");
	if (n)
		add(l, "seccomp-userns", 2.0, "user namespaces can be created or joined: %s", list);
	o = 0, n = 0;
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		if (runs(p, "socket", (uint64_t)fam[i].family, 0, 0, 0) && o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", n++ ? " " : "",
			                      fam[i].name);
	if (n)
		add(l, "socket-families", 2.0,
		    "socket(2) is not limited to the families a VMM uses: %s", list);
	if (runs(p, "io_uring_setup", 8, 0, 0, 0))
		add(l, "io-uring", 2.0,
		    "io_uring_setup runs: io_uring's I/O bypasses seccomp (answer ENOSYS; VMMs "
		    "fall "
		    "back)");
}

static void lint_seccomp(struct lint *l)
{
	const struct vj_policy *p = l->p;
	static const struct {
		const char *name;
		uint64_t a0, a1;
	} danger[] = {
	    {"ptrace", 0, 0},
	    {"process_vm_readv", 0, 0},
	    {"process_vm_writev", 0, 0},
	    {"bpf", 0, 0},
	    {"perf_event_open", 0, 0},
	    {"kexec_load", 0, 0},
	    {"kexec_file_load", 0, 0},
	    {"init_module", 0, 0},
	    {"finit_module", 0, 0},
	    {"delete_module", 0, 0},
	    {"mount", 0, 0},
	    {"umount2", 0, 0},
	    {"pivot_root", 0, 0},
	    {"chroot", 0, 0},
	    {"fsopen", 0, 0},
	    {"fsmount", 0, 0},
	    {"fsconfig", 0, 0},
	    {"fspick", 0, 0},
	    {"move_mount", 0, 0},
	    {"open_tree", 0, 0},
	    {"mount_setattr", 0, 0},
	    {"keyctl", 0, 0},
	    {"add_key", 0, 0},
	    {"request_key", 0, 0},
	    {"open_by_handle_at", 0, 0},
	    {"name_to_handle_at", 0, 0},
	    {"userfaultfd", 0, 0},
	    {"modify_ldt", 0, 0},
	    {"iopl", 0, 0},
	    {"ioperm", 0, 0},
	    {"reboot", 0, 0},
	    {"swapon", 0, 0},
	    {"swapoff", 0, 0},
	    {"acct", 0, 0},
	    {"settimeofday", 0, 0},
	    {"clock_settime", 0, 0},
	    {"adjtimex", 0, 0},
	    {"syslog", 0, 0},
	    {"quotactl", 0, 0},
	    {"lookup_dcookie", 0, 0},
	    {"uselib", 0, 0},
	    {"personality", READ_IMPLIES_EXEC, 0},
	};
	char list[900] = "";
	size_t nd = 0, o = 0;
	uint64_t tiocsti = 0, tioclinux = 0;
	static const char *const mm[] = {"mmap", "mprotect", "pkey_mprotect"};

	if (p->layer[VJ_LAYER_SECCOMP] == VJ_REQ_OFF)
		return; /* one finding says it all */
	if (view_allowish(&p->seccomp.def))
		add(l, "seccomp-default-allow", 1.5,
		    "the seccomp default lets every unlisted syscall run (a denylist): new kernel "
		    "syscalls are reachable as soon as the host kernel has them");
	for (size_t i = 0; i < sizeof(danger) / sizeof(danger[0]); i++) {
		char what[64];
		if (!runs(p, danger[i].name, danger[i].a0, danger[i].a1, 0, 0))
			continue;
		if (danger[i].a0 == READ_IMPLIES_EXEC)
			snprintf(what, sizeof(what), "%s(READ_IMPLIES_EXEC)", danger[i].name);
		else if (strcmp(danger[i].name, "userfaultfd") == 0)
			snprintf(what, sizeof(what), "userfaultfd(kernel faults)");
		else
			snprintf(what, sizeof(what), "%s", danger[i].name);
		if (o + strlen(what) + 2 < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", nd ? " " : "",
			                      what);
		nd++;
	}
	vj_const_lookup("TIOCSTI", &tiocsti);
	vj_const_lookup("TIOCLINUX", &tioclinux);
	if (runs(p, "ioctl", 0, tiocsti, 0, 0)) {
		if (o + 10 < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%sioctl(TIOCSTI)",
			                      nd ? " " : "");
		nd++;
	}
	if (nd)
		add(l, "dangerous-syscalls", nd * 0.5 > 3.0 ? 3.0 : (double)nd * 0.5,
		    "%zu dangerous syscall%s reachable: %s", nd, nd == 1 ? "" : "s", list);
	/* An ioctl request no VMM uses: if it runs, requests are not filtered. */
	if (runs(p, "ioctl", 0, 0x7ffe1234, 0, 0))
		add(l, "ioctl-unfiltered", 1.0,
		    "ioctl runs with any request: filter arg1 to the requests the VMM needs "
		    "(ioctl is the door to every driver)");
	for (size_t i = 0; i < 3; i++) {
		uint64_t prot = PROT_READ | PROT_EXEC;
		bool mmap = strcmp(mm[i], "mmap") == 0;
		if (mmap ? runs(p, mm[i], 0, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS)
		         : runs(p, mm[i], 0, 4096, prot, 0))
			add(l, "prot-exec-anon", 0.5,
			    "%s can make anonymous memory executable: injected code needs no file",
			    mm[i]);
		else if (mmap && (runs(p, mm[i], 0, 4096, prot, MAP_PRIVATE) ||
		                  runs(p, mm[i], 0, 4096, prot, MAP_SHARED)))
			add(l, "prot-exec-file", 0.25,
			    "mmap can map files executable (the dynamic loader needs it; a memfd "
			    "or "
			    "writable file can carry injected code)");
	}
	lint_userns_sockets(l);
	if (p->layer[VJ_LAYER_EXEC_ONCE] == VJ_REQ_OFF && runs(p, "execve", 0, 0, 0, 0))
		add(l, "exec-unrestricted", 0.5,
		    "execve runs and exec-once is off: the VMM may start other programs");
}

static bool sensitive(const char *src)
{
	static const char *const s[] = {"/proc",
	                                "/sys",
	                                "/dev",
	                                "/etc",
	                                "/root",
	                                "/home",
	                                "/boot",
	                                "/var/run/docker.sock",
	                                "/run/docker.sock",
	                                NULL};
	if (strcmp(src, "/") == 0)
		return true;
	for (size_t i = 0; s[i]; i++) {
		size_t n = strlen(s[i]);
		if (strncmp(src, s[i], n) == 0 && (src[n] == '\0' || src[n] == '/'))
			return true;
	}
	return false;
}

static void lint_jail(struct lint *l)
{
	const struct vj_policy *p = l->p;
	size_t nw = 0, ns = 0;

	if (p->userns)
		add(l, "userns", 2.0,
		    "namespace user is on: the VMM holds capabilities over namespaced kernel code");
	if (p->mount_proc)
		add(l, "mount-proc", 1.0,
		    "/proc is mounted in the jail (host information, "
		    "/proc/self/mem, process details)");
	if (p->mount_sys)
		add(l, "mount-sys", 1.0,
		    "/sys is mounted in the jail (host hardware and kernel "
		    "details)");
	for (size_t i = 0; i < p->nbinds; i++) {
		const struct vj_bind *b = &p->binds[i];
		if (b->writable && nw++ < 3)
			add(l, "writable-bind", 0.5, "writable bind %s -> %s", b->src, b->dst);
		if (sensitive(b->src) && ns++ < 2)
			add(l, "sensitive-bind", 1.0, "bind of host-sensitive path %s", b->src);
	}
	if (p->devices & (1u << VJ_DEV_USERFAULTFD))
		add(l, "device-userfaultfd", 0.5,
		    "/dev/userfaultfd gives userfaultfds that can trap kernel accesses");
	if (p->limits.pids_max < 0)
		add(l, "no-pids-limit", 0.5,
		    "no cgroup pids limit: a fork bomb reaches the host's");
	if (p->limits.memory_max < 0)
		add(l, "no-memory-limit", 0.5, "no cgroup memory limit");
	if (!p->rlimits[RLIMIT_NOFILE].set)
		add(l, "no-nofile-limit", 0.25, "no rlimit nofile");
	if (!p->rlimits[RLIMIT_CORE].set || p->rlimits[RLIMIT_CORE].max != 0)
		add(l, "core-dumps", 0.25,
		    "core dumps are not disabled (rlimit core 0): a VMM core holds guest memory");
}

static void lint_net(struct lint *l)
{
	const struct vj_policy *p = l->p;
	const struct vj_cgbpf *cg = &p->cgbpf;
	static const struct {
		int family;
		const char *name;
	} risky[] = {{AF_NETLINK, "AF_NETLINK (host routing, firewall, audit)"},
	             {AF_PACKET, "AF_PACKET (raw frames on host interfaces)"},
	             {AF_VSOCK, "AF_VSOCK (the host's vsock services)"}};

	if (p->layer[VJ_LAYER_CGROUP_BPF] != VJ_REQ_OFF) {
		for (size_t k = 0; k < sizeof(risky) / sizeof(risky[0]); k++)
			for (size_t i = 0; i < cg->nsockets; i++)
				if (cg->sockets[i].family == risky[k].family) {
					add(l, "socket-risky", 0.5, "sockets of family %s allowed",
					    risky[k].name);
					break;
				}
		for (size_t i = 0; i < cg->nnet; i++)
			if (cg->net[i].prefix == 0 && cg->net[i].op != VJ_NET_BIND) {
				add(l, "net-any", 0.5, "%s to any address allowed (line %u)",
				    cg->net[i].op == VJ_NET_CONNECT ? "connect" : "sendmsg",
				    cg->net[i].loc.line);
				break;
			}
		if (cg->sysctl_write)
			add(l, "sysctl-write", 1.0, "sysctl writes allowed");
		if (cg->sysctl_read)
			add(l, "sysctl-read", 0.25, "sysctl reads allowed (host information)");
	}
	if (p->layer[VJ_LAYER_LANDLOCK] != VJ_REQ_OFF) {
		if (!p->landlock.scope_abstract_unix)
			add(l, "landlock-scope", 0.25,
			    "landlock scope abstract-unix not set: the VMM can reach host "
			    "abstract unix sockets");
		if (!p->landlock.scope_signal)
			add(l, "landlock-scope", 0.25,
			    "landlock scope signal not set: the VMM can signal processes outside "
			    "its domain");
	}
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	if (strcmp(x->id, y->id) != 0)
		return strcmp(x->id, y->id);
	return strcmp(x->msg, y->msg);
}

static int sev_rank(const char *s)
{
	return strcmp(s, "high") == 0 ? 3 : strcmp(s, "medium") == 0 ? 2 : 1;
}

int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"fail-on", required_argument, NULL, 'f'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	bool json = false;
	int fail_rank = 3, c, rc, worst = 0;
	struct vj_policy *p;
	struct lint *l;
	double score = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'f':
			if (strcmp(optarg, "high") == 0)
				fail_rank = 3;
			else if (strcmp(optarg, "medium") == 0)
				fail_rank = 2;
			else if (strcmp(optarg, "low") == 0)
				fail_rank = 1;
			else if (strcmp(optarg, "none") == 0)
				fail_rank = 4;
			else
				return tool_usage_error("lint", "--fail-on takes high, medium, low "
				                                "or none");
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("lint", "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("lint", "expected one FILE");
	rc = tool_load(argv[optind], &p, NULL, false);
	if (rc)
		return rc;
	l = calloc(1, sizeof(*l));
	if (!l) {
		vj_policy_free(p);
		return EXIT_IO;
	}
	l->p = p;
	lint_layers(l);
	lint_seccomp(l);
	{
		char why[512];
		if (lint_startup(p, why, sizeof(why)))
			add(l, "cannot-start", 3.0,
			    "no VMM can start under this policy (the filter is in force from "
			    "execve "
			    "on): %s",
			    why);
	}
	lint_jail(l);
	lint_net(l);
	qsort(l->f, l->n, sizeof(l->f[0]), cmp_finding);
	for (size_t i = 0; i < l->n; i++) {
		score += l->f[i].weight;
		if (sev_rank(sev(l->f[i].weight)) > worst)
			worst = sev_rank(sev(l->f[i].weight));
	}
	if (score > 10)
		score = 10;
	if (json) {
		printf("{\"file\":");
		vj_json_str(stdout, argv[optind]);
		printf(",\"score\":%.2f,\"findings\":[", score);
		for (size_t i = 0; i < l->n; i++) {
			printf("%s{\"id\":\"%s\",\"severity\":\"%s\",\"weight\":%.2f,\"message\":",
			       i ? "," : "", l->f[i].id, sev(l->f[i].weight), l->f[i].weight);
			vj_json_str(stdout, l->f[i].msg);
			printf("}");
		}
		printf("]}\n");
	} else {
		printf("%-8s %6s  %s\n", "SEVERITY", "WEIGHT", "FINDING");
		for (size_t i = 0; i < l->n; i++)
			printf("%-8s %6.2f  %s: %s\n", sev(l->f[i].weight), l->f[i].weight,
			       l->f[i].id, l->f[i].msg);
		printf("\nexposure score: %.2f/10 (%s)\n", score,
		       score < 2   ? "OK"
		       : score < 5 ? "MEDIUM"
		       : score < 8 ? "EXPOSED"
		                   : "UNSAFE");
	}
	free(l);
	vj_policy_free(p);
	return worst >= fail_rank ? EXIT_FINDINGS : EXIT_OK;
}
