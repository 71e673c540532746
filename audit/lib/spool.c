// SPDX-License-Identifier: Apache-2.0
#include "audit/lib/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int vj_spool_write(int spoolfd, uint64_t seq, const char *frame, size_t n)
{
	char tmp[64], name[64];
	snprintf(tmp, sizeof(tmp), ".%020" PRIu64 "-%d.tmp", seq, (int)getpid());
	snprintf(name, sizeof(name), "%020" PRIu64 "-%d" VJ_SPOOL_SUFFIX, seq, (int)getpid());
	int fd = openat(spoolfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, frame, n);
	int err = w < 0 ? errno : ((size_t)w != n ? EIO : 0);
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && renameat(spoolfd, tmp, spoolfd, name) < 0)
		err = errno;
	if (err) {
		unlinkat(spoolfd, tmp, 0);
		return -err;
	}
	return 0;
}

int vj_spool_name_ok(const char *name)
{
	size_t n = strlen(name), s = strlen(VJ_SPOOL_SUFFIX);
	return name[0] != '.' && n > s && strcmp(name + n - s, VJ_SPOOL_SUFFIX) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void reap_tmp(int spoolfd, const char *name)
{
	struct stat st;
	if (fstatat(spoolfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && time(NULL) - st.st_mtime > 60)
		unlinkat(spoolfd, name, 0);
}

long vj_spool_scan(int spoolfd, char *buf, size_t cap, vj_spool_fn fn, void *ctx,
                   unsigned long *bad)
{
	int dfd = openat(spoolfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int err = errno;
		close(dfd);
		return -err;
	}
	char **names = NULL;
	size_t nn = 0, alloc = 0;
	long rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				reap_tmp(spoolfd, de->d_name);
			continue;
		}
		if (!vj_spool_name_ok(de->d_name)) {
			unlinkat(spoolfd, de->d_name, 0); /* not ours: refuse to keep junk */
			if (bad)
				(*bad)++;
			continue;
		}
		if (nn == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			char **nv = realloc(names, na * sizeof(*nv));
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			names = nv;
			alloc = na;
		}
		if (!(names[nn] = strdup(de->d_name))) {
			rc = -ENOMEM;
			break;
		}
		nn++;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_names);
	long done = 0, stop = 0;
	for (size_t i = 0; i < nn && stop == 0; i++) {
		int fd = openat(spoolfd, names[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue; /* raced with another scan: it is handled */
		struct stat st;
		ssize_t n = -1;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= cap)
			n = read(fd, buf, cap);
		close(fd);
		if (n < 0 || (size_t)n != (size_t)st.st_size) {
			unlinkat(spoolfd, names[i], 0);
			if (bad)
				(*bad)++;
			continue;
		}
		int r = fn(ctx, buf, (size_t)n, names[i]);
		if (r < 0) {
			stop = r;
			break;
		}
		unlinkat(spoolfd, names[i], 0);
		done++;
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	if (stop < 0)
		return stop;
	/* A listing cut short by ENOMEM still delivered what it had. */
	return done ? done : rc;
}
