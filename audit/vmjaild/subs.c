// SPDX-License-Identifier: Apache-2.0
/*
 * Subscribers: RUN_DIR/events.sock (SOCK_STREAM, root only).  A client sends
 * one request line, "follow\n" or "follow tenant=ID\n", then reads JSON
 * lines.  Each subscriber has its own bounded queue and is written
 * non-blocking: a slow one fills its queue and then loses records (and gets
 * a loss record, source "subscriber", once it has room again); it never
 * slows the daemon, the other subscribers or the supervisors.
 */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/rundir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_SUBS 256

struct vjd_sub {
	struct vjd_sub *next;
	int fd;
	bool ready, filter, want_out, rd_closed;
	char tenant[VJ_TENANT_MAX + 1];
	char req[128];
	size_t reqlen;
	char *buf;
	size_t len, off, cap;
	struct lossctr loss;
};

int vjd_subs_open(struct vjd *d, struct vj_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (d->o.sub_path && strcmp(d->o.sub_path, "none") == 0)
		return 0;
	int n = d->o.sub_path ? snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->o.sub_path)
	                      : snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", d->o.run_dir,
	                                 VJ_RUN_EVENTS_SOCK);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return vj_fail(e, ENAMETOOLONG, "subscriber socket path too long");
	memcpy(d->sub_path, sa.sun_path, sizeof(d->sub_path));
	d->sub_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->sub_fd < 0)
		return vj_failx(e, errno, "subscriber socket");
	struct stat st;
	/* Replace a stale socket of ours, never some other file. */
	if (lstat(sa.sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return vj_fail(e, EEXIST, "%s exists and is not a socket", sa.sun_path);
		unlink(sa.sun_path);
	}
	mode_t old = umask(0177);
	int rc = bind(d->sub_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(d->sub_fd, 64) < 0)
		return vj_failx(e, errno, "bind %s", sa.sun_path);
	return vjd_epoll_add(d, d->sub_fd, EPOLLIN, TAG_SUBLISTEN, NULL) < 0
	           ? vj_failx(e, errno, "epoll")
	           : 0;
}

