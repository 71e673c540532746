// SPDX-License-Identifier: Apache-2.0
/* Refuse a tenant uid that owns processes (see uidcheck.h). */
#include "jailer/uidcheck.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The four uids of /proc/<pid>/status; 0 on success, -ESRCH for a process
 * that has exited (a zombie waiting for its parent runs nothing and can be
 * acted on by no one). */
static int read_uids(int procfd, const char *pid, unsigned long uids[4])
{
	char path[64], buf[4096];
	vj_fmt(path, sizeof(path), "%s/status", pid);
	long n = vj_read_text(procfd, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	char *st = strstr(buf, "\nState:\t");
	if (st && (st[8] == 'Z' || st[8] == 'X'))
		return -ESRCH;
	char *l = strstr(buf, "\nUid:");
	if (!l || sscanf(l + 5, "%lu %lu %lu %lu", &uids[0], &uids[1], &uids[2], &uids[3]) != 4)
		return -EIO;
	return 0;
}

int vj_uid_check_unused(uid_t uid, struct vj_err *e)
{
	vj_err_step(e, "uid");
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return vj_failx(e, errno, "open /proc (needed to check uid %u is unused)",
		                (unsigned)uid);
	int dfd = dup(procfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		close(procfd);
		return vj_failx(e, errno, "reading /proc");
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		unsigned long u[4];
		if (read_uids(procfd, de->d_name, u) < 0)
			continue; /* gone meanwhile */
		for (int i = 0; i < 4; i++)
			if (u[i] == (unsigned long)uid) {
				rc = vj_fail(e, EBUSY,
				             "uid %u owns process %s: without a pid namespace the "
				             "tenant could reach it (prlimit, setpriority, "
				             "sched_setaffinity); give the tenant a uid of its own "
				             "or a pid namespace (--new-pid-ns)",
				             (unsigned)uid, de->d_name);
				break;
			}
	}
	closedir(d);
	close(procfd);
	return rc;
}
