// SPDX-License-Identifier: Apache-2.0
/*
 * The supervisor's side of a launch: carry out the plan up to a running VMM.
 *
 * Each step returns 0 or -errno with the reason in the error context, and
 * records what it made in struct vj_launch so that vj_launch_undo() can
 * remove exactly that, in reverse.  Nothing here re-derives a decision: paths,
 * ids, limits and layers all come from the plan.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "audit/audit.h"
#include "audit/kaudit.h"
#include "jailer/guest_ram.h"
#include "jailer/execonce.h"
#include "jailer/fc_compat.h"
#include "jailer/fc_inplace.h"
#include "jailer/launch.h"
#include "jailer/mounts.h"
#include "jailer/kloss.h"
#include "jailer/paths.h"
#include "jailer/reaper.h"
#include "jailer/rmtree.h"
#include "jailer/state.h"
#include "jailer/supcg.h"
#include "jailer/tenantfs.h"
#include "jailer/uidcheck.h"
#include "jailer/suspend.h"

void vj_launch_init(struct vj_launch *l, struct vj_plan *p)
{
	memset(l, 0, sizeof(*l));
	l->plan = p;
	l->base_fd = l->vmmdir_fd = l->jail_fd = l->root_fd = l->lock_fd = -1;
	l->cg_leaf_fd = l->netns_fd = l->pidfd = l->notif_fd = l->restore_fd = -1;
	l->reaper_fd = -1;
	l->go_pipe[0] = l->go_pipe[1] = l->err_pipe[0] = l->err_pipe[1] = -1;
	l->notif_sock[0] = l->notif_sock[1] = -1;
	l->pid = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A directory vmjail trusts must not be writable by anyone but root. */
