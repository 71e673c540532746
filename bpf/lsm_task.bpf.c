// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * BPF LSM, processes: exec once (kernel side), no identity change, no
 * capability use, no new user namespace, and no signal or ptrace towards a
 * task outside the tenant's cgroup.
 */
#include "bpf/vjbpf_lsm.bpf.h"

/*
 * Exec once.  bprm_check_security runs for every binary handler level of one
 * exec (a #! script and then its interpreter), so the count is taken when an
 * exec commits (bprm_committed_creds), and every exec after the first
 * committed one is refused.  This does not depend on the supervisor answering
 * the seccomp notification (layer exec-once): a second wall.
 */
SEC("lsm/bprm_committed_creds")
int BPF_PROG(vj_lsm_exec_done, struct linux_binprm *bprm)
{
	__u64 tenant = 0, cur = 0;
	const struct vjbpf_rules *r = vj_tenant(&tenant, &cur);
	if (!r || !(r->flags & VJBPF_LSM_ENFORCE))
		return 0;
	struct vjbpf_stats *st = bpf_map_lookup_elem(&vj_stats, &tenant);
	if (st)
		__sync_fetch_and_add(&st->execs, 1);
	return 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(vj_lsm_exec, struct linux_binprm *bprm, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	struct vjbpf_rec *rec = vj_lsm_report(&c, VJBPF_HOOK_LSM_EXEC);
	if (rec) {
		vj_rec_file(rec, BPF_CORE_READ(bprm, file));
		bpf_probe_read_kernel_str(rec->name, sizeof(rec->name),
		                          BPF_CORE_READ(bprm, filename));
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

static __always_inline int vj_id_change(__u32 hook, __s64 id)
{
	struct vj_lsm_ctx c;
	if (!vj_lsm_tenant(&c))
		return 0;
	return vj_lsm_deny(&c, hook, id, NULL);
}

SEC("lsm/task_fix_setuid")
int BPF_PROG(vj_lsm_setuid, struct cred *new, const struct cred *old, int flags, int ret)
{
	if (ret)
		return ret;
	return vj_id_change(VJBPF_HOOK_LSM_SETUID, BPF_CORE_READ(new, euid.val));
}

SEC("lsm/task_fix_setgid")
int BPF_PROG(vj_lsm_setgid, struct cred *new, const struct cred *old, int flags, int ret)
{
	if (ret)
		return ret;
	return vj_id_change(VJBPF_HOOK_LSM_SETGID, BPF_CORE_READ(new, egid.val));
}

SEC("lsm/task_fix_setgroups")
int BPF_PROG(vj_lsm_setgroups, struct cred *new, const struct cred *old, int ret)
{
	if (ret)
		return ret;
	return vj_id_change(VJBPF_HOOK_LSM_SETGROUPS, -1);
}

/*
 * Any capability check that the capability LSM let through (it runs first
 * and stops the chain when the caller lacks the capability) is refused: a
 * jailed VMM needs none.  Checks marked noaudit (probes such as "may I
 * override the rlimit?") are refused but not reported, as the kernel's own
 * audit does.
 */
SEC("lsm/capable")
int BPF_PROG(vj_lsm_capable, const struct cred *cred, struct user_namespace *ns, int cap,
             unsigned int opts, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	if (opts & VJ_CAP_OPT_NOAUDIT)
		return -VJ_EPERM;
	return vj_lsm_deny(&c, VJBPF_HOOK_LSM_CAPABLE, cap, NULL);
}

SEC("lsm/userns_create")
int BPF_PROG(vj_lsm_userns, const struct cred *cred, int ret)
{
	struct vj_lsm_ctx c;
	if (ret || !vj_lsm_tenant(&c))
		return ret ? ret : 0;
	return vj_lsm_deny(&c, VJBPF_HOOK_LSM_USERNS, 0, NULL);
}

static __always_inline int vj_other_task(__u32 hook, struct task_struct *p, __s64 arg)
{
	struct vj_lsm_ctx c;
	if (!vj_lsm_tenant(&c))
		return 0;
	__u64 cg = vj_task_cgid(p);
	if (vj_same_tenant(&c, cg))
		return 0;
	struct vjbpf_rec *rec = vj_lsm_report(&c, hook);
	if (rec) {
		rec->arg = arg;
		rec->obj_pid = BPF_CORE_READ(p, tgid);
		rec->obj_cgid = cg;
		bpf_probe_read_kernel_str(rec->name, sizeof(rec->name), p->comm);
		bpf_ringbuf_submit(rec, 0);
	}
	return -VJ_EPERM;
}

/* Signals from user space (kill, tgkill, sigqueue); the kernel's own
 * signals (SIGCHLD, SIGPIPE) do not pass this hook. */
SEC("lsm/task_kill")
int BPF_PROG(vj_lsm_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
             const struct cred *cred, int ret)
{
	if (ret)
		return ret;
	return vj_other_task(VJBPF_HOOK_LSM_KILL, p, sig);
}

/* ptrace and everything that asks ptrace_may_access: /proc/<pid>/mem,
 * environ, fd/, root, process_vm_readv, pidfd_getfd, kcmp. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(vj_lsm_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	if (ret)
		return ret;
	return vj_other_task(VJBPF_HOOK_LSM_PTRACE, child, mode);
}
