// SPDX-License-Identifier: Apache-2.0
#include "jailer/plan.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "jailer/guest_ram.h"
#include "jailer/fc_compat.h"
#include "jailer/paths.h"
#include "jailer/policy_pick.h"
#include "jailer/state.h"
#include "jailer/suspend.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

int vj_policy_for_cli(const struct vj_cli *cli, struct vj_policy **out, char *source, size_t srclen,
                      struct vj_err *e)
{
	vj_err_step(e, "policy");
	struct vj_diag diag = {0};
	int rc;
	const char *pick = cli->policy
	                       ? NULL
	                       : vj_policy_pick(cli->exec_file ? cli->exec_file : "", cli->vmm_argv,
	                                        (size_t)(cli->vmm_argc > 0 ? cli->vmm_argc : 0));
	if (pick) {
		/* A recognised VMM gets its own policy; missing it is an error, not
		 * a silent fall back to the looser default. */
		rc = vj_policy_locate(pick, source, srclen, e);
		if (rc)
			return rc;
		rc = vj_policy_load_file(source, out, &diag);
	} else if (cli->policy && strcmp(cli->policy, "@default") != 0) {
		vj_fmt(source, srclen, "%s", cli->policy);
		rc = vj_policy_load_file(cli->policy, out, &diag);
	} else {
		vj_fmt(source, srclen, "(built-in default)");
		rc = vj_policy_load_buffer("default.policy", vj_default_policy_text,
		                           vj_default_policy_len, NULL, out, &diag);
	}
	if (rc < 0) {
		vj_diag_print(&diag, stderr);
		const struct vj_diag_entry *first = NULL;
		for (size_t i = 0; i < diag.n && !first; i++)
			if (diag.v[i].sev == VJ_SEV_ERROR)
				first = &diag.v[i];
		if (first)
			vj_fail(e, EINVAL, "%s:%u:%u: %s", first->file, first->line, first->col,
			        first->msg);
		else
			vj_failx(e, rc, "loading policy %s", source);
	}
	vj_diag_free(&diag);
	return rc;
}

