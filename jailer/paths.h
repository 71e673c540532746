/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safe path operations under the jail base directory.
 *
 * Everything vmjail creates or opens below --chroot-base-dir goes through
 * here, relative to a directory fd, with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS): a symlink or ".." planted at
 * any component makes the call fail instead of leading outside the jail
 * (bubblewrap CVE-2019-12439, nsjail's mount-destination "..").  Files are
 * created with O_EXCL, so a planted file or hard link is refused, not reused.
 */
#ifndef VMJAIL_PATHS_H
#define VMJAIL_PATHS_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "jailer/err.h"

/* openat2 beneath dirfd, no symlinks anywhere.  Returns fd or -errno. */
int vj_open_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* Open an absolute path with no symlink in any component (O_PATH dir). */
int vj_open_dir_nofollow(const char *abs, struct vj_err *e);

/*
 * A file or dir of the host that will be bound into a jail or read as root
 * (bind sources, the ELF interpreter and libraries).  The path is walked one
 * component at a time with O_PATH|O_NOFOLLOW: no symlink is followed anywhere
 * and nothing is opened for real (a FIFO cannot block, a device sees no
 * open).  Accepted when the last entry is a directory, regular file or (with
 * allow_sock) a socket and
 *   - every directory on the way is root-owned and writable by root alone
 *     ("root's tree": nobody else can have put the entry there) and the entry
 *     is owned by root or, with tenant_ok, by uid tenant; or
 *   - with tenant_ok, the entry is owned by uid tenant (its own file in a
 *     tree others can write: a root-owned entry there may be a planted hard
 *     link or a swapped-in host file).
 * root_only entries must also not be writable by group or others.
 * Returns the O_PATH fd (bind from it, reopen it through /proc/self/fd: the
 * object checked is the object used) and fills st, or -errno with e set.
 */
struct vj_src_rule {
	bool tenant_ok; /* the tenant's uid may own it */
	uid_t tenant;
	bool allow_sock;
	bool root_only_writable; /* mode must have no group/other write bit */
};
int vj_open_host_source(const char *abs, const struct vj_src_rule *r, struct stat *st,
                        struct vj_err *e);

/*
 * mkdir each component of rel beneath dirfd (existing components must be real
 * directories); the last component is created with mode/uid/gid and must not
 * exist when excl is true.  Returns an O_PATH|O_DIRECTORY fd of the last one.
 */
int vj_mkdirs_beneath(int dirfd, const char *rel, mode_t mode, uid_t uid, gid_t gid, bool excl,
                      struct vj_err *e);

/* Create an empty regular file (a bind-mount target) at rel, parents made
 * root-owned 0755.  Fails if anything exists there. */
int vj_mkfile_beneath(int dirfd, const char *rel, mode_t mode, struct vj_err *e);

/* mknod a char device at rel (parents must exist), owned uid:gid with mode. */
int vj_mknod_beneath(int dirfd, const char *rel, unsigned major, unsigned minor, mode_t mode,
                     uid_t uid, gid_t gid, struct vj_err *e);

/* vj_remove_tree: jailer/rmtree.h */

/* Check a path component: not empty, not "." or "..", no '/'. */
bool vj_name_ok(const char *name);

/* Lexically normalize an absolute path ("//a/./b/" -> "/a/b"); refuses "..". */
int vj_path_normalize(const char *in, char *out, size_t len);

#endif
