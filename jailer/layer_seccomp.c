// SPDX-License-Identifier: Apache-2.0
/*
 * seccomp: the policy's syscall filter, compiled (or loaded from the cache)
 * while planning and installed as the very last step before execve, after
 * every other layer, so no setup syscall of ours has to be in the policy.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
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

static int apply(struct vj_launch *l, struct vj_err *e)
{
	return vj_seccomp_install(&l->plan->seccomp, 0, e);
}

static void describe(const struct vj_plan *p, FILE *out)
{
	char buf[64];
	fprintf(out, "seccomp: %zu rule(s), default %s, %zu BPF instructions, installed last\n",
	        p->policy->seccomp.nrules,
	        vj_action_name(&p->policy->seccomp.def, buf, sizeof(buf)), p->seccomp.len);
}

const struct vj_layer_ops vj_layer_seccomp = {
    .id = VJ_LAYER_SECCOMP,
    .probe = probe,
    .apply = apply,
    .describe = describe,
};