static int add_mount_fd(struct vj_plan *p, enum vj_mount_kind kind, const char *src, int src_fd,
                        const char *dst, bool is_dir, struct vj_err *e)
{
	for (size_t i = 0; i < p->nmounts; i++)
		if (strcmp(p->mounts[i].dst, dst) == 0) {
			if (kind == p->mounts[i].kind &&
			    strcmp(p->mounts[i].src, src ? src : "") == 0) {
				if (src_fd >= 0)
					close(src_fd);
				return 0; /* the same library reached twice */
			}
			return vj_fail(e, EINVAL, "two mounts at %s in the jail", dst);
		}
	if (strcmp(dst, "/") == 0 || strcmp(dst, p->exec_jail) == 0 ||
	    strncmp(dst, "/dev/", 5) == 0 || strcmp(dst, "/dev") == 0 ||
	    strcmp(dst, "/proc") == 0 || strcmp(dst, "/sys") == 0)
		return vj_fail(e, EINVAL, "%s cannot be a mount target in the jail", dst);
	struct vj_mount *m = realloc(p->mounts, (p->nmounts + 1) * sizeof(*m));
	if (!m)
		return vj_fail(e, ENOMEM, "out of memory");
	p->mounts = m;
	m = &p->mounts[p->nmounts++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	vj_fmt(m->src, sizeof(m->src), "%s", src ? src : "");
	m->src_fd = src_fd;
	vj_fmt(m->dst, sizeof(m->dst), "%s", dst);
	m->is_dir = is_dir;
	return 0;
}

/* src_fd (an O_PATH fd of src, or -1) is the plan's from here on, even on
 * failure. */
static int add_mount(struct vj_plan *p, enum vj_mount_kind kind, const char *src, int src_fd,
                     const char *dst, bool is_dir, struct vj_err *e)
{
	int rc = add_mount_fd(p, kind, src, src_fd, dst, is_dir, e);
	if (rc < 0 && src_fd >= 0)
		close(src_fd);
	return rc;
}

/*
 * A host file or dir to bind: walked without following any symlink and
 * checked (see vj_open_host_source); the fd is what gets bound.  A tenant's
 * own file may be bound; root's files only from root's tree.
 */
static int add_host_bind(struct vj_plan *p, enum vj_mount_kind kind, const char *src,
                         const char *dst, bool tenant_ok, bool allow_sock, bool optional,
                         struct vj_err *e)
{
	const struct vj_src_rule rule = {
	    .tenant_ok = tenant_ok,
	    .tenant = p->uid,
	    .allow_sock = allow_sock,
	    .root_only_writable = !tenant_ok,
	};
	struct stat st;
	int fd = vj_open_host_source(src, &rule, &st, e);
	if (fd == -ENOENT && optional) {
		e->err = 0;
		e->msg[0] = '\0';
		return 0;
	}
	if (fd < 0)
		return fd;
	return add_mount(p, kind, src, fd, dst, S_ISDIR(st.st_mode), e);
}

static int plan_exec(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "exec file");
	if (!realpath(cli->exec_file, p->exec_host))
		return errno == ENOENT
		           ? vj_fail(e, ENOENT, "exec file %s does not exist", cli->exec_file)
		           : vj_failx(e, errno, "exec file %s", cli->exec_file);
	struct stat st;
	if (stat(p->exec_host, &st) < 0)
		return vj_failx(e, errno, "exec file %s", p->exec_host);
	if (!S_ISREG(st.st_mode))
		return vj_fail(e, EINVAL, "exec file %s is not a regular file", cli->exec_file);
	if (!(st.st_mode & 0111))
		return vj_fail(e, EACCES, "exec file %s is not executable", cli->exec_file);
	char tmp[PATH_MAX];
	vj_fmt(tmp, sizeof(tmp), "%s", p->exec_host);
	const char *base = basename(tmp);
	if (!vj_name_ok(base) || strlen(base) > 64)
		return vj_fail(e, EINVAL, "exec file name '%s' cannot name a jail", base);
	vj_fmt(p->exec_base, sizeof(p->exec_base), "%s", base);
	vj_fmt(p->exec_jail, sizeof(p->exec_jail), "/%s", base);
	return 0;
}

static int plan_paths(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "paths");
	if (vj_path_normalize(cli->base_dir, p->base_dir, sizeof(p->base_dir)) < 0)
		return vj_fail(e, EINVAL, "--chroot-base-dir '%s' is not a clean absolute path",
		               cli->base_dir);
	if (strcmp(p->base_dir, "/") == 0)
		return vj_fail(e, EINVAL, "--chroot-base-dir cannot be /");
	if ((size_t)snprintf(p->jail_dir, sizeof(p->jail_dir), "%s/%s/%s", p->base_dir,
	                     p->exec_base, cli->id) >= sizeof(p->jail_dir) - 8)
		return vj_fail(e, ENAMETOOLONG, "jail path too long");
	vj_fmt(p->root_dir, sizeof(p->root_dir), "%s/root", p->jail_dir);
	p->uid = cli->uid;
	p->gid = cli->gid;
	return 0;
}

