// SPDX-License-Identifier: Apache-2.0
#include "jailer/paths.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RESOLVE_STRICT (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode, unsigned long resolve)
{
	struct open_how how = {
	    .flags = (unsigned long long)flags,
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = resolve,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int vj_open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	return sys_openat2(dirfd, rel, flags | O_CLOEXEC | O_NOFOLLOW, mode, RESOLVE_STRICT);
}

int vj_open_dir_nofollow(const char *abs, struct vj_err *e)
{
	int fd = sys_openat2(AT_FDCWD, abs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
	                     RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd == -ELOOP || fd == -EXDEV)
		return vj_fail(e, ELOOP, "%s: a component is a symlink (refused)", abs);
	if (fd < 0)
		return vj_failx(e, fd, "open %s", abs);
	return fd;
}

/* A directory that only root can change: root-owned, no group/other write. */
static bool root_dir(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == 0 && !(st->st_mode & 022);
}

/* A root-owned sticky directory others may write (/tmp): an entry in it
 * that root owns can be renamed or removed only by root (the sticky bit),
 * so it is as safe as in a root-only directory.  An entry someone else owns
 * (they may have planted it) is refused by the same walk: a directory must
 * be root's to stay trusted, and the last component must be root's or the
 * tenant's. */
static bool sticky_root_dir(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == 0 && (st->st_mode & S_ISVTX);
}

int vj_open_host_source(const char *abs, const struct vj_src_rule *r, struct stat *st,
                        struct vj_err *e)
{
	char buf[PATH_MAX];
	if (abs[0] != '/' || strlen(abs) >= sizeof(buf))
		return vj_fail(e, EINVAL, "%s is not an absolute path", abs);
	vj_fmt(buf, sizeof(buf), "%s", abs);
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vj_failx(e, errno, "open /");
	if (fstat(fd, st) < 0) {
		int err = errno;
		close(fd);
		return vj_failx(e, err, "stat /");
	}
	bool trusted = root_dir(st);
	char *save = NULL;
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!S_ISDIR(st->st_mode)) {
			close(fd);
			return vj_fail(e, ENOTDIR, "%s: a component is not a directory", abs);
		}
		trusted = trusted && (root_dir(st) || sticky_root_dir(st));
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
			close(fd);
			return vj_fail(e, EINVAL, "%s: '.' or '..' in the path (refused)", abs);
		}
		int next = openat(fd, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		int err = errno;
		close(fd);
		if (next < 0)
			return vj_failx(e, err, "%s", abs);
		fd = next;
		if (fstat(fd, st) < 0) {
			err = errno;
			close(fd);
			return vj_failx(e, err, "stat %s", abs);
		}
		if (S_ISLNK(st->st_mode)) {
			close(fd);
			return vj_fail(e, ELOOP, "%s: a component is a symlink (refused)", abs);
		}
	}
	const char *why = NULL;
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode) &&
	    !(r->allow_sock && S_ISSOCK(st->st_mode)))
		why = "is not a regular file or directory";
	else if (trusted ? !(st->st_uid == 0 || (r->tenant_ok && st->st_uid == r->tenant))
	                 : !(r->tenant_ok && st->st_uid == r->tenant))
		why = trusted ? "is owned by neither root nor the tenant"
		              : "is in a directory others can write and not owned by the tenant";
	else if (r->root_only_writable && (st->st_mode & 022))
		why = "is writable by group or others";
	if (why) {
		close(fd);
		return vj_fail(e, EPERM, "%s %s (refused)", abs, why);
	}
	return fd;
}

bool vj_name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/') &&
	       strlen(name) <= NAME_MAX;
}

