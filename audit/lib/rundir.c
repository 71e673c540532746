// SPDX-License-Identifier: Apache-2.0
/*
 * Everything under run_dir steers what the host stream says (the counter,
 * the spool, the daemon socket), so it must belong to root alone: a path
 * planted by someone else (symlink, directory squatted in /tmp, group
 * writable file) is refused rather than used.
 */
#include "audit/lib/rundir.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

static int openat2_(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)flags,
	    .mode = mode,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return r < 0 ? -1 : (int)r;
}

static int check_owned(int fd, const char *what, mode_t type, struct vj_err *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vj_failx(e, errno, "stat %s", what);
	if ((st.st_mode & S_IFMT) != type)
		return vj_fail(e, ENOTDIR, "%s: wrong file type", what);
	if (st.st_uid != geteuid())
		return vj_fail(e, EPERM, "%s: owned by uid %u, not by us", what, st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return vj_fail(e, EPERM, "%s: writable by group or others (mode %o)", what,
		               st.st_mode & 07777);
	return 0;
}

int vj_rundir_open(const char *path, int *dirfd, struct vj_err *e)
{
	char parent[PATH_MAX];
	*dirfd = -1;
	if (!path || path[0] != '/' || strlen(path) >= sizeof(parent))
		return vj_fail(e, EINVAL, "run dir must be an absolute path");
	snprintf(parent, sizeof(parent), "%s", path);
	size_t n = strlen(parent);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	char name[NAME_MAX + 1];
	if (strlen(slash + 1) > NAME_MAX)
		return vj_fail(e, ENAMETOOLONG, "run dir %s: name too long", path);
	snprintf(name, sizeof(name), "%s", slash + 1);
	slash[slash == parent ? 1 : 0] = '\0'; /* "/run" -> parent "/" */
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return vj_fail(e, EINVAL, "run dir %s: bad last component", path);

	int pfd = openat2_(AT_FDCWD, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (pfd < 0)
		return vj_failx(e, errno, "open %s", parent);
	if (mkdirat(pfd, name, 0700) < 0 && errno != EEXIST) {
		int err = errno;
		close(pfd);
		return vj_failx(e, err, "mkdir %s", path);
	}
	int fd = openat2_(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
	int err = errno;
	close(pfd);
	if (fd < 0)
		return vj_failx(e, err, "open %s", path);
	int rc = check_owned(fd, path, S_IFDIR, e);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*dirfd = fd;
	return 0;
}

int vj_rundir_sub(int dirfd, const char *name, int *subfd, struct vj_err *e)
{
	*subfd = -1;
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return vj_failx(e, errno, "mkdir %s", name);
	int fd = openat2_(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
	if (fd < 0)
		return vj_failx(e, errno, "open %s", name);
	int rc = check_owned(fd, name, S_IFDIR, e);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*subfd = fd;
	return 0;
}

int vj_rundir_file(int dirfd, const char *name, int flags, int *fd_out, struct vj_err *e)
{
	*fd_out = -1;
	int fd = openat2_(dirfd, name, flags | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return vj_failx(e, errno, "open %s", name);
	int rc = check_owned(fd, name, S_IFREG, e);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}