static int plan_files(struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "libraries");
	int rc = vj_elfdeps_resolve(p->exec_host, &p->deps, e);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < p->deps.n; i++) {
		rc = add_host_bind(p, VJ_MNT_BIND_RO, p->deps.v[i].host, p->deps.v[i].jail, false,
		                   false, false, e);
		if (rc < 0)
			return rc;
	}
	if (p->deps.need_ldcache &&
	    (rc = add_host_bind(p, VJ_MNT_BIND_RO, "/etc/ld.so.cache", "/etc/ld.so.cache", false,
	                        false, false, e)))
		return rc;

	vj_err_step(e, "binds");
	const struct vj_policy *pol = p->policy;
	/* Policy binds (root's files: firmware, modules) and --bind (the
	 * tenant's own files: kernel, initramfs, disk images) are walked with no
	 * symlink followed at any component, checked for ownership and bound
	 * from the fd that was checked: a source that is or becomes a symlink
	 * (a tenant swapping its dir with renameat2 RENAME_EXCHANGE) is refused. */
	for (size_t i = 0; i < pol->nbinds; i++) {
		const struct vj_bind *b = &pol->binds[i];
		char src[PATH_MAX];
		if (vj_path_normalize(b->src, src, sizeof(src)) < 0)
			return vj_fail(e, EINVAL,
			               "%s:%u: bind source %s is not a clean absolute path",
			               b->loc.file, b->loc.line, b->src);
		rc = add_host_bind(p, b->writable ? VJ_MNT_BIND_RW : VJ_MNT_BIND_RO, src, b->dst,
		                   true, true, b->optional, e);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < p->cli->nbinds; i++) {
		const struct vj_bind_arg *b = &p->cli->binds[i];
		char src[PATH_MAX], dst[PATH_MAX], abs[PATH_MAX * 2];
		if (b->src[0] != '/') {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof(cwd)))
				return vj_failx(e, errno, "getcwd");
			snprintf(abs, sizeof(abs), "%s/%s", cwd, b->src);
		} else {
			snprintf(abs, sizeof(abs), "%s", b->src);
		}
		if (vj_path_normalize(abs, src, sizeof(src)) < 0)
			return vj_fail(e, EINVAL, "--bind source %s is not a clean path", b->src);
		if (vj_path_normalize(b->dst, dst, sizeof(dst)) < 0)
			return vj_fail(e, EINVAL, "--bind destination %s is not a clean path",
			               b->dst);
		rc = add_host_bind(p, b->rw ? VJ_MNT_BIND_RW : VJ_MNT_BIND_RO, src, dst, true,
		                   false, false, e);
		if (rc < 0)
			return rc;
	}
	/* --guest-ram: made by the launch in the jail dir (guest_ram.h), so it
	 * is vmjail's own file, never a path the operator or tenant named */
	if (p->cli->guest_ram) {
		char src[PATH_MAX];
		if (vj_fmt(src, sizeof(src), "%s/%s", p->jail_dir, VJ_GUEST_RAM_FILE) < 0)
			return vj_fail(e, ENAMETOOLONG, "jail dir too long for %s",
			               VJ_GUEST_RAM_FILE);
		/* no fd yet: the launch creates the file and hands it over
		 * (vj_guest_ram_prepare) before any source is detached */
		rc = add_mount(p, VJ_MNT_BIND_RW, src, -1, VJ_GUEST_RAM_JAIL, false, e);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < pol->ndirs; i++) {
		rc = add_mount(p, VJ_MNT_DIR_SELF, NULL, -1, pol->dirs[i].path, true, e);
		if (rc < 0)
			return rc;
		p->mounts[p->nmounts - 1].size = pol->dirs[i].size;
		p->mounts[p->nmounts - 1].inodes = pol->dirs[i].inodes;
	}
	p->devices = pol->devices;
	p->mount_proc = pol->mount_proc;
	p->mount_sys = pol->mount_sys;
	return 0;
}

static int plan_namespaces(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "namespaces");
	p->pidns = cli->new_pid_ns || p->policy->pidns;
	p->userns = p->policy->userns;
	if (cli->netns) {
		int fd = open(cli->netns, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return vj_failx(e, errno, "--netns %s", cli->netns);
		struct statfs sf;
		int ok = fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC;
		close(fd);
		if (!ok)
			return vj_fail(e, EINVAL, "--netns %s is not a network namespace file",
			               cli->netns);
		p->netns = cli->netns;
	}
	return 0;
}

static void plan_rlimits(const struct vj_cli *cli, struct vj_plan *p)
{
	/* Firecracker's default, then the policy, then the command line. */
	p->rlimits[RLIMIT_NOFILE] = (struct vj_rlimit){.set = true, .cur = 2048, .max = 2048};
	for (int i = 0; i < RLIM_NLIMITS; i++)
		if (p->policy->rlimits[i].set)
			p->rlimits[i] = p->policy->rlimits[i];
	for (unsigned i = 0; i < cli->nrlimits; i++)
		p->rlimits[cli->rlimits[i].resource] = (struct vj_rlimit){
		    .set = true, .cur = cli->rlimits[i].cur, .max = cli->rlimits[i].max};
}

