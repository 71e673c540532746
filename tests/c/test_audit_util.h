/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the tests/c/test_audit_*.c programs: run jq (the real JSON parser
 * every check goes through), scratch directories, small file helpers.
 */
#ifndef VMJAIL_TEST_AUDIT_UTIL_H
#define VMJAIL_TEST_AUDIT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/c/tap.h"

/* Run argv, feed it `in` (may be NULL), return its stdout (malloc'd, NUL-terminated). */
static inline char *tu_run(char *const argv[], const char *in, size_t inlen, size_t *outlen,
                           int *status)
{
	int ip[2], op[2];
	if (pipe2(ip, O_CLOEXEC) < 0 || pipe2(op, O_CLOEXEC) < 0)
		return NULL;
	pid_t p = fork();
	if (p < 0)
		return NULL;
	if (p == 0) {
		dup2(ip[0], 0);
		dup2(op[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(ip[0]);
	close(op[1]);
	size_t cap = 4096, n = 0, off = 0;
	char *buf = malloc(cap);
	if (!in)
		close(ip[1]);
	struct pollfd pf[2] = {{.fd = op[0], .events = POLLIN},
	                       {.fd = in ? ip[1] : -1, .events = POLLOUT}};
	for (;;) {
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].fd >= 0 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = off < inlen ? write(ip[1], in + off, inlen - off) : 0;
			if (w > 0)
				off += (size_t)w;
			if (w <= 0 || off >= inlen) {
				close(ip[1]);
				pf[1].fd = -1;
			}
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (n + 4096 > cap)
				buf = realloc(buf, cap *= 2);
			ssize_t r = read(op[0], buf + n, cap - n - 1);
			if (r <= 0)
				break;
			n += (size_t)r;
		}
	}
	if (pf[1].fd >= 0)
		close(ip[1]);
	close(op[0]);
	int st = 0;
	waitpid(p, &st, 0);
	if (status)
		*status = st;
	buf[n] = '\0';
	if (outlen)
		*outlen = n;
	return buf;
}

/* jq [opts...] filter over data; returns output with the final newline removed. */
static inline char *tu_jq(const char *opts, const char *filter, const char *data, size_t len,
                          size_t *outlen)
{
	char *argv[6];
	int i = 0;
	argv[i++] = "jq";
	if (opts && *opts)
		argv[i++] = (char *)opts;
	argv[i++] = (char *)filter;
	argv[i] = NULL;
	int st;
	size_t n;
	char *out = tu_run(argv, data, len, &n, &st);
	if (!out)
		return NULL;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		tap_diag("jq %s '%s' failed (status %d)", opts ? opts : "", filter, st);
		free(out);
		return NULL;
	}
	if (n && out[n - 1] == '\n' && (!opts || !strchr(opts, 'j')))
		out[--n] = '\0';
	if (outlen)
		*outlen = n;
	return out;
}

/* jq -c filter; true when the output equals want. */
static inline bool tu_jq_is(const char *filter, const char *data, size_t len, const char *want)
{
	char *got = tu_jq("-c", filter, data, len, NULL);
	bool ok = got && strcmp(got, want) == 0;
	if (!ok)
		tap_diag("jq '%s': got '%s', want '%s'", filter, got ? got : "(failed)", want);
	free(got);
	return ok;
}

/* jq -sc filter (the whole stream as one array); true when the output equals want. */
static inline bool tu_jqs_is(const char *filter, const char *data, size_t len, const char *want)
{
	char *got = tu_jq("-sc", filter, data, len, NULL);
	bool ok = got && strcmp(got, want) == 0;
	if (!ok)
		tap_diag("jq -s '%s': got '%s', want '%s'", filter, got ? got : "(failed)", want);
	free(got);
	return ok;
}

static inline char *tu_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	fstat(fd, &st);
	char *b = malloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, b, (size_t)st.st_size);
	close(fd);
	if (n < 0)
		n = 0;
	b[n] = '\0';
	if (len)
		*len = (size_t)n;
	return b;
}

static inline size_t tu_count_lines(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static int tu_rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void tu_rmrf(const char *dir)
{
	nftw(dir, tu_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A fresh root-owned scratch directory (mode 0700), under /run when it can:
 * run dirs live on tmpfs in production, and a disk-backed /tmp would time
 * the journal instead of vmjail.
 */
static inline char *tu_tmpdir(void)
{
	char *d = strdup("/run/vj-audit-test.XXXXXX");
	if (mkdtemp(d))
		return d;
	strcpy(d, "/tmp/vj-audit-test.XXXXXX");
	if (!mkdtemp(d))
		return NULL;
	return d;
}

static inline double tu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void tu_require_root(void)
{
	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		exit(255);
	}
}


/*
 * The socket file a killed vmjaild leaves in its run dir.  Emitters spool
 * lifecycle records only while that file exists (a host that never runs
 * vmjaild keeps no spool), so tests of the spool path make one.
 */
static inline int tu_stale_daemon_socket(const char *run_dir)
{
	mkdir(run_dir, 0755);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/vmjaild.sock", run_dir) >=
	    sizeof(sa.sun_path))
		return -1;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(sa.sun_path);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd); /* the file stays: nobody listens, as after a kill -9 */
	return rc;
}

#endif
