// SPDX-License-Identifier: Apache-2.0
/* Exit status through a pidfd; see pidfd_exit.h for why. */
#include "jailer/pidfd_exit.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The UAPI (linux/pidfd.h, 6.15) under our own names: the installed
 * headers may predate it and the kernel accepts any struct size from the
 * first version (64 bytes) up, taking the size from the ioctl number. */
struct vj_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
_Static_assert(sizeof(struct vj_pidfd_info) == 64, "PIDFD_INFO_SIZE_VER0");

#define VJ_PIDFS_IOCTL_MAGIC 0xFF
#define VJ_PIDFD_GET_INFO    _IOWR(VJ_PIDFS_IOCTL_MAGIC, 11, struct vj_pidfd_info)
#define VJ_PIDFD_INFO_EXIT   (1ULL << 3)

int vj_pidfd_exit_status(int pidfd, int *status)
{
	struct vj_pidfd_info info;
	memset(&info, 0, sizeof(info));
	info.mask = VJ_PIDFD_INFO_EXIT;
	if (ioctl(pidfd, VJ_PIDFD_GET_INFO, &info) < 0) {
		int e = errno;
		/* No PIDFD_GET_INFO at all (before 6.13): ENOTTY/EINVAL.
		 * ESRCH: the process is reaped and the kernel kept nothing
		 * (6.13/6.14 know GET_INFO but not INFO_EXIT). */
		if (e == ENOTTY || e == EINVAL || e == ESRCH)
			return -EOPNOTSUPP;
		return -e;
	}
	if (!(info.mask & VJ_PIDFD_INFO_EXIT))
		return -EAGAIN; /* running, or a zombie its parent has not reaped */
	*status = info.exit_code;
	return 0;
}

int vj_pidfd_exit_supported(void)
{
	static int cached = -1;
	if (cached >= 0)
		return cached;
	pid_t pid = fork();
	if (pid < 0)
		return 0; /* not cached: a transient failure says nothing */
	if (pid == 0)
		_exit(0);
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (fd < 0)
		return 0;
	int st = -1;
	cached = vj_pidfd_exit_status(fd, &st) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	close(fd);
	return cached;
}
