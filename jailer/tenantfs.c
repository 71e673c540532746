// SPDX-License-Identifier: Apache-2.0
/* Tenant-writable dirs as bounded tmpfs mounts (see tenantfs.h). */
#include "jailer/tenantfs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <linux/mount.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jailer/paths.h"

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

static int set_opt(int fs, const char *key, const char *val)
{
	return (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, val, 0);
}

int vj_tenantfs_mount(int root_fd, const struct vj_mount *m, uid_t uid, gid_t gid, struct vj_err *e)
{
	const char *rel = m->dst[0] == '/' ? m->dst + 1 : m->dst;
	/* The mount point: root's, empty, never writable by the tenant, so
	 * nothing of the tenant's ever lands on the host filesystem. */
	int dir = vj_mkdirs_beneath(root_fd, rel, 0755, 0, 0, true, e);
	if (dir < 0)
		return dir;
	char size[32], inodes[32], uidv[16], gidv[16];
	vj_fmt(size, sizeof(size), "%" PRIu64, m->size);
	vj_fmt(inodes, sizeof(inodes), "%" PRIu64, m->inodes);
	vj_fmt(uidv, sizeof(uidv), "%u", (unsigned)uid);
	vj_fmt(gidv, sizeof(gidv), "%u", (unsigned)gid);
	const char *const opts[][2] = {
	    {"size", size}, {"nr_inodes", inodes}, {"mode", "0700"}, {"uid", uidv}, {"gid", gidv}};
	int rc = 0, mnt = -1;
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		rc = vj_failx(e, errno, "fsopen tmpfs for %s", m->dst);
	for (size_t i = 0; !rc && i < sizeof(opts) / sizeof(opts[0]); i++)
		if (set_opt(fs, opts[i][0], opts[i][1]) < 0)
			rc = vj_failx(e, errno, "tmpfs %s=%s for %s", opts[i][0], opts[i][1],
			              m->dst);
	if (!rc && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		rc = vj_failx(e, errno, "creating the tmpfs of %s", m->dst);
	if (!rc) {
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
		                   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
		                       MOUNT_ATTR_NOSYMFOLLOW);
		if (mnt < 0)
			rc = vj_failx(e, errno, "fsmount of the tmpfs of %s", m->dst);
	}
	if (!rc && syscall(SYS_move_mount, mnt, "", dir, "",
	                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		rc = vj_failx(e, errno, "mounting the tmpfs on %s", m->dst);
	if (mnt >= 0)
		close(mnt);
	if (fs >= 0)
		close(fs);
	close(dir);
	return rc;
}
