// SPDX-License-Identifier: Apache-2.0
/*
 * The little of cgroup2 that bpf/ needs itself: where it is mounted (hybrid
 * hosts: /sys/fs/cgroup/unified, pure v2: /sys/fs/cgroup), a directory's
 * cgroup id, and temporary directories for the probe.  The jailer's own
 * cgroup code (limits, v1) is elsewhere.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

int vjbpf__is_cgroup2(int dirfd)
{
	struct statfs s;
	return fstatfs(dirfd, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

int vjbpf__cgroup2_root(char *buf, size_t len)
{
	static const char *const candidates[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	for (size_t i = 0; i < 2; i++) {
		struct statfs s;
		if (statfs(candidates[i], &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC) {
			if ((size_t)snprintf(buf, len, "%s", candidates[i]) >= len)
				return -ENAMETOOLONG;
			return 0;
		}
	}
	/* anywhere else: the first cgroup2 line of mountinfo */
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	char line[1024];
	int rc = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[64];
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(sep, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1)
			continue;
		rc = (size_t)snprintf(buf, len, "%s", mnt) >= len ? -ENAMETOOLONG : 0;
		break;
	}
	fclose(f);
	return rc;
}

int vjbpf_cgroup_id(const char *dir, uint64_t *out)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ok = vjbpf__is_cgroup2(fd) && fstat(fd, &st) == 0;
	close(fd);
	if (!ok)
		return -ENOTDIR;
	/* On cgroup2 the inode number is the kernfs node id, which is what
	 * bpf_get_current_cgroup_id() returns. */
	*out = (uint64_t)st.st_ino;
	return 0;
}

int vjbpf__cgroup_mktemp(const char *prefix, char *buf, size_t len)
{
	static unsigned seq;
	char root[PATH_MAX];
	int rc = vjbpf__cgroup2_root(root, sizeof(root));
	if (rc)
		return rc;
	for (int tries = 0; tries < 100; tries++) {
		if ((size_t)snprintf(buf, len, "%s/%s-%d-%u", root, prefix, (int)getpid(), seq++) >=
		    len)
			return -ENAMETOOLONG;
		if (mkdir(buf, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int vjbpf__cgroup_enter(const char *dir, int pid)
{
	char path[PATH_MAX], num[32];
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int n = snprintf(num, sizeof(num), "%d", pid);
	int rc = write(fd, num, (size_t)n) == n ? 0 : -errno;
	close(fd);
	return rc;
}
