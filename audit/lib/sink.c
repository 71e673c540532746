// SPDX-License-Identifier: Apache-2.0
/*
 * Why each file type is written the way it is:
 *  - regular file: plain write(); the page cache does not wait for a reader,
 *    and O_APPEND keeps concurrent supervisors' lines whole;
 *  - pipe/FIFO: pwritev2(RWF_NOWAIT), a per-call non-blocking write, because
 *    setting O_NONBLOCK on an inherited stdout would change it for every
 *    process sharing the open file description; SIGPIPE is blocked for the
 *    call so a vanished reader cannot kill the supervisor;
 *  - socket: send(MSG_DONTWAIT | MSG_NOSIGNAL) for the same two reasons;
 *  - anything else (a terminal): plain write(), best effort.
 */
#include "audit/lib/sink.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int classify(struct vj_sink *s, struct vj_err *e)
{
	struct stat st;
	if (fstat(s->fd, &st) < 0)
		return vj_failx(e, errno, "stat log sink");
	s->size = 0;
	if (S_ISREG(st.st_mode)) {
		s->type = VJ_SINK_REG;
		s->size = (uint64_t)st.st_size;
	} else if (S_ISFIFO(st.st_mode))
		s->type = VJ_SINK_PIPE;
	else if (S_ISSOCK(st.st_mode))
		s->type = VJ_SINK_SOCK;
	else
		s->type = VJ_SINK_OTHER;
	return 0;
}

static int open_file(struct vj_sink *s, struct vj_err *e)
{
	/* O_NONBLOCK: opening a FIFO with no reader must not hang the opener. */
	int fd = open(
	    s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
	    0600);
	if (fd < 0)
		return vj_failx(e, errno, "open log %s", s->path);
	s->fd = fd;
	s->own = true;
	return classify(s, e);
}

int vj_sink_open_path(struct vj_sink *s, const char *path, uint64_t max_size, unsigned keep,
                      struct vj_err *e)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (strlen(path) > PATH_MAX - 16)
		return vj_fail(e, ENAMETOOLONG, "log path too long");
	s->path = strdup(path);
	if (!s->path)
		return vj_fail(e, ENOMEM, "log path");
	s->max_size = max_size;
	s->keep = keep;
	int rc = open_file(s, e);
	if (rc < 0)
		vj_sink_close(s);
	return rc;
}

int vj_sink_open_fd(struct vj_sink *s, int fd, struct vj_err *e)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	return classify(s, e);
}

/* One attempt, never blocking; returns bytes written or -errno. */
static ssize_t try_write(struct vj_sink *s, const char *p, size_t n)
{
	ssize_t w;
	switch (s->type) {
	case VJ_SINK_SOCK:
		w = send(s->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case VJ_SINK_PIPE: {
		struct iovec iov = {.iov_base = (void *)p, .iov_len = n};
		sigset_t pipe_set, old, pending;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		sigpending(&pending);
		bool was_pending = sigismember(&pending, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
		w = pwritev2(s->fd, &iov, 1, -1, RWF_NOWAIT);
		int err = errno;
		if (w < 0 && err == EPIPE && !was_pending) {
			struct timespec zero = {0, 0};
			sigtimedwait(&pipe_set, NULL, &zero); /* eat the SIGPIPE we caused */
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		errno = err;
		break;
	}
	default:
		w = write(s->fd, p, n);
	}
	if (w < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return w;
}

/* 1 when no tail is left, 0 when some still waits, -errno on a dead sink. */
static int flush_pending(struct vj_sink *s)
{
	while (s->pend && s->pend_off < s->pend_len) {
		ssize_t w = try_write(s, s->pend + s->pend_off, s->pend_len - s->pend_off);
		if (w == -EAGAIN)
			return 0;
		if (w < 0) {
			free(s->pend);
			s->pend = NULL;
			return (int)w;
		}
		s->pend_off += (size_t)w;
	}
	free(s->pend);
	s->pend = NULL;
	s->pend_len = s->pend_off = 0;
	return 1;
}

int vj_sink_write(struct vj_sink *s, const char *line, size_t n)
{
	if (s->fd < 0)
		return -EBADF;
	int rc = flush_pending(s);
	if (rc <= 0)
		return rc;
	if (s->type == VJ_SINK_REG && s->path && s->max_size && s->size > 0 &&
	    s->size + n > s->max_size) {
		struct vj_err scratch = {0};
		if (vj_sink_rotate(s, &scratch) < 0 && s->fd < 0)
			return -scratch.err;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = try_write(s, line + off, n - off);
		if (w == -EAGAIN && off == 0)
			return 0;
		if (w == -EAGAIN) {
			/* Started: the rest must follow before any other line. */
			s->pend = malloc(n - off);
			if (!s->pend)
				return -ENOMEM;
			memcpy(s->pend, line + off, n - off);
			s->pend_len = n - off;
			s->pend_off = 0;
			break;
		}
		if (w < 0)
			return (int)w;
		if (w == 0)
			return -EIO;
		off += (size_t)w;
	}
	s->size += n;
	return 1;
}

int vj_sink_rotate(struct vj_sink *s, struct vj_err *e)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (!s->path)
		return vj_fail(e, EINVAL, "only a log file can rotate");
	if (s->own && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->keep == 0) {
		unlink(s->path);
	} else {
		for (unsigned i = s->keep; i > 1; i--) {
			snprintf(from, sizeof(from), "%s.%u", s->path, i - 1);
			snprintf(to, sizeof(to), "%s.%u", s->path, i);
			if (rename(from, to) < 0 && errno != ENOENT)
				return vj_failx(e, errno, "rotate %s", from);
		}
		snprintf(to, sizeof(to), "%s.1", s->path);
		if (rename(s->path, to) < 0 && errno != ENOENT) {
			int err = errno;
			open_file(s, e);
			return vj_failx(e, err, "rotate %s", s->path);
		}
	}
	s->rotations++;
	return open_file(s, e);
}

int vj_sink_reopen(struct vj_sink *s, struct vj_err *e)
{
	if (!s->path)
		return 0;
	if (s->own && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return open_file(s, e);
}

void vj_sink_drain(struct vj_sink *s, int timeout_ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (s->fd >= 0 && s->pend && flush_pending(s) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= timeout_ms)
			break;
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		poll(&p, 1, (int)(timeout_ms - ms));
	}
}

void vj_sink_close(struct vj_sink *s)
{
	if (s->own && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->pend);
	free(s->path);
	s->pend = NULL;
	s->path = NULL;
}