void vjd_subs_accept(struct vjd *d)
{
	for (;;) {
		int fd = accept4(d->sub_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		if (d->nsubs >= MAX_SUBS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0 ||
		    cr.uid != geteuid()) {
			close(fd);
			continue;
		}
		struct vjd_sub *s = calloc(1, sizeof(*s));
		if (!s) {
			close(fd);
			continue;
		}
		s->fd = fd;
		s->cap = d->o.sub_buffer;
		s->next = d->subs;
		d->subs = s;
		d->nsubs++;
		vjd_epoll_add(d, fd, EPOLLIN | EPOLLRDHUP, TAG_SUB, s);
	}
}

static void sub_free(struct vjd *d, struct vjd_sub *s)
{
	for (struct vjd_sub **p = &d->subs; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	free(s->buf);
	free(s);
	d->nsubs--;
}

/* "follow\n" or "follow tenant=ID\n"; false: refuse the client. */
static bool parse_request(struct vjd_sub *s)
{
	char *nl = memchr(s->req, '\n', s->reqlen);
	if (!nl)
		return s->reqlen < sizeof(s->req) - 1; /* wait for more, within limits */
	/* The protocol is the exact line: a NUL in it would cut the string
	 * functions below short ("follow tenant=t\0junk" is not a request). */
	if (memchr(s->req, '\0', (size_t)(nl - s->req)))
		return false;
	*nl = '\0';
	if (strcmp(s->req, "follow") == 0) {
		s->ready = true;
		return true;
	}
	static const char pfx[] = "follow tenant=";
	if (strncmp(s->req, pfx, sizeof(pfx) - 1) == 0) {
		const char *id = s->req + sizeof(pfx) - 1;
		if (!vj_tenant_id_valid(id, strlen(id)))
			return false;
		snprintf(s->tenant, sizeof(s->tenant), "%s", id);
		s->filter = s->ready = true;
		return true;
	}
	return false;
}

/* Write what is queued; false when the subscriber is gone. */
static bool flush(struct vjd *d, struct vjd_sub *s)
{
	while (s->off < s->len) {
		ssize_t w =
		    send(s->fd, s->buf + s->off, s->len - s->off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return false;
		}
		s->off += (size_t)w;
	}
	if (s->off == s->len)
		s->off = s->len = 0;
	bool want = s->len > 0;
	if (want != s->want_out) {
		s->want_out = want;
		vjd_epoll_mod(d, s->fd,
		              (s->rd_closed ? 0 : EPOLLIN | EPOLLRDHUP) | (want ? EPOLLOUT : 0),
		              TAG_SUB, s);
	}
	return true;
}

static bool enqueue(struct vjd_sub *s, const char *p, size_t n)
{
	if (s->len - s->off + n > s->cap)
		return false;
	if (s->len + n > s->cap) { /* compact: what was sent goes */
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	if (!s->buf) {
		s->buf = malloc(s->cap);
		if (!s->buf)
			return false;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return true;
}

static uint64_t line_seq(const char *line, size_t n)
{
	const char *p = memmem(line, n < 64 ? n : 64, "\"seq\":", 6);
	uint64_t v = 0;
	for (p = p ? p + 6 : line + n; p < line + n && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

void vjd_subs_write(struct vjd *d, const char *line, size_t n, const char *tenant)
{
	for (struct vjd_sub *s = d->subs, *next; s; s = next) {
		next = s->next;
		if (!s->ready || (s->filter && (!tenant || strcmp(tenant, s->tenant) != 0)))
			continue;
		/* Tell it what it missed once half its queue is free again. */
		if (s->loss.count && s->len - s->off <= s->cap / 2) {
			struct vj_event ev;
			char buf[1024];
			vj_event_init(&ev, VJ_EV_LOSS, "loss");
			ev.loss_source = "subscriber";
			ev.loss_count = s->loss.count;
			ev.since_seq = s->loss.since;
			ev.tenant = s->filter ? s->tenant : NULL;
			ev.seq = vj_seq_next(&d->seq);
			clock_gettime(CLOCK_REALTIME, &ev.time);
			ev.host = d->hi.host;
			ev.boot_id = d->hi.boot_id;
			ev.source = "vmjaild";
			int m = vj_event_to_json(&ev, buf, sizeof(buf));
			if (m > 0 && enqueue(s, buf, (size_t)m))
				s->loss = (struct lossctr){0};
		}
		if (s->loss.count || !enqueue(s, line, n)) {
			if (s->loss.count == 0)
				s->loss.since = line_seq(line, n);
			s->loss.count++;
			d->st.lost_subs++;
			continue;
		}
		if (!flush(d, s))
			sub_free(d, s);
	}
}

void vjd_sub_event(struct vjd *d, struct vjd_sub *s, uint32_t events)
{
	if (events & EPOLLIN) {
		char tmp[256];
		ssize_t n = recv(s->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n == 0 && s->ready) {
			/* A client may half-close after its request: keep writing to it. */
			s->rd_closed = true;
			vjd_epoll_mod(d, s->fd, s->want_out ? EPOLLOUT : 0, TAG_SUB, s);
			return;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			sub_free(d, s);
			return;
		}
		if (n > 0 && !s->ready) {
			size_t take = (size_t)n < sizeof(s->req) - 1 - s->reqlen
			                  ? (size_t)n
			                  : sizeof(s->req) - 1 - s->reqlen;
			memcpy(s->req + s->reqlen, tmp, take);
			s->reqlen += take;
			s->req[s->reqlen] = '\0';
			if (!parse_request(s)) {
				sub_free(d, s);
				return;
			}
		}
		/* After the request, anything a client sends is ignored. */
	}
	if ((events & EPOLLERR) || ((events & EPOLLHUP) && !(events & EPOLLIN)) || !flush(d, s)) {
		sub_free(d, s);
		return;
	}
}

void vjd_subs_close(struct vjd *d)
{
	while (d->subs) {
		/* Last chance for what is queued, without waiting on anyone. */
		flush(d, d->subs);
		sub_free(d, d->subs);
	}
	if (d->sub_fd >= 0) {
		close(d->sub_fd);
		unlink(d->sub_path);
	}
	d->sub_fd = -1;
}
