// SPDX-License-Identifier: Apache-2.0
#include "jailer/guest_ram.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailer/paths.h"
#include "jailer/plan.h"

static int check_existing(int fd, uint64_t size, uid_t uid, struct vj_err *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vj_failx(e, errno, "stat %s", VJ_GUEST_RAM_FILE);
	if (!S_ISREG(st.st_mode) || st.st_uid != uid || st.st_nlink != 1)
		return vj_fail(e, EPERM, "%s is not the tenant's regular file", VJ_GUEST_RAM_FILE);
	if ((uint64_t)st.st_size != size)
		return vj_fail(e, EINVAL,
		               "%s holds %llu bytes of guest memory, --guest-ram says %llu: "
		               "restore with the first launch's size",
		               VJ_GUEST_RAM_FILE, (unsigned long long)st.st_size,
		               (unsigned long long)size);
	return 0;
}

/* The bind of the plan that waits for the file: its fd becomes fd's. */
static int hand_over(struct vj_plan *p, int fd, struct vj_err *e)
{
	for (size_t i = 0; i < p->nmounts; i++) {
		struct vj_mount *m = &p->mounts[i];
		if (strcmp(m->dst, VJ_GUEST_RAM_JAIL) == 0 && m->src_fd < 0) {
			m->src_fd = fd;
			return 0;
		}
	}
	close(fd);
	return vj_fail(e, EINVAL, "internal: no %s bind in the plan", VJ_GUEST_RAM_JAIL);
}

static int prepare(int jail_fd, uint64_t size, uid_t uid, gid_t gid, bool restore,
                   struct vj_err *e)
{
	int dfd = vj_open_beneath(jail_fd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return vj_failx(e, dfd, "opening the jail dir");
	int rc = 0;
	if (restore) {
		/* O_NONBLOCK: a FIFO planted there must not hang the jailer */
		int fd =
		    openat(dfd, VJ_GUEST_RAM_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			rc = vj_failx(e, errno, "the suspended guest's %s", VJ_GUEST_RAM_FILE);
		else {
			rc = check_existing(fd, size, uid, e);
			close(fd);
		}
		close(dfd);
		return rc;
	}
	int fd = openat(dfd, VJ_GUEST_RAM_FILE, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                0600);
	if (fd < 0)
		rc = vj_failx(e, errno, "creating %s", VJ_GUEST_RAM_FILE);
	else if (fchown(fd, uid, gid) < 0)
		rc = vj_failx(e, errno, "chown %s", VJ_GUEST_RAM_FILE);
	else if (ftruncate(fd, (off_t)size) < 0) /* sparse: the guest touches what it uses */
		rc = vj_failx(e, errno, "sizing %s", VJ_GUEST_RAM_FILE);
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlinkat(dfd, VJ_GUEST_RAM_FILE, 0);
	close(dfd);
	return rc;
}

int vj_guest_ram_prepare(struct vj_plan *p, int jail_fd, struct vj_err *e)
{
	vj_err_step(e, "guest ram");
	int rc = prepare(jail_fd, p->cli->guest_ram, p->uid, p->gid, p->restore, e);
	if (rc < 0)
		return rc;
	/* The file was made or checked through jail_fd, which only root can
	 * reach (the jail dir is root's 0700, the tenant is below in root/):
	 * no one can have swapped it since. */
	int fd = openat(jail_fd, VJ_GUEST_RAM_FILE, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vj_failx(e, errno, "opening %s", VJ_GUEST_RAM_FILE);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != p->uid) {
		close(fd);
		return vj_fail(e, EPERM, "%s is not the tenant's regular file", VJ_GUEST_RAM_FILE);
	}
	return hand_over(p, fd, e);
}

bool vj_guest_ram_present(int jail_fd)
{
	struct stat st;
	return fstatat(jail_fd, VJ_GUEST_RAM_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}