static int plan_layers(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "layers");
	struct vj_probe probes[VJ_LAYER__COUNT];
	/* a dry run reads what earlier runs cached but writes nothing */
	bool dry = cli->mode == VJ_MODE_DRY_RUN;
	vj_probe_all(probes, true, !dry);
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		struct vj_layer_decision *d = &p->layer[i];
		d->req = p->policy->layer[i];
		d->probe = probes[i];
		if (d->req == VJ_REQ_OFF)
			continue;
		if (i == VJ_LAYER_CGROUP_BPF && p->cg.v2_dir < 0) {
			d->probe.available = false;
			vj_fmt(d->probe.reason, sizeof(d->probe.reason),
			       "cgroup-BPF needs cgroup2, which is not mounted");
		}
		/* The LSM rules live in the cgroup-BPF tenant entry. */
		if (i == VJ_LAYER_BPF_LSM && !p->layer[VJ_LAYER_CGROUP_BPF].apply &&
		    d->probe.available) {
			d->probe.available = false;
			vj_fmt(d->probe.reason, sizeof(d->probe.reason),
			       "bpf-lsm needs the cgroup-bpf layer, which does not apply");
		}
		if (d->probe.available) {
			d->apply = true;
		} else if (d->req == VJ_REQ_REQUIRED) {
			return vj_fail(
			    e, ENOTSUP,
			    "layer %s is required by the policy but unavailable here: %s",
			    vj_layer_name((enum vj_layer)i), d->probe.reason);
		}
	}
	if (p->layer[VJ_LAYER_SECCOMP].apply) {
		vj_err_step(e, "seccomp compile");
		const char *cache = cli->cache_dir ? (cli->cache_dir[0] ? cli->cache_dir : NULL)
		                                   : VJ_SECCOMP_CACHE_DIR;
		if (dry)
			cache = NULL; /* compile only: a miss would store an entry */
		int rc = vj_seccomp_load_cached(p->policy, cache, &p->seccomp, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int plan_process(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	vj_err_step(e, "process");
	p->vmm_argv = calloc((size_t)cli->vmm_argc + 2, sizeof(char *));
	if (!p->vmm_argv)
		return vj_fail(e, ENOMEM, "out of memory");
	p->vmm_argv[0] = p->exec_base;
	for (int i = 0; i < cli->vmm_argc; i++) {
		p->vmm_argv[i + 1] = cli->vmm_argv[i];
		/* -qmp unix:PATH[,opts]: remembered for pause/suspend via QMP */
		if (i > 0 && strcmp(cli->vmm_argv[i - 1], "-qmp") == 0 &&
		    strncmp(cli->vmm_argv[i], "unix:", 5) == 0) {
			vj_fmt(p->qmp_jail, sizeof(p->qmp_jail), "%s", cli->vmm_argv[i] + 5);
			p->qmp_jail[strcspn(p->qmp_jail, ",")] = '\0';
		}
	}
	for (unsigned i = 0; i < cli->nkeep_fds; i++) {
		int fd = cli->keep_fds[i], fl = fcntl(fd, F_GETFL);
		struct stat st;
		if (fl < 0 || fstat(fd, &st) < 0)
			return vj_fail(e, EBADF, "--keep-fd %d is not an open file descriptor", fd);
		/* A directory fd is a way out of the new root (fchdir, openat
		 * with ".." relative to it), and an O_PATH fd can be one or be
		 * reopened through /proc: no policy asks for either today, so
		 * both are refused. */
		if (S_ISDIR(st.st_mode) || (fl & O_PATH))
			return vj_fail(e, EPERM,
			               "--keep-fd %d is a %s: it would lead outside the jail "
			               "(refused)",
			               fd, S_ISDIR(st.st_mode) ? "directory" : "O_PATH descriptor");
		p->keep_fds[p->nkeep_fds++] = cli->keep_fds[i];
	}
	p->ttl_sec = cli->ttl_sec == 0 ? VJ_DEFAULT_TTL_SEC : cli->ttl_sec < 0 ? 0 : cli->ttl_sec;
	return 0;
}

/*
 * --restore: the jail must exist, be suspended (no supervisor), belong to the
 * same tenant, hold its saved state and still be within its time-to-live.
 * Only reads: the launch replaces the old root later.
 */
static int plan_restore(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	if (!cli->restore)
		return 0;
	vj_err_step(e, "restore");
	int fd = vj_open_dir_nofollow(p->jail_dir, e);
	if (fd < 0)
		return fd == -ENOENT
		           ? vj_fail(e, ENOENT, "no suspended jail %s to restore", cli->id)
		           : fd;
	struct vj_state st;
	int rc = vj_state_read(fd, &st, e);
	if (rc == 0) {
		if (vj_state_locked(fd))
			rc = vj_fail(e, EBUSY, "jail %s is running", cli->id);
		else if (strcmp(st.status, "suspended") != 0)
			rc = vj_fail(e, EINVAL, "jail %s is %s, not suspended", cli->id, st.status);
		else if (st.uid != p->uid || st.gid != p->gid)
			rc = vj_fail(e, EPERM, "jail %s belongs to uid %u gid %u", cli->id,
			             (unsigned)st.uid, (unsigned)st.gid);
		else if (st.ttl_deadline && time(NULL) >= st.ttl_deadline)
			rc = vj_fail(e, ETIME,
			             "jail %s outlived its time-to-live; it is reclaimed by "
			             "vmjail --reap",
			             cli->id);
		vj_state_free(&st);
	}
	if (rc == 0) {
		int sfd = vj_open_beneath(fd, VJ_SUSPEND_FILE, O_PATH, 0);
		if (sfd < 0)
			rc = vj_failx(e, sfd, "the saved state of jail %s", cli->id);
		else
			close(sfd);
	}
	close(fd);
	if (rc == 0) {
		if (!p->qmp_jail[0])
			return vj_fail(e, EINVAL,
			               "--restore is for QEMU: pass the same -qmp and "
			               "machine flags as the first launch");
		p->restore = true;
	}
	return rc;
}

int vj_plan_build(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	memset(p, 0, sizeof(*p));
	p->cli = cli;
	int rc = vj_policy_for_cli(cli, &p->policy, p->policy_source, sizeof(p->policy_source), e);
	if (rc < 0)
		return rc;
	vj_policy_hash_hex(p->policy, p->policy_hash);
	if (!rc)
		rc = plan_exec(cli, p, e);
	if (!rc)
		rc = plan_paths(cli, p, e);
	if (!rc)
		rc = plan_files(p, e);
	if (!rc)
		rc = plan_namespaces(cli, p, e);
	if (!rc) {
		vj_err_step(e, "cgroups");
		rc = vj_cg_discover("/proc/self/mountinfo", &p->cg_layout, e);
	}
	if (!rc)
		rc = vj_cg_plan_build(
		    &p->cg_layout, cli,
		    p->policy->layer[VJ_LAYER_CGROUP_LIMITS] != VJ_REQ_OFF ? p->policy : NULL,
		    p->exec_base, &p->cg, e);
	if (!rc)
		plan_rlimits(cli, p);
	if (!rc)
		rc = plan_process(cli, p, e);
	if (!rc)
		rc = vj_fc_compat_plan(cli, p, e);
	if (!rc)
		rc = plan_restore(cli, p, e);
	if (!rc)
		rc = plan_layers(cli, p, e);
	return rc;
}

void vj_plan_free(struct vj_plan *p)
{
	vj_elfdeps_free(&p->deps);
	for (size_t i = 0; i < p->nmounts; i++)
		if (p->mounts[i].src_fd >= 0)
			close(p->mounts[i].src_fd);
	free(p->mounts);
	free(p->vmm_argv);
	vj_bpf_prog_free(&p->seccomp);
	if (p->policy)
		vj_policy_free(p->policy);
	memset(p, 0, sizeof(*p));
}