static int check_private_dir(int fd, const char *what, struct vj_err *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vj_failx(e, errno, "stat %s", what);
	if (st.st_uid != 0 || (st.st_mode & 022))
		return vj_fail(e, EPERM,
		               "%s must be owned by root and not writable by group or others "
		               "(uid %u, mode %04o)",
		               what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

/*
 * --restore: the suspended jail's dir stays (it holds the saved state and the
 * state record); its old root is replaced by a fresh one, built exactly as a
 * first launch builds it.  If the launch fails, the jail stays suspended.
 */
static int step_reopen_jail(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	l->jail_fd = vj_open_beneath(l->vmmdir_fd, p->cli->id, O_PATH | O_DIRECTORY, 0);
	if (l->jail_fd < 0)
		return vj_failx(e, l->jail_fd, "opening suspended jail %s", p->jail_dir);
	l->lock_fd = vj_state_lock(l->jail_fd, false);
	if (l->lock_fd < 0)
		return vj_failx(e, l->lock_fd, "locking %s", p->jail_dir);
	int sfd = vj_open_beneath(l->jail_fd, VJ_SUSPEND_FILE, O_RDONLY, 0);
	struct stat st;
	if (sfd < 0 || fstat(sfd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != p->uid ||
	    st.st_nlink != 1) {
		if (sfd >= 0)
			close(sfd);
		return vj_fail(e, EPERM, "the saved state is not the tenant's regular file");
	}
	/* A high, fixed-range number: clear of everything we open until exec. */
	l->restore_fd = fcntl(sfd, F_DUPFD_CLOEXEC, 1000);
	close(sfd);
	if (l->restore_fd < 0)
		return vj_failx(e, errno, "dup of the saved state");
	int rc = vj_remove_tree(l->jail_fd, "root", e);
	if (rc < 0)
		return rc;
	l->root_fd = vj_mkdirs_beneath(l->jail_fd, "root", 0750, 0, p->gid, true, e);
	return l->root_fd < 0 ? l->root_fd : 0;
}

static int step_jail_dir(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "jail dir");
	int rootfs = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfs < 0)
		return vj_failx(e, errno, "open /");
	l->base_fd = vj_mkdirs_beneath(rootfs, p->base_dir + 1, 0755, 0, 0, false, e);
	close(rootfs);
	if (l->base_fd < 0)
		return l->base_fd;
	int rc = check_private_dir(l->base_fd, p->base_dir, e);
	if (rc < 0)
		return rc;
	l->vmmdir_fd = vj_mkdirs_beneath(l->base_fd, p->exec_base, 0700, 0, 0, false, e);
	if (l->vmmdir_fd < 0)
		return l->vmmdir_fd;
	if ((rc = check_private_dir(l->vmmdir_fd, "the VMM's jail dir", e)) < 0)
		return rc;
	struct vj_err quiet = {0};
	if (p->restore)
		return step_reopen_jail(l, e);
	l->jail_fd = vj_mkdirs_beneath(l->vmmdir_fd, p->cli->id, 0700, 0, 0, true, &quiet);
	if (l->jail_fd < 0) {
		if (l->jail_fd == -EEXIST)
			return vj_fail(
			    e, EEXIST,
			    "jail %s already exists (%s): it is running or was not cleaned "
			    "up; see vmjail --cleanup",
			    p->cli->id, p->jail_dir);
		return vj_fail(e, -l->jail_fd, "%s", quiet.msg);
	}
	l->jail_created = true;
	l->lock_fd = vj_state_lock(l->jail_fd, true);
	if (l->lock_fd < 0)
		return vj_failx(e, l->lock_fd, "locking %s", p->jail_dir);
	/* root:<tenant gid> 0750: the tenant may look in, never write */
	l->root_fd = vj_mkdirs_beneath(l->jail_fd, "root", 0750, 0, p->gid, true, e);
	return l->root_fd < 0 ? l->root_fd : 0;
}

static int step_copy_exec(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "exec copy");
	int src = open(p->exec_host, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return vj_failx(e, errno, "open %s", p->exec_host);
	struct stat st;
	if (fstat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(src);
		return vj_fail(e, EINVAL, "%s is not a regular file", p->exec_host);
	}
	/* A private copy: no text pages shared between tenants, and nothing
	 * the tenant can write through /proc/self/exe (CVE-2019-5736). */
	int dst = vj_open_beneath(l->root_fd, p->exec_base, O_WRONLY | O_CREAT | O_EXCL, 0700);
	if (dst < 0) {
		close(src);
		return vj_failx(e, dst, "creating %s in the jail", p->exec_jail);
	}
	int rc = 0;
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL, (size_t)left, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
			char buf[65536];
			n = read(src, buf, sizeof(buf));
			if (n > 0 && write(dst, buf, (size_t)n) != n)
				n = -1;
		}
		if (n <= 0) {
			rc = vj_failx(e, n < 0 ? errno : EIO, "copying %s", p->exec_host);
			break;
		}
		left -= n;
	}
	/* No fsync: the copy is executed in this boot or not at all (a crash
	 * ends the tenant, and cleanup removes the jail). */
	if (!rc && (fchown(dst, 0, 0) < 0 || fchmod(dst, 0755) < 0))
		rc = vj_failx(e, errno, "finishing the exec copy");
	close(src);
	close(dst);
	return rc;
}

