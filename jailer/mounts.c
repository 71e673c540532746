// SPDX-License-Identifier: Apache-2.0
/*
 * The tenant's mount namespace: a private copy of the jail root with the
 * planned binds, then pivot_root into it and detach the old root.
 *
 * Runs in the tenant process, still privileged, before any tenant code.  All
 * targets are opened beneath the jail root with openat2 (no symlinks, no
 * ".."), and mounts are attached with the fd-based mount API (open_tree,
 * mount_setattr, move_mount), so no path is resolved twice: there is no
 * window in which a swapped component could redirect a mount (the class of
 * bug behind bubblewrap CVE-2019-12439).
 */
#include "jailer/mounts.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jailer/paths.h"

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                          unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *attr)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

static int sys_fsopen(const char *fs, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *val, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attr)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr);
}

static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* Attach tree (a detached mount fd) onto target beneath root_fd. */
static int attach_at(int tree, int root_fd, const char *dst, bool is_dir, struct vj_err *e)
{
	int tfd = vj_open_beneath(root_fd, dst[0] == '/' ? dst + 1 : dst,
	                          O_PATH | (is_dir ? O_DIRECTORY : 0), 0);
	if (tfd < 0)
		return vj_failx(e, tfd, "mount target %s in the jail", dst);
	int rc = 0;
	if (sys_move_mount(tree, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		rc = vj_failx(e, errno, "move_mount onto %s", dst);
	close(tfd);
	return rc;
}

static int bind_one(const struct vj_mount *m, int root_fd, struct vj_err *e)
{
	int tree;
	if (m->kind == VJ_MNT_DIR_SELF)
		return 0; /* its tmpfs came with the recursive clone of the root */
	/* Host sources were walked and checked when planned and detached from
	 * the fd that was checked (see vj_mounts_detach_sources); the path is
	 * never resolved again.  The tree is this process's copy of the fd: it
	 * is used once. */
	tree = m->src_fd;
	if (tree < 0)
		return vj_failx(e, errno, "open_tree %s", m->src);

	struct mount_attr attr = {
	    .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	    .propagation = MS_PRIVATE,
	};
	/* Read-only trees (firmware dirs) may hold relative symlinks that must
	 * keep working; writable ones are the tenant's and never executable. */
	if (m->kind == VJ_MNT_BIND_RO)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	else
		attr.attr_set |= MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW;
	int rc = 0;
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
		rc = vj_failx(e, errno, "mount_setattr %s", m->dst);
	else
		rc = attach_at(tree, root_fd, m->dst, m->is_dir, e);
	close(tree);
	return rc;
}

int vj_mounts_detach_sources(struct vj_plan *p, struct vj_err *e)
{
	for (size_t i = 0; i < p->nmounts; i++) {
		struct vj_mount *m = &p->mounts[i];
		if (m->kind == VJ_MNT_DIR_SELF)
			continue;
		if (m->src_fd < 0)
			return vj_fail(e, EBADF, "bind source %s was not checked", m->src);
		int tree = sys_open_tree(m->src_fd, "",
		                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0)
			return vj_failx(e, errno, "open_tree %s", m->src);
		close(m->src_fd);
		m->src_fd = tree;
	}
	return 0;
}

void vj_mounts_close_sources(struct vj_plan *p)
{
	for (size_t i = 0; i < p->nmounts; i++)
		if (p->mounts[i].src_fd >= 0) {
			close(p->mounts[i].src_fd);
			p->mounts[i].src_fd = -1;
		}
}

static int mount_pseudo(const char *fstype, const char *opt_key, const char *opt_val,
                        unsigned attrs, int root_fd, const char *dst, struct vj_err *e)
{
	int fs = sys_fsopen(fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return vj_failx(e, errno, "fsopen %s", fstype);
	int rc = 0, mnt = -1;
	if (opt_key && sys_fsconfig(fs, FSCONFIG_SET_STRING, opt_key, opt_val, 0) < 0)
		rc = vj_failx(e, errno, "%s option %s=%s", fstype, opt_key, opt_val);
	else if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		rc = vj_failx(e, errno, "creating %s", fstype);
	else if ((mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, attrs)) < 0)
		rc = vj_failx(e, errno, "fsmount %s", fstype);
	else
		rc = attach_at(mnt, root_fd, dst, true, e);
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return rc;
}

int vj_mounts_enter_jail(const struct vj_plan *p, int root_fd, struct vj_err *e)
{
	vj_err_step(e, "mounts");
	/* Nothing we mount may propagate back to the host, and nothing the host
	 * mounts later should appear inside. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return vj_failx(e, errno, "making / private");

	/* A detached copy of the jail root becomes the new root mount: read-only
	 * (tenant-writable dirs get their own rw mounts below), nosuid.  Not
	 * nodev: the device nodes live on it and the devices policy (cgroup
	 * devices, cgroup/dev) decides what may be opened. */
	/* root_fd names the jail root in the supervisor's mount namespace, and
	 * open_tree only clones mounts of our own: reopen it here by path (no
	 * symlinks) and prove it is the same directory. */
	int here = vj_open_dir_nofollow(p->root_dir, e);
	if (here < 0)
		return here;
	struct stat a, b;
	if (fstat(here, &a) < 0 || fstat(root_fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(here);
		return vj_fail(e, EXDEV, "the jail root changed under us");
	}
	/* Recursive: the tenant-writable dirs are tmpfs mounts the supervisor
	 * put beneath the jail root (jailer/tenantfs.c); nothing else is
	 * mounted there. */
	int tree = sys_open_tree(here, "",
	                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0) {
		int err = errno;
		close(here);
		return vj_failx(e, err, "open_tree of the jail root");
	}
	int mrc =
	    sys_move_mount(tree, "", here, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	int merr = errno;
	close(here);
	if (mrc < 0) {
		close(tree);
		return vj_failx(e, merr, "mounting the jail root");
	}
	/* tree now names the root of the mounted copy; mounts go beneath it */
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < p->nmounts; i++)
		rc = bind_one(&p->mounts[i], tree, e);
	if (rc == 0 && p->mount_proc)
		rc = mount_pseudo("proc", "hidepid", "invisible",
		                  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, tree,
		                  "/proc", e);
	if (rc == 0 && p->mount_sys)
		rc = mount_pseudo("sysfs", NULL, NULL,
		                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		                      MOUNT_ATTR_NOEXEC,
		                  tree, "/sys", e);
	if (rc == 0) {
		struct mount_attr ro = {
		    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOSYMFOLLOW,
		};
		if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &ro) < 0)
			rc = vj_failx(e, errno, "making the jail root read-only");
	}
	if (rc == 0 && fchdir(tree) < 0)
		rc = vj_failx(e, errno, "chdir into the jail");
	close(tree);
	if (rc)
		return rc;

	vj_err_step(e, "pivot_root");
	/* pivot_root(".", ".") stacks the old root on top of the new one; the
	 * detach then drops every host mount from this namespace.  No chroot:
	 * a chroot keeps the host root reachable to anything with privileges
	 * left (breakouts.md, class F). */
	if (sys_pivot_root(".", ".") < 0)
		return vj_failx(e, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return vj_failx(e, errno, "detaching the old root");
	if (chdir("/") < 0)
		return vj_failx(e, errno, "chdir /");
	return 0;
}