int vj_path_normalize(const char *in, char *out, size_t len)
{
	if (in[0] != '/' || strlen(in) >= len)
		return -EINVAL;
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (o + 1 + n + 1 > len)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* Walk rel component by component so every directory on the way can be
 * checked (real dir, not a symlink) and created when missing. */
int vj_mkdirs_beneath(int dirfd, const char *rel, mode_t mode, uid_t uid, gid_t gid, bool excl,
                      struct vj_err *e)
{
	char buf[PATH_MAX];
	while (*rel == '/')
		rel++;
	if (strlen(rel) >= sizeof(buf) || !*rel)
		return vj_fail(e, EINVAL, "bad directory path '%s'", rel);
	strcpy(buf, rel);

	int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return vj_failx(e, errno, "dup");
	char *save = NULL;
	for (char *comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		bool last = save == NULL || *save == '\0';
		if (!vj_name_ok(comp)) {
			close(cur);
			return vj_fail(e, EINVAL, "bad path component '%s' in '%s'", comp, rel);
		}
		mode_t m = last ? mode : 0755;
		if (mkdirat(cur, comp, m) == 0) {
			uid_t u = last ? uid : 0;
			gid_t g = last ? gid : 0;
			/* the umask narrowed the mode; set exactly what we mean */
			if (fchownat(cur, comp, u, g, AT_SYMLINK_NOFOLLOW) < 0 ||
			    fchmodat(cur, comp, m, 0) < 0) {
				int err = errno;
				close(cur);
				return vj_failx(e, err, "setting owner/mode of '%s'", comp);
			}
		} else if (errno != EEXIST || (last && excl)) {
			int err = errno;
			close(cur);
			if (err == EEXIST)
				return vj_fail(e, EEXIST, "'%s' already exists", rel);
			return vj_failx(e, err, "mkdir '%s'", comp);
		}
		int next = vj_open_beneath(cur, comp, O_PATH | O_DIRECTORY, 0);
		close(cur);
		if (next < 0) {
			if (next == -ELOOP || next == -ENOTDIR || next == -EXDEV)
				return vj_fail(
				    e, ELOOP,
				    "'%s' in '%s' is a symlink or not a directory (refused)", comp,
				    rel);
			return vj_failx(e, next, "open '%s'", comp);
		}
		cur = next;
	}
	return cur;
}

static int split_parent(int dirfd, const char *rel, char *name, size_t namelen, struct vj_err *e)
{
	char buf[PATH_MAX];
	while (*rel == '/')
		rel++;
	if (strlen(rel) >= sizeof(buf) || !*rel)
		return vj_fail(e, EINVAL, "bad path '%s'", rel);
	strcpy(buf, rel);
	char *slash = strrchr(buf, '/');
	const char *base = slash ? slash + 1 : buf;
	if (!vj_name_ok(base) || strlen(base) >= namelen)
		return vj_fail(e, EINVAL, "bad file name in '%s'", rel);
	strcpy(name, base);
	if (!slash) {
		int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? vj_failx(e, errno, "dup") : fd;
	}
	*slash = '\0';
	return vj_mkdirs_beneath(dirfd, buf, 0755, 0, 0, false, e);
}

int vj_mkfile_beneath(int dirfd, const char *rel, mode_t mode, struct vj_err *e)
{
	char name[NAME_MAX + 1];
	int pfd = split_parent(dirfd, rel, name, sizeof(name), e);
	if (pfd < 0)
		return pfd;
	int fd = vj_open_beneath(pfd, name, O_WRONLY | O_CREAT | O_EXCL, mode);
	close(pfd);
	if (fd < 0)
		return fd == -EEXIST ? vj_fail(e, EEXIST, "'%s' already exists", rel)
		                     : vj_failx(e, fd, "create '%s'", rel);
	if (fchmod(fd, mode) < 0) {
		int err = errno;
		close(fd);
		return vj_failx(e, err, "chmod '%s'", rel);
	}
	close(fd);
	return 0;
}

int vj_mknod_beneath(int dirfd, const char *rel, unsigned major, unsigned minor, mode_t mode,
                     uid_t uid, gid_t gid, struct vj_err *e)
{
	char name[NAME_MAX + 1];
	int pfd = split_parent(dirfd, rel, name, sizeof(name), e);
	if (pfd < 0)
		return pfd;
	/* pfd is O_PATH: mknodat needs a real directory fd */
	int dfd = vj_open_beneath(pfd, ".", O_RDONLY | O_DIRECTORY, 0);
	close(pfd);
	if (dfd < 0)
		return vj_failx(e, dfd, "open parent of '%s'", rel);
	int rc = 0;
	if (mknodat(dfd, name, S_IFCHR | mode, makedev(major, minor)) < 0)
		rc = vj_failx(e, errno, "mknod '%s'", rel);
	else if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	         fchmodat(dfd, name, mode, 0) < 0)
		rc = vj_failx(e, errno, "owner/mode of '%s'", rel);
	close(dfd);
	return rc;
}