static int step_jail_fs(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "jail files");
	int rc0 = vj_mounts_detach_sources(l->plan, e);
	if (rc0 < 0)
		return rc0;
	int fd = vj_mkdirs_beneath(l->root_fd, "dev", 0750, 0, p->gid, true, e);
	if (fd < 0)
		return fd;
	close(fd);
	for (int d = 0; d < VJ_DEV__COUNT; d++) {
		if (!(p->devices & (1u << d)))
			continue;
		const struct vj_devinfo *di = vj_dev_info((enum vj_dev)d);
		int rc = vj_mknod_beneath(l->root_fd, di->path + 1, di->major, di->minor, 0600,
		                          p->uid, p->gid, e);
		if (rc < 0)
			return rc;
	}
	/* Tenant dirs first, outer before inner: a bind target or another
	 * tenant dir inside one must be made on its tmpfs, not hidden under it. */
	for (int depth = 1; depth < PATH_MAX / 2; depth++) {
		bool deeper = false;
		for (size_t i = 0; i < p->nmounts; i++) {
			const struct vj_mount *m = &p->mounts[i];
			if (m->kind != VJ_MNT_DIR_SELF)
				continue;
			int d = 0;
			for (const char *c = m->dst; *c; c++)
				d += *c == '/';
			deeper |= d > depth;
			if (d != depth)
				continue;
			int rc = vj_tenantfs_mount(l->root_fd, m, p->uid, p->gid, e);
			if (rc < 0)
				return rc;
		}
		if (!deeper)
			break;
	}
	for (size_t i = 0; i < p->nmounts; i++) {
		const struct vj_mount *m = &p->mounts[i];
		int rc;
		if (m->kind == VJ_MNT_DIR_SELF) {
			continue;
		} else if (m->is_dir) {
			rc = vj_mkdirs_beneath(l->root_fd, m->dst + 1, 0755, 0, 0, false, e);
			if (rc >= 0) {
				close(rc);
				rc = 0;
			}
		} else {
			rc = vj_mkfile_beneath(l->root_fd, m->dst + 1, 0444, e);
		}
		if (rc < 0)
			return rc;
	}
	static const char *const pseudo[] = {"proc", "sys"};
	for (int i = 0; i < 2; i++) {
		if (!(i == 0 ? p->mount_proc : p->mount_sys))
			continue;
		int dfd = vj_mkdirs_beneath(l->root_fd, pseudo[i], 0555, 0, 0, true, e);
		if (dfd < 0)
			return dfd;
		close(dfd);
	}
	return 0;
}

static int step_cgroups(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	int rc = vj_cg_create(&p->cg, e);
	if (rc < 0)
		return rc;
	l->cg_created = true;
	/* before any tenant task exists: from then on the supervisor's death
	 * takes every one of them along (in place, the supervisor is forked
	 * later and starts its own: fc_inplace.c) */
	rc = p->fc_inplace ? 0 : vj_reaper_start(l, e);
	if (rc < 0)
		return rc;
	if (p->cg.v2_dir >= 0) {
		l->cg_leaf_fd = vj_cg_open_v2_leaf(&p->cg, e);
		if (l->cg_leaf_fd < 0)
			return l->cg_leaf_fd;
		l->cgid = vj_cg_v2_id(&p->cg);
		if (l->audit)
			vj_audit_set_cgroup_id(l->audit, l->cgid);
	}
	return 0;
}

static int step_layers(struct vj_launch *l, struct vj_err *e)
{
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_ops *ops = vj_layers[i];
		if (!ops || !ops->prepare || !l->plan->layer[ops->id].apply)
			continue;
		vj_err_step(e, vj_layer_name(ops->id));
		int rc = ops->prepare(l, e);
		if (rc < 0)
			return rc;
		l->layer_prepared[ops->id] = true;
	}
	return 0;
}

int vj_launch_save_state(struct vj_launch *l, const char *status, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	struct vj_state s;
	memset(&s, 0, sizeof(s));
	vj_fmt(s.id, sizeof(s.id), "%s", p->cli->id);
	vj_fmt(s.vmm, sizeof(s.vmm), "%s", p->exec_base);
	vj_fmt(s.base_dir, sizeof(s.base_dir), "%s", p->base_dir);
	vj_fmt(s.status, sizeof(s.status), "%s", status);
	s.supervisor = getpid();
	s.vmm_pid = l->pid > 0 ? l->pid : 0;
	s.uid = p->uid;
	s.gid = p->gid;
	s.created = l->started.tv_sec;
	s.ttl_deadline = p->ttl_sec ? l->started.tv_sec + p->ttl_sec : 0;
	s.cgid = l->cgid;
	s.pidns = p->pidns;
	vj_fmt(s.policy_source, sizeof(s.policy_source), "%s",
	       p->cli->policy ? p->cli->policy : "");
	vj_fmt(s.policy_hash, sizeof(s.policy_hash), "%s", p->policy_hash);
	vj_fmt(s.audit_log, sizeof(s.audit_log), "%s", p->cli->audit_log ? p->cli->audit_log : "");
	s.audit_format = p->cli->audit_format;
	vj_fmt(s.qmp, sizeof(s.qmp), "%s", p->qmp_jail);
	s.cg = p->cg;
	for (int i = 1; p->vmm_argv[i] && s.nargs < VJ_MAX_SAVED_ARGS; i++)
		s.args[s.nargs++] = p->vmm_argv[i];
	int rc = vj_state_write(l->jail_fd, &s, e);
	s.nargs = 0; /* borrowed */
	return rc;
}

