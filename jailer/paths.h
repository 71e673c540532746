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
#include <sys/types.h>

#include "jailer/err.h"

/* openat2 beneath dirfd, no symlinks anywhere.  Returns fd or -errno. */
int vj_open_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* Open an absolute path with no symlink in any component (O_PATH dir). */
int vj_open_dir_nofollow(const char *abs, struct vj_err *e);

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
