// SPDX-License-Identifier: Apache-2.0
/* Removing a jail dir (see rmtree.h). */
#include "jailer/rmtree.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailer/paths.h"

/* Is dfd/name the root of a mount?  statx says so directly (5.8+). */
static int is_mount_root(int dfd, const char *name)
{
	struct statx stx;
	if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) < 0)
		return -errno;
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -ENOTSUP;
	return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

/* Detach every mount stacked on dfd/name (a mount point cannot be removed,
 * and its content is not ours to walk). */
static int detach_mounts(int dfd, const char *name, struct vj_err *e)
{
	for (int i = 0; i < 64; i++) {
		int m = is_mount_root(dfd, name);
		if (m == -ENOENT)
			return 0;
		if (m < 0)
			return vj_failx(e, m, "statx %s", name);
		if (!m)
			return 0;
		int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return vj_failx(e, errno, "open %s", name);
		char path[64];
		vj_fmt(path, sizeof(path), "/proc/self/fd/%d", fd);
		int rc = umount2(path, MNT_DETACH);
		int err = errno;
		close(fd);
		if (rc < 0)
			return vj_failx(e, err, "detaching the mount on %s", name);
	}
	return vj_fail(e, EBUSY, "more than 64 mounts stacked on %s", name);
}

/*
 * One pass over dfd: unlink what is not a directory, detach mounts, and
 * return the first subdirectory's name (malloc'd) in *sub, NULL when the
 * directory is empty.
 */
static int scan(int dfd, char **sub, struct vj_err *e)
{
	*sub = NULL;
	int dup = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup < 0)
		return vj_failx(e, errno, "opendir");
	DIR *d = fdopendir(dup);
	if (!d) {
		close(dup);
		return vj_failx(e, errno, "opendir");
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && !*sub && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				rc = vj_failx(e, errno, "stat %s", de->d_name);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
				rc = vj_failx(e, errno, "unlink %s", de->d_name);
			continue;
		}
		rc = detach_mounts(dfd, de->d_name, e);
		if (rc == 0 && !(*sub = strdup(de->d_name)))
			rc = vj_fail(e, ENOMEM, "out of memory");
	}
	closedir(d);
	return rc;
}

struct frame {
	char *name; /* of the directory below this one that we entered */
	dev_t dev;  /* this directory's identity, to check the way back */
	ino_t ino;
};

/* Empty the directory top (an fd we keep).  Depth-first, iterative. */
static int empty_dir(int top, struct vj_err *e)
{
	struct frame *stack = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	int cur = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return vj_failx(e, errno, "open");
	struct stat here;
	if (fstat(cur, &here) < 0)
		rc = vj_failx(e, errno, "stat");
	while (rc == 0) {
		char *sub;
		rc = scan(cur, &sub, e);
		if (rc < 0)
			break;
		if (sub) {
			int next =
			    openat(cur, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0) {
				rc = errno == ENOENT ? 0 : vj_failx(e, errno, "open %s", sub);
				free(sub);
				continue;
			}
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct frame *s = realloc(stack, ncap * sizeof(*s));
				if (!s) {
					close(next);
					free(sub);
					rc = vj_fail(e, ENOMEM, "out of memory");
					break;
				}
				stack = s;
				cap = ncap;
			}
			stack[n++] = (struct frame){sub, here.st_dev, here.st_ino};
			close(cur);
			cur = next;
			if (fstat(cur, &here) < 0)
				rc = vj_failx(e, errno, "stat %s", sub);
			continue;
		}
		if (n == 0)
			break; /* top itself is empty */
		/* Back up one level: ".." must be the directory we came from
		 * (nothing moved the tree under us), then remove the empty one. */
		int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat ust;
		if (up < 0 || fstat(up, &ust) < 0 || ust.st_dev != stack[n - 1].dev ||
		    ust.st_ino != stack[n - 1].ino) {
			if (up >= 0)
				close(up);
			rc = vj_fail(e, EXDEV, "the tree moved while being removed");
			break;
		}
		close(cur);
		cur = up;
		here = ust;
		n--;
		if (unlinkat(cur, stack[n].name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			rc = vj_failx(e, errno, "rmdir %s", stack[n].name);
		free(stack[n].name);
	}
	while (n > 0)
		free(stack[--n].name);
	free(stack);
	close(cur);
	return rc;
}

int vj_remove_tree(int dirfd, const char *name, struct vj_err *e)
{
	if (!vj_name_ok(name))
		return vj_fail(e, EINVAL, "bad name '%s'", name);
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : vj_failx(e, errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return vj_failx(e, errno, "unlink %s", name);
		return 0;
	}
	int rc = detach_mounts(dirfd, name, e);
	if (rc < 0)
		return rc;
	int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return errno == ENOENT ? 0 : vj_failx(e, errno, "open %s", name);
	rc = empty_dir(sub, e);
	close(sub);
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		rc = vj_failx(e, errno, "rmdir %s", name);
	return rc;
}
