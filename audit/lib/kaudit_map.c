// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel records -> vj_event.  One event per denial record (a seccomp
 * record, a Landlock ACCESS record, an AppArmor record); the SYSCALL record
 * of the same audit event, when the kernel wrote one, completes the actor
 * and the syscall; a Landlock DOMAIN "allocated" record names the process
 * that created the domain (the jailer's child, later the VMM: same pid).
 *
 * Formats (observed on Linux 6.18, matching Documentation/admin-guide/LSM/
 * landlock.rst and kernel/auditsc.c):
 *   1326 auid= uid= gid= ses= pid= comm= exe= sig= arch= syscall= compat= ip= code=
 *   1423 domain=<hex> blockers=<a,b> then object fields: path= dev= ino=
 *        | saddr= src= | daddr= dest= | opid= ocomm= | ioctlcmd= ...
 *   1424 domain=<hex> status=allocated mode= pid= uid= exe= comm=
 *        | domain=<hex> status=deallocated denials=<n>
 *   1300 arch= syscall= success= exit= ... ppid= pid= auid= uid= gid= ... ses= comm= exe=
 *   1400/1500-1507 apparmor="DENIED" operation= profile= name= pid= comm= ...
 */
#include "audit/lib/kaudit_group.h"
#include "audit/lib/kaudit_rec.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* seccomp return actions (SECCOMP_RET_ACTION_FULL) as the audit code= field shows them */
#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD  0x00000000u
#define RET_TRAP         0x00030000u
#define RET_ERRNO        0x00050000u
#define RET_USER_NOTIF   0x7fc00000u
#define RET_TRACE        0x7ff00000u
#define RET_LOG          0x7ffc0000u
#define RET_ALLOW        0x7fff0000u

#define AUDIT_UNSET 4294967295ull

bool ka_type_wanted(int t)
{
	return t == AUDIT_SECCOMP || t == AUDIT_LANDLOCK_ACCESS || t == AUDIT_AVC ||
	       (t >= 1500 && t <= 1507);
}

bool ka_type_kept(int t)
{
	return ka_type_wanted(t) || t == AUDIT_SYSCALL || t == AUDIT_LANDLOCK_DOMAIN;
}

struct ctx {
	const struct ka_group *g;
	struct ka_arena ar;
	const struct ka_rec *sys; /* SYSCALL record, if any */
	const struct ka_rec *dom; /* Landlock DOMAIN allocated record, if any */
};

static long id_field(const char *b, size_t n, const char *key)
{
	uint64_t v;
	if (!ka_get_u64(b, n, key, &v) || v >= AUDIT_UNSET)
		return -1;
	return (long)v;
}

static int pid_field(const char *b, size_t n, const char *key)
{
	uint64_t v;
	if (!ka_get_u64(b, n, key, &v) || v == 0 || v > 4194304) /* PID_MAX_LIMIT */
		return 0;
	return (int)v;
}

/* Actor fields from a record that has them (seccomp, SYSCALL, AppArmor). */
static void actor_from(struct ctx *c, const struct ka_rec *r, struct vj_event *ev,
                       struct vj_kaudit_attr *at)
{
	const char *b = r->body;
	size_t n = r->len;
	if (!ev->pid)
		ev->pid = pid_field(b, n, "pid");
	if (!ev->ppid)
		ev->ppid = pid_field(b, n, "ppid");
	if (ev->uid < 0)
		ev->uid = id_field(b, n, "uid");
	if (ev->gid < 0)
		ev->gid = id_field(b, n, "gid");
	if (ev->auid < 0)
		ev->auid = id_field(b, n, "auid");
	if (ev->ses < 0)
		ev->ses = id_field(b, n, "ses");
	if (!ev->comm.ptr)
		ka_get_str(b, n, "comm", &c->ar, &ev->comm);
	if (!ev->exe.ptr)
		ka_get_str(b, n, "exe", &c->ar, &ev->exe);
	at->pid = ev->pid;
	at->ppid = ev->ppid;
	at->uid = ev->uid;
	at->gid = ev->gid;
	at->auid = ev->auid;
	at->ses = ev->ses;
}

/* Syscall number and arch, named through libseccomp (arch tokens are AUDIT_ARCH_*). */
static void syscall_from(struct ctx *c, const struct ka_rec *r, struct vj_event *ev)
{
	uint64_t arch, nr;
	if (ev->syscall >= 0)
		return;
	if (!ka_get_hex(r->body, r->len, "arch", &arch) || arch > UINT32_MAX ||
	    !ka_get_u64(r->body, r->len, "syscall", &nr) || nr > INT32_MAX)
		return;
	ev->arch = (uint32_t)arch;
	ev->syscall = (int)nr;
	char *name = seccomp_syscall_resolve_num_arch((uint32_t)arch, (int)nr);
	if (name) {
		size_t l = strlen(name);
		if (l < 64 && c->ar.cap - c->ar.used > l) {
			char *d = c->ar.buf + c->ar.used;
			memcpy(d, name, l + 1);
			c->ar.used += l + 1;
			ev->syscall_name = d;
		}
		free(name);
	} else if (arch == AUDIT_ARCH_X86_64 && (nr & 0x40000000)) {
		ev->syscall_name = "x32"; /* x32 ABI entry: worth a look on its own */
	}
}

static void time_from(const struct ka_group *g, struct vj_event *ev, struct vj_kaudit_attr *at)
{
	ev->time.tv_sec = (time_t)g->sec;
	ev->time.tv_nsec = (long)g->msec * 1000000L;
	ev->audit_serial = g->serial;
	ev->source = "kernel-audit";
	at->serial = g->serial;
}

static void base(struct ctx *c, struct vj_event *ev, struct vj_kaudit_attr *at)
{
	vj_event_init(ev, VJ_EV_ENFORCEMENT, "deny");
	memset(at, 0, sizeof(*at));
	at->uid = at->gid = at->auid = at->ses = -1;
	time_from(c->g, ev, at);
}

/* The SYSCALL record's exit value, when the call failed. */
static void errno_from_syscall(struct ctx *c, struct vj_event *ev)
{
	int64_t x;
	struct ka_val v;
	if (!c->sys || ev->err)
		return;
	if (ka_field(c->sys->body, c->sys->len, "success", &v) && v.n == 2 &&
	    memcmp(v.p, "no", 2) == 0 && ka_get_i64(c->sys->body, c->sys->len, "exit", &x) &&
	    x < 0 && x >= -4095)
		ev->err = (int)-x;
}

static int map_seccomp(struct ctx *c, const struct ka_rec *r, struct vj_event *ev,
                       struct vj_kaudit_attr *at)
{
	uint64_t code, sig;
	base(c, ev, at);
	if (!ka_get_hex(r->body, r->len, "code", &code) || code > UINT32_MAX)
		return -EBADMSG;
	ev->enforcer = "seccomp";
	actor_from(c, r, ev, at);
	syscall_from(c, r, ev);
	if (c->sys) {
		actor_from(c, c->sys, ev, at);
		syscall_from(c, c->sys, ev);
	}
	if (ka_get_u64(r->body, r->len, "sig", &sig) && sig > 0 && sig < 65)
		ev->signal = (int)sig;
	uint32_t act = (uint32_t)code & 0xffff0000u;
	switch (act) {
	case RET_KILL_PROCESS:
	case RET_KILL_THREAD:
		ev->type = "kill";
		ev->action = "kill";
		break;
	case RET_TRAP:
		ev->action = "trap";
		break;
	case RET_ERRNO:
		/* Linux logs only the action (code=0x50000); keep the data if one day it is there.
		 */
		ev->action = "errno";
		ev->err = (int)(code & 0xffff);
		break;
	case RET_USER_NOTIF:
		ev->type = "log";
		ev->action = "user-notif";
		break;
	case RET_TRACE:
		ev->type = "log";
		ev->action = "trace";
		break;
	case RET_LOG:
		ev->type = "log";
		ev->action = "log";
		break;
	case RET_ALLOW:
		ev->type = "log";
		ev->action = "allow";
		break;
	default:
		ev->type = "log";
		ev->action = "unknown";
	}
	if (!ev->pid)
		return -EBADMSG; /* a seccomp record always names its process */
	return 0;
}

/* Landlock net objects: saddr/src (bind) or daddr/dest (connect). */
static void net_from(struct ctx *c, const struct ka_rec *r, struct vj_event *ev)
{
	struct ka_val v;
	uint64_t port;
	bool bind = ka_field(r->body, r->len, "saddr", &v);
	if (!bind && !ka_field(r->body, r->len, "daddr", &v))
		return;
	const char *addr;
	if (!ka_token(v, &c->ar, &addr))
		return;
	ev->addr = (struct vj_bytes){addr, strlen(addr)};
	ev->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (ka_get_u64(r->body, r->len, bind ? "src" : "dest", &port) && port <= 65535)
		ev->port = (int)port;
}

static int map_landlock(struct ctx *c, const struct ka_rec *r, struct vj_event *ev,
                        struct vj_kaudit_attr *at)
{
	uint64_t dom, ino, ioctl;
	const char *blockers;
	base(c, ev, at);
	if (!ka_get_hex(r->body, r->len, "domain", &dom) || dom == 0 ||
	    !ka_get_tok(r->body, r->len, "blockers", &c->ar, &blockers))
		return -EBADMSG;
	ev->enforcer = "landlock";
	ev->action = "deny";
	ev->hook = blockers;
	ev->landlock_domain = dom;
	at->landlock_domain = dom;
	ka_get_str(r->body, r->len, "path", &c->ar, &ev->path);
	ka_get_str(r->body, r->len, "dev", &c->ar, &ev->dev_name);
	if (ka_get_u64(r->body, r->len, "ino", &ino))
		ev->ino = ino;
	if (ka_get_hex(r->body, r->len, "ioctlcmd", &ioctl)) {
		ev->has_ioctl = true;
		ev->ioctl_request = ioctl;
	}
	net_from(c, r, ev);
	ev->target_pid = pid_field(r->body, r->len, "opid");
	ka_get_str(r->body, r->len, "ocomm", &c->ar, &ev->target_comm);
	if (c->sys) {
		actor_from(c, c->sys, ev, at);
		syscall_from(c, c->sys, ev);
		errno_from_syscall(c, ev);
	}
	if (c->dom) {
		uint64_t ddom;
		if (ka_get_hex(c->dom->body, c->dom->len, "domain", &ddom) && ddom == dom)
			at->domain_pid = pid_field(c->dom->body, c->dom->len, "pid");
	}
	return 0;
}

/* A quoted token field; a hex-encoded one (a name with a space, a quote or
 * a control byte, never one of vmjail's) or a malformed one is NULL. */
static const char *quoted_tok(struct ctx *c, const struct ka_rec *r, const char *key)
{
	struct ka_val v;
	const char *out;
	return ka_field(r->body, r->len, key, &v) && v.quoted && ka_token(v, &c->ar, &out) ? out
	                                                                                   : NULL;
}

/*
 * Whose label confines the actor (the current task)?  Usually profile=, the
 * profile that decided.  But signal and ptrace are checked both ways: the
 * target's profile also decides whether it may *be* signalled or traced
 * (requested_mask receive, readby, tracedby), and that record names the
 * target's profile with the sender's pid; there the actor's label is peer=.
 * A profile of another policy namespace (namespace=, loaded by a container's
 * root) or a stacked subject (label= instead of profile=) names nobody.
 */
static const char *actor_label(struct ctx *c, const struct ka_rec *r, const char *op)
{
	struct ka_val v;
	if (ka_field(r->body, r->len, "namespace", &v))
		return NULL;
	const char *req = quoted_tok(c, r, "requested_mask");
	bool passive = op && req &&
	               ((strcmp(op, "signal") == 0 && strcmp(req, "receive") == 0) ||
	                (strcmp(op, "ptrace") == 0 &&
	                 (strcmp(req, "readby") == 0 || strcmp(req, "tracedby") == 0)));
	return quoted_tok(c, r, passive ? "peer" : "profile");
}

bool vj_kaudit_aa_tenant(const struct vj_kaudit_attr *at, const char *id)
{
	const size_t pl = sizeof(VJ_AA_PREFIX) - 1;
	if (!at || !at->aa_label || !id || !*id)
		return false;
	const char *l = at->aa_label;
	size_t n = strlen(id);
	if (strncmp(l, VJ_AA_PREFIX, pl) != 0 || strncmp(l + pl, id, n) != 0)
		return false;
	/* exactly the tenant's: "vmjail-a-b" is tenant a-b's, not a's */
	return l[pl + n] == '\0' || strncmp(l + pl + n, "//", 2) == 0;
}

static int map_apparmor(struct ctx *c, const struct ka_rec *r, struct vj_event *ev,
                        struct vj_kaudit_attr *at)
{
	const char *verdict, *op = NULL, *profile = NULL, *mask = NULL;
	base(c, ev, at);
	/* Type 1400 is shared with SELinux: only records that say apparmor= are ours. */
	if (!ka_get_tok(r->body, r->len, "apparmor", &c->ar, &verdict))
		return r->type == AUDIT_AVC ? -ENOENT : -EBADMSG;
	ev->enforcer = "apparmor";
	if (strcmp(verdict, "DENIED") == 0) {
		ev->action = "deny";
	} else if (strcmp(verdict, "KILLED") == 0 || strcmp(verdict, "KILL") == 0) {
		ev->action = "kill";
		ev->type = "kill";
	} else {
		ev->action = "log"; /* ALLOWED (complain mode), AUDIT, HINT, STATUS */
		ev->type = "log";
	}
	if (ka_get_tok(r->body, r->len, "operation", &c->ar, &op))
		ev->hook = op;
	/* Profile names can be chosen by whoever loaded them: keep as bytes-safe token. */
	if (ka_get_tok(r->body, r->len, "profile", &c->ar, &profile))
		ev->rule = profile;
	ka_get_str(r->body, r->len, "name", &c->ar, &ev->path);
	if (ka_get_tok(r->body, r->len, "denied_mask", &c->ar, &mask))
		ev->detail = (struct vj_bytes){mask, strlen(mask)};
	ev->target_pid = pid_field(r->body, r->len, "peer_pid");
	at->aa_label = actor_label(c, r, op);
	actor_from(c, r, ev, at);
	if (c->sys) {
		actor_from(c, c->sys, ev, at);
		syscall_from(c, c->sys, ev);
		errno_from_syscall(c, ev);
	}
	return 0;
}

int ka_dispatch(const struct ka_group *g, vj_kaudit_cb cb, void *ctx, uint64_t *malformed,
                uint64_t *lost)
{
	struct ctx c = {.g = g};
	size_t total = 0;
	int out = 0;
	for (int i = 0; i < g->n; i++) {
		const struct ka_rec *r = &g->rec[i];
		total += r->len;
		if (r->type == AUDIT_SYSCALL && !c.sys)
			c.sys = r;
		if (r->type == AUDIT_LANDLOCK_DOMAIN && !c.dom) {
			struct ka_val v;
			if (ka_field(r->body, r->len, "status", &v) && v.n == 9 &&
			    memcmp(v.p, "allocated", 9) == 0)
				c.dom = r;
		}
	}
	/* Decoded strings are never longer than their text, plus NULs and names. */
	c.ar.cap = total + 64 * (size_t)g->n + 256;
	c.ar.buf = malloc(c.ar.cap);
	if (!c.ar.buf) {
		for (int i = 0; i < g->n; i++)
			if (ka_type_wanted(g->rec[i].type))
				(*lost)++;
		return 0;
	}
	for (int i = 0; i < g->n; i++) {
		const struct ka_rec *r = &g->rec[i];
		struct vj_event ev;
		struct vj_kaudit_attr at;
		int rc;
		c.ar.used = 0;
		if (r->type == AUDIT_SECCOMP)
			rc = map_seccomp(&c, r, &ev, &at);
		else if (r->type == AUDIT_LANDLOCK_ACCESS)
			rc = map_landlock(&c, r, &ev, &at);
		else if (r->type == AUDIT_AVC || (r->type >= 1500 && r->type <= 1507))
			rc = map_apparmor(&c, r, &ev, &at);
		else
			continue;
		if (rc == -ENOENT)
			continue;
		if (rc < 0) {
			(*malformed)++;
			(*lost)++; /* a denial, refused: missing from the stream */
			continue;
		}
		cb(ctx, &ev, &at);
		out++;
	}
	free(c.ar.buf);
	return out;
}
