// SPDX-License-Identifier: Apache-2.0
/*
 * seccomp: the policy's syscall filter, compiled (or loaded from the cache)
 * while planning and installed as the very last step before execve, after
 * every other layer, so no setup syscall of ours has to be in the policy.
 *
 * Every refusal is audited.  The kernel writes a SECCOMP audit record for a
 * kill on its own, but for a filter's errno (and trap, user-notif) answer
 * only when that filter was loaded with SECCOMP_FILTER_FLAG_LOG *and* the
 * action is listed in /proc/sys/kernel/seccomp/actions_logged (the
 * administrator's switch, host-wide).  The filter is always loaded with the
 * flag; a policy that can refuse with an action the switch does not list
 * (errno, trap, or even a kill: the kernel logs kills only when listed too)
 * is refused at launch: its refusals would go unaudited (fail closed).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/canary.h"
#include "jailer/launch.h"
#include "jailer/layer.h"

static int sys_seccomp(unsigned op, unsigned flags, void *args)
{
	return (int)syscall(SYS_seccomp, op, flags, args);
}

/* Canary: a filter that makes getppid fail with EPERM must do so. */
static int canary_child(void *unused)
{
	(void)unused;
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = 4, .filter = insns};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return 2;
	long r = syscall(SYS_getppid);
	return r < 0 && errno == EPERM ? 0 : 1;
}

static int canary(void)
{
	return vj_canary_run(canary_child, NULL);
}

static int probe(struct vj_probe *out)
{
	unsigned action = SECCOMP_RET_KILL_PROCESS;
	if (sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		vj_fmt(out->reason, sizeof(out->reason),
		       "seccomp filters with kill-process are not supported");
		return 0;
	}
	if (canary() < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "a seccomp canary filter had no effect");
		return 0;
	}
	out->available = true;
	vj_fmt(out->features, sizeof(out->features),
	       "filter mode, kill-process, user-notif, log; x86_64");
	return 0;
}

#define ACTIONS_LOGGED "/proc/sys/kernel/seccomp/actions_logged"

/* The name actions_logged uses for a refusing action; NULL for an action
 * that lets the call through (allow, log). */
static const char *logged_name(enum vj_act k)
{
	switch (k) {
	case VJ_ACT_KILL_PROCESS:
		return "kill_process";
	case VJ_ACT_KILL_THREAD:
		return "kill_thread";
	case VJ_ACT_TRAP:
		return "trap";
	case VJ_ACT_ERRNO:
		return "errno";
	case VJ_ACT_USER_NOTIF:
		return "user_notif";
	case VJ_ACT_LOG:
	case VJ_ACT_ALLOW:
		break;
	}
	return NULL;
}

/* 1 when the space-separated list holds word, else 0. */
static int listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || strchr(" \t\n", p[-1])) && strchr(" \t\n", p[n]))
			return 1;
	return 0;
}

/* Parent side, before the tenant exists: every refusal the policy can make
 * will be audited, or there is no launch.  Read at every launch, not probed
 * once: the sysctl can change at any time. */
static int prepare(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_seccomp *s = &l->plan->policy->seccomp;
	char buf[256];
	int fd = open(ACTIONS_LOGGED, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0)
		return vj_fail(e, err,
		               "%s cannot be read (%s): whether the policy's refusals would be "
		               "audited is unknown",
		               ACTIONS_LOGGED, strerrorname_np(err));
	buf[n] = 0;
	for (size_t i = 0; i <= s->nrules; i++) {
		const struct vj_action *a = i < s->nrules ? &s->rules[i].action : &s->def;
		const char *name = logged_name(a->kind);
		if (name && !listed(buf, name))
			return vj_fail(e, EPERM,
			               "the policy refuses syscalls with %s but %s does not list "
			               "\"%s\": those refusals would not be audited (add %s there)",
			               name, ACTIONS_LOGGED, name, name);
	}
	return 0;
}

static int apply(struct vj_launch *l, struct vj_err *e)
{
	/* FLAG_LOG: the kernel audits this filter's errno, trap and
	 * user-notif answers too, not only its kills (see the top). */
	return vj_seccomp_install(&l->plan->seccomp, SECCOMP_FILTER_FLAG_LOG, e);
}

static void describe(const struct vj_plan *p, FILE *out)
{
	char buf[64];
	fprintf(out,
	        "seccomp: %zu rule(s), default %s, %zu BPF instructions, installed last, every "
	        "refusal logged (SECCOMP_FILTER_FLAG_LOG)\n",
	        p->policy->seccomp.nrules,
	        vj_action_name(&p->policy->seccomp.def, buf, sizeof(buf)), p->seccomp.len);
}

const struct vj_layer_ops vj_layer_seccomp = {
    .id = VJ_LAYER_SECCOMP,
    .probe = probe,
    .prepare = prepare,
    .apply = apply,
    .describe = describe,
};