static int step_clone(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "clone");
	if (pipe2(l->go_pipe, O_CLOEXEC) < 0 || pipe2(l->err_pipe, O_CLOEXEC) < 0)
		return vj_failx(e, errno, "pipe");
	if (p->layer[VJ_LAYER_EXEC_ONCE].apply &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, l->notif_sock) < 0)
		return vj_failx(e, errno, "socketpair");
	if (p->netns) {
		l->netns_fd = open(p->netns, O_RDONLY | O_CLOEXEC);
		if (l->netns_fd < 0)
			return vj_failx(e, errno, "--netns %s", p->netns);
	}
	if (p->fc_inplace) {
		/* the tenant goes on in this process; we return in the forked
		 * supervisor, which keeps only its own ends, as after clone */
		int rc = vj_fc_inplace_fork(l, e);
		close_fd(&l->go_pipe[0]);
		close_fd(&l->err_pipe[1]);
		close_fd(&l->notif_sock[1]);
		close_fd(&l->netns_fd);
		return rc;
	}
	struct clone_args ca;
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_PIDFD;
	if (!p->netns)
		ca.flags |= CLONE_NEWNET; /* a new, empty network namespace */
	if (p->pidns)
		ca.flags |= CLONE_NEWPID;
	if (l->cg_leaf_fd >= 0) {
		/* born inside its cgroup2 leaf: never a moment outside it */
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)l->cg_leaf_fd;
	}
	ca.pidfd = (uint64_t)(uintptr_t)&l->pidfd;
	ca.exit_signal = SIGCHLD;
	l->supervisor_pid = getpid();
	fflush(NULL);
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return vj_failx(e, errno, "clone3");
	if (pid == 0)
		vj_child_main(l);
	l->pid = (pid_t)pid;
	close_fd(&l->go_pipe[0]);
	close_fd(&l->err_pipe[1]);
	close_fd(&l->notif_sock[1]);
	close_fd(&l->netns_fd);
	return 0;
}

/* The tenant's user namespace: its own uid and gid, mapped to themselves. */
static int write_userns_maps(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "userns");
	char path[64], buf[64];
	const struct {
		const char *file;
		unsigned id;
	} maps[] = {{"setgroups", 0}, {"gid_map", (unsigned)p->gid}, {"uid_map", (unsigned)p->uid}};
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		vj_fmt(path, sizeof(path), "/proc/%d/%s", (int)l->pid, maps[i].file);
		int n = i == 0 ? snprintf(buf, sizeof(buf), "deny")
		               : snprintf(buf, sizeof(buf), "%u %u 1\n", maps[i].id, maps[i].id);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t)n) != n) {
			int err = errno;
			if (fd >= 0)
				close(fd);
			return vj_failx(e, err, "writing %s", path);
		}
		close(fd);
	}
	if (write(l->go_pipe[1], "G", 1) != 1)
		return vj_failx(e, errno, "releasing the tenant process");
	close_fd(&l->go_pipe[1]);
	return 0;
}

