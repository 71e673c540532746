// SPDX-License-Identifier: Apache-2.0
#include "jailer/qmp.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "jailer/paths.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line (QMP frames are '\n'-terminated JSON objects) into line. */
static int read_line(struct vj_qmp *q, char *line, size_t linelen, long long deadline,
                     struct vj_err *e)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			size_t n = (size_t)(nl - q->buf);
			if (n >= linelen)
				return vj_fail(e, EMSGSIZE, "QMP reply longer than %zu bytes",
				               linelen);
			memcpy(line, q->buf, n);
			line[n] = '\0';
			q->len -= n + 1;
			memmove(q->buf, nl + 1, q->len);
			return 0;
		}
		if (q->len == sizeof(q->buf))
			return vj_fail(e, EMSGSIZE, "QMP reply without end of line");
		long long left = deadline - now_ms();
		if (left <= 0)
			return vj_fail(e, ETIMEDOUT, "QMP: no reply in time");
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? vj_fail(e, ETIMEDOUT, "QMP: no reply in time")
			              : vj_failx(e, errno, "QMP poll");
		ssize_t n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n == 0)
			return vj_fail(e, ECONNRESET, "QMP: the VMM closed the monitor");
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return vj_failx(e, errno, "QMP read");
		if (n > 0)
			q->len += (size_t)n;
	}
}

/* The first key of a reply object: "return", "error", "event"... */
static const char *first_key(const char *line, char *key, size_t keylen)
{
	const char *p = line + strspn(line, " \t\r");
	if (*p++ != '{')
		return NULL;
	p += strspn(p, " \t\r");
	if (*p++ != '"')
		return NULL;
	size_t n = strcspn(p, "\"");
	if (n >= keylen || p[n] != '"')
		return NULL;
	memcpy(key, p, n);
	key[n] = '\0';
	return key;
}

static int send_all(int fd, const char *s, int pass_fd)
{
	size_t len = strlen(s);
	struct iovec iov = {.iov_base = (void *)s, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (pass_fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	/* the rest (rare: only for huge commands) without the fd */
	for (size_t off = (size_t)n; off < len;) {
		ssize_t w = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (w < 0)
			return -errno;
		off += (size_t)w;
	}
	return 0;
}

int vj_qmp_cmd(struct vj_qmp *q, const char *cmd, int pass_fd, char *reply, size_t replylen,
               int timeout_ms, struct vj_err *e)
{
	char line[8192];
	int rc = send_all(q->fd, cmd, pass_fd);
	if (rc < 0)
		return vj_failx(e, rc, "QMP send");
	if (send_all(q->fd, "\n", -1) < 0)
		return vj_failx(e, errno, "QMP send");
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		rc = read_line(q, line, sizeof(line), deadline, e);
		if (rc < 0)
			return rc;
		char key[16];
		const char *k = first_key(line, key, sizeof(key));
		if (!k)
			continue; /* not an object: ignore, bounded by the deadline */
		if (strcmp(k, "return") && strcmp(k, "error"))
			continue; /* events and greetings */
		if (reply)
			snprintf(reply, replylen, "%s", line);
		if (strcmp(k, "error") == 0)
			return vj_fail(e, EREMOTEIO, "QMP %s failed: %.300s", cmd, line);
		return 0;
	}
}

int vj_qmp_open(struct vj_qmp *q, int root_fd, const char *jail_path, uid_t owner, int timeout_ms,
                struct vj_err *e)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	long long deadline = now_ms() + timeout_ms;
	int sfd;
	/* The VMM creates the socket some time after it starts. */
	for (;;) {
		sfd = vj_open_beneath(root_fd, jail_path[0] == '/' ? jail_path + 1 : jail_path,
		                      O_PATH, 0);
		if (sfd >= 0 || sfd != -ENOENT || now_ms() >= deadline)
			break;
		usleep(20000);
	}
	if (sfd < 0)
		return vj_failx(e, sfd, "QMP socket %s in the jail", jail_path);
	struct stat st;
	if (fstat(sfd, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != owner) {
		close(sfd);
		return vj_fail(e, EPERM, "QMP socket %s is not a socket owned by the tenant",
		               jail_path);
	}
	/* Connect through the fd we checked, never through a path again. */
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", sfd);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = q->fd < 0 ? -errno : 0;
	while (!rc && connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if ((errno != ECONNREFUSED && errno != EAGAIN) || now_ms() >= deadline)
			rc = -errno;
		else
			usleep(20000);
	}
	close(sfd);
	if (rc < 0) {
		vj_qmp_close(q);
		return vj_failx(e, rc, "connecting to QMP %s", jail_path);
	}
	char line[8192];
	rc = read_line(q, line, sizeof(line), deadline, e); /* {"QMP": {...}} */
	if (!rc && !strstr(line, "\"QMP\""))
		rc = vj_fail(e, EPROTO, "QMP: unexpected greeting");
	if (!rc)
		rc = vj_qmp_cmd(q, "{\"execute\":\"qmp_capabilities\"}", -1, NULL, 0,
		                (int)(deadline - now_ms() > 1000 ? deadline - now_ms() : 1000), e);
	if (rc < 0)
		vj_qmp_close(q);
	return rc;
}

void vj_qmp_close(struct vj_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->len = 0;
}
