// SPDX-License-Identifier: Apache-2.0
/*
 * Supervisors' frames in: RUN_DIR/vmjaild.sock (SOCK_SEQPACKET, one frame per
 * message, root peers only) for enforcement records, and RUN_DIR/spool for
 * lifecycle and loss records.  After each batch read from a connection the
 * daemon acknowledges how many frames it has taken, so an emitter can tell
 * what a daemon crash may have cost it.  A spool file is deleted only after
 * its record went to the outputs.
 */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/rundir.h"
#include "audit/lib/spool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Frames taken from one connection per wake-up: no supervisor starves others. */
#define CONN_BUDGET 256

struct vjd_conn {
	struct vjd_conn *next;
	int fd;
	uint64_t frames, last_seq;
};

static void take_frame(struct vjd *d, const char *buf, size_t n, bool from_spool)
{
	struct vj_wire_hdr h;
	const char *line;
	size_t ll;
	if (vj_wire_parse(buf, n, &h, &line, &ll) < 0) {
		d->st.bad_frames++;
		return;
	}
	d->st.frames++;
	if (from_spool)
		d->st.spooled++;
	vjd_attrib_frame(d, &h);
	/*
	 * A supervisor that reads kernel audit itself forwards what it read;
	 * with our own kernel source on, we already wrote that record (once,
	 * for every tenant): keep ours, not a second copy with another seq.
	 * The same for the losses of the supervisor's own socket and teardown
	 * (netlink-overflow, kernel-backlog): our socket did not lose them.
	 * Its kernel-lost records are not marked (audit/lib/emit.c): the
	 * kernel's loss is every reader's, and that record is the tenant's.
	 */
	if ((h.flags & VJ_WIRE_F_KERNEL) && d->ka) {
		d->st.kernel_dup++;
		return;
	}
	vjd_out_line(d, line, ll, h.tenant_len ? h.tenant : NULL);
}

int vjd_ingest_open(struct vjd *d, struct vj_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", d->o.run_dir,
	                     VJ_RUN_INGEST_SOCK) >= sizeof(sa.sun_path))
		return vj_fail(e, ENAMETOOLONG, "run dir too long for a socket path");
	memcpy(d->ingest_path, sa.sun_path, sizeof(d->ingest_path));
	d->ingest_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->ingest_fd < 0)
		return vj_failx(e, errno, "ingest socket");
	/* The lock we hold says no other daemon owns this path: a stale one goes. */
	unlinkat(d->rundirfd, VJ_RUN_INGEST_SOCK, 0);
	mode_t old = umask(0177);
	int rc = bind(d->ingest_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(d->ingest_fd, 128) < 0)
		return vj_failx(e, errno, "bind %s", sa.sun_path);
	return vjd_epoll_add(d, d->ingest_fd, EPOLLIN, TAG_INGEST, NULL) < 0
	           ? vj_failx(e, errno, "epoll")
	           : 0;
}

void vjd_ingest_accept(struct vjd *d)
{
	for (;;) {
		int fd = accept4(d->ingest_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		/* The socket is 0600 in a 0700 dir; the credential check is the second lock. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0 || cr.uid != geteuid()) {
			close(fd);
			continue;
		}
		struct vjd_conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = d->conns;
		d->conns = c;
		vjd_epoll_add(d, fd, EPOLLIN | EPOLLRDHUP, TAG_CONN, c);
	}
}

static void conn_free(struct vjd *d, struct vjd_conn *c)
{
	for (struct vjd_conn **p = &d->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Read up to budget frames; false when the peer is gone. */
static bool conn_read(struct vjd *d, struct vjd_conn *c, int budget)
{
	bool alive = true;
	uint64_t before = c->frames;
	for (int i = 0; i < budget; i++) {
		ssize_t n = recv(c->fd, d->frame, sizeof(d->frame), MSG_DONTWAIT | MSG_TRUNC);
		if (n == 0) {
			alive = false;
			break;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				alive = false;
			break;
		}
		c->frames++;
		if ((size_t)n > sizeof(d->frame)) {
			d->st.bad_frames++; /* truncated: refuse it whole */
			continue;
		}
		struct vj_wire_hdr h;
		if ((size_t)n >= sizeof(h)) {
			memcpy(&h, d->frame, sizeof(h));
			c->last_seq = h.seq;
		}
		take_frame(d, d->frame, (size_t)n, false);
	}
	if (c->frames != before) {
		struct vj_wire_ack ack = {
		    .magic = VJ_WIRE_MAGIC, .frames = c->frames, .last_seq = c->last_seq};
		/* Best effort: acks are cumulative, a later one replaces a lost one. */
		send(c->fd, &ack, sizeof(ack), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	return alive;
}

void vjd_ingest_conn(struct vjd *d, struct vjd_conn *c, uint32_t events)
{
	bool alive = conn_read(d, c, CONN_BUDGET);
	if (!alive || ((events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN)))
		conn_free(d, c);
}

void vjd_ingest_close(struct vjd *d)
{
	while (d->conns) {
		conn_read(d, d->conns, 1 << 20); /* everything already queued */
		conn_free(d, d->conns);
	}
	if (d->ingest_fd >= 0) {
		close(d->ingest_fd);
		/* Removed only on a clean stop: supervisors then stop spooling
		 * (audit/lib/emit.c), a host without vmjaild keeps no spool. */
		if (d->rundirfd >= 0)
			unlinkat(d->rundirfd, VJ_RUN_INGEST_SOCK, 0);
	}
	d->ingest_fd = -1;
}

int vjd_spool_watch(struct vjd *d, struct vj_err *e)
{
	char path[4200];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->spoolfd);
	d->inofd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (d->inofd < 0 || inotify_add_watch(d->inofd, path, IN_MOVED_TO) < 0)
		return vj_failx(e, errno, "inotify on spool");
	return vjd_epoll_add(d, d->inofd, EPOLLIN, TAG_INOTIFY, NULL) < 0
	           ? vj_failx(e, errno, "epoll")
	           : 0;
}

static int spool_cb(void *ctx, const char *frame, size_t n, const char *name)
{
	struct vjd *d = ctx;
	(void)name;
	take_frame(d, frame, n, true);
	/* Counter shared with emitters (their spool cap); never below zero. */
	uint64_t *cnt = &d->seq.shm->spool_files, cur = __atomic_load_n(cnt, __ATOMIC_RELAXED);
	while (cur > 0 && !__atomic_compare_exchange_n(cnt, &cur, cur - 1, false, __ATOMIC_RELAXED,
	                                               __ATOMIC_RELAXED))
		;
	return 0;
}

void vjd_spool_ingest(struct vjd *d)
{
	unsigned long bad = 0;
	if (d->spoolfd < 0)
		return;
	long n = vj_spool_scan(d->spoolfd, d->frame, sizeof(d->frame), spool_cb, d, &bad);
	d->st.bad_frames += bad;
	if (n < 0)
		vjd_log("spool scan: %s", strerror((int)-n));
}