static int read_report(struct vj_launch *l, struct vj_err *e)
{
	struct vj_child_report r;
	ssize_t n;
	do
		n = read(l->err_pipe[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1; /* EOF: the write end closed at exec */
	if (n != (ssize_t)sizeof(r))
		return vj_fail(e, EPROTO, "the tenant process died during setup");
	r.step[sizeof(r.step) - 1] = '\0';
	r.msg[sizeof(r.msg) - 1] = '\0';
	if (r.err == 0 && strcmp(r.step, VJ_REPORT_USERNS) == 0 && l->plan->userns)
		return write_userns_maps(l, e) < 0 ? -EPROTO : 2;
	e->step = NULL;
	vj_fail(e, r.err, "%s", r.msg);
	/* keep the tenant's step name (static storage for the error context) */
	static char step[sizeof(r.step)];
	memcpy(step, r.step, sizeof(step));
	e->step = step;
	return -r.err;
}

/* Wait for the tenant to reach its exec: answer the exec-once notification
 * and see the error pipe close, or collect the failure it reports. */
static int step_until_exec(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	vj_err_step(e, "exec");
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 30;
	for (;;) {
		/* Once the one exec went through, only the error pipe matters: it
		 * reads EOF at exec (or a report if exec failed). */
		struct pollfd fds[3] = {{.fd = l->err_pipe[0], .events = POLLIN},
		                        {.fd = l->notif_sock[0], .events = POLLIN},
		                        {.fd = l->vmm_execd ? -1 : l->notif_fd, .events = POLLIN}};
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int ms = (int)((deadline.tv_sec - now.tv_sec) * 1000 +
		               (deadline.tv_nsec - now.tv_nsec) / 1000000);
		if (ms <= 0)
			return vj_fail(e, ETIMEDOUT, "the tenant did not reach exec within 30 s");
		int n = poll(fds, 3, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vj_failx(e, errno, "poll");
		if (fds[1].revents) {
			l->notif_fd = vj_recv_fd(l->notif_sock[0]);
			close_fd(&l->notif_sock[0]);
			if (l->notif_fd < 0) {
				/* The tenant failed right before handing it over. */
				int rc = read_report(l, e);
				return rc < 0 ? rc : vj_fail(e, EPROTO, "no exec-once listener");
			}
			continue;
		}
		if (fds[2].revents & POLLIN) {
			struct vj_exec_attempt att;
			int rc = vj_exec_once_handle(l, &att);
			if (rc < 0)
				return vj_failx(e, rc, "answering the VMM's exec");
			continue;
		}
		if (fds[0].revents) {
			int rc = read_report(l, e);
			if (rc < 0)
				return rc;
			if (rc == 2)
				continue; /* the user namespace request, answered */
			if (p->layer[VJ_LAYER_EXEC_ONCE].apply && !l->vmm_execd)
				return vj_fail(e, EPROTO,
				               "the tenant exec'd without asking exec-once");
			return 0;
		}
	}
}

/* The kernel audit channel is opened before the tenant exists so that not
 * even its first denial is missed.  Losing it costs records, not safety:
 * the launch goes on and says so. */
static void open_audit_source(struct vj_launch *l)
{
	struct vj_err e = {0};
	if (vj_kaudit_open(&l->kaudit, vj_supervisor_kaudit_cb, l, &e) < 0) {
		fprintf(stderr, "vmjail: %s: kernel audit records unavailable: %s\n",
		        l->plan->cli->id, e.msg);
		l->kaudit = NULL;
	}
	vj_kloss_start(l);
}

/* The audit session the tenant got from its own loginuid write (child.c). */
static void read_audit_session(struct vj_launch *l)
{
	char path[64], buf[32];
	vj_fmt(path, sizeof(path), "/proc/%d/sessionid", (int)l->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	unsigned long v = strtoul(buf, NULL, 10);
	if (v && v != 4294967295UL)
		l->audit_ses = (unsigned)v;
}

int vj_launch_start(struct vj_launch *l, struct vj_err *e)
{
	clock_gettime(CLOCK_REALTIME, &l->started);
	int rc = vj_supcg_enter(l, e);
	if (!rc)
		rc = step_jail_dir(l, e);
	if (!rc && l->plan->cli->guest_ram)
		rc = vj_guest_ram_prepare(l->plan, l->jail_fd, e);
	if (!rc)
		rc = step_copy_exec(l, e);
	if (!rc)
		rc = step_jail_fs(l, e);
	if (!rc)
		rc = step_cgroups(l, e);
	if (!rc)
		rc = step_layers(l, e);
	if (!rc) {
		vj_err_step(e, "state");
		rc = vj_launch_save_state(l, "starting", e);
	}
	if (!rc)
		open_audit_source(l);
	if (!rc && !l->plan->pidns)
		rc = vj_uid_check_unused(l->plan->uid, e);
	if (!rc)
		rc = step_clone(l, e);
	if (!rc) /* the tenant process has its copies; the supervisor keeps none */
		vj_mounts_close_sources(l->plan);
	if (!rc)
		rc = vj_fc_compat_pidfile(l, e);
	if (!rc) {
		vj_err_step(e, "cgroup");
		rc = vj_cg_attach_v1(&l->plan->cg, l->pid, e);
		if (!rc && l->inplace)
			rc = vj_fc_inplace_attach_v2(l, e);
	}
	if (!rc) {
		vj_err_step(e, "release");
		if (write(l->go_pipe[1], "G", 1) != 1)
			rc = vj_failx(e, errno, "releasing the tenant process");
		else
			l->released = true;
		if (!l->plan->userns) /* else it waits once more, for its maps */
			close_fd(&l->go_pipe[1]);
	}
	if (!rc)
		rc = step_until_exec(l, e);
	if (!rc && l->plan->restore && l->plan->cli->guest_ram)
		rc = vj_restore_mapped(l->root_fd, l->plan->qmp_jail, l->plan->uid, l->restore_fd,
		                       e);
	if (!rc && l->plan->restore) {
		l->restored = true;
		l->jail_created = true; /* from now on it ends like any jail */
		close_fd(&l->restore_fd);
	}
	if (!rc) {
		struct vj_err quiet = {0};
		read_audit_session(l);
		vj_launch_save_state(l, "running", &quiet);
	}
	if (rc)
		vj_launch_undo(l);
	return rc;
}

int vj_launch_remove_jail(struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	close_fd(&l->root_fd);
	close_fd(&l->jail_fd);
	if (l->vmmdir_fd < 0 || !l->jail_created)
		return 0;
	int rc = vj_remove_tree(l->vmmdir_fd, p->cli->id, e);
	if (rc < 0)
		return rc; /* left for vmjail --cleanup, and said so */
	/* the per-VMM dir goes too once no other jail uses it */
	if (l->base_fd >= 0)
		unlinkat(l->base_fd, p->exec_base, AT_REMOVEDIR);
	l->jail_created = false;
	return 0;
}

void vj_launch_undo(struct vj_launch *l)
{
	const struct vj_plan *p = l->plan;
	struct vj_err scratch = {0};
	if (l->pid > 0 && l->inplace) {
		vj_fc_inplace_stop(l); /* not our child: no waitpid */
		l->pid = -1;
	} else if (l->pid > 0) {
		if (l->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, l->pidfd, SIGKILL, NULL, 0);
		else
			kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->pid = -1;
	}
	if (l->cg_created)
		vj_cg_kill_all(&p->cg, &scratch);
	vj_reaper_stop(l);
	for (int i = VJ_LAYER__COUNT - 1; i >= 0; i--) {
		const struct vj_layer_ops *ops = vj_layers[i];
		if (ops && ops->release && l->layer_prepared[ops->id]) {
			ops->release(l);
			l->layer_prepared[ops->id] = false;
		}
	}
	close_fd(&l->cg_leaf_fd);
	if (l->cg_created) {
		vj_cg_remove(&p->cg, &scratch);
		l->cg_created = false;
	}
	if (p->restore && !l->jail_created && l->jail_fd >= 0 && l->lock_fd >= 0 && !l->restored) {
		/* the saved state is still there: the jail stays restorable */
		vj_launch_save_state(l, "suspended", &scratch);
	}
	vj_launch_remove_jail(l, &scratch);
	close_fd(&l->lock_fd);
	close_fd(&l->vmmdir_fd);
	close_fd(&l->base_fd);
	close_fd(&l->go_pipe[0]);
	close_fd(&l->go_pipe[1]);
	close_fd(&l->err_pipe[0]);
	close_fd(&l->err_pipe[1]);
	close_fd(&l->notif_sock[0]);
	close_fd(&l->notif_sock[1]);
	close_fd(&l->notif_fd);
	close_fd(&l->pidfd);
	close_fd(&l->netns_fd);
	if (l->kaudit) {
		vj_kaudit_close(l->kaudit);
		l->kaudit = NULL;
	}
	close_fd(&l->restore_fd);
	vj_supcg_leave(l); /* after the reaper: the dir is empty now */
}
