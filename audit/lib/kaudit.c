// SPDX-License-Identifier: Apache-2.0
/*
 * The NETLINK_AUDIT multicast reader and the grouping of records into
 * events.  Records of one event share audit(sec.msec:serial); the kernel
 * ends syscall events with an EOE record, but a seccomp record written while
 * audit is disabled has no EOE and no SYSCALL companion, so a group is also
 * closed after KA_WINDOW_MS without a new record.  Several events can be
 * open at once (records from different CPUs interleave); at most KA_OPEN are
 * kept, and the oldest is flushed early when more arrive.
 */
#include "audit/kaudit.h"
#include "audit/lib/kaudit_group.h"
#include "audit/lib/kaudit_rec.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define KA_OPEN      32
#define KA_WINDOW_MS 50
#define KA_RCVBUF    (8 << 20)
/* Refused denials are reported at most this often (one tenant's flood of
 * records we refuse must not become a flood of loss records in every
 * stream), and always at a flush. */
#define KA_REFUSED_MS 1000

struct slot {
	bool used;
	struct timespec last; /* CLOCK_MONOTONIC of the newest record */
	struct ka_group g;
};

struct vj_kaudit {
	int fd;
	vj_kaudit_cb cb;
	void *ctx;
	struct slot slots[KA_OPEN];
	struct vj_kaudit_stats st;
	int dispatched;               /* events dispatched during the current drain */
	uint64_t refused_pending;     /* refused denials not yet reported */
	struct timespec refused_last; /* CLOCK_MONOTONIC of the last report */
	char buf[KA_REC_MAX + NLMSG_HDRLEN + 64];
};

static long ms_since(const struct timespec *a, const struct timespec *now)
{
	return (now->tv_sec - a->tv_sec) * 1000 + (now->tv_nsec - a->tv_nsec) / 1000000;
}

static void slot_free(struct slot *s)
{
	for (int i = 0; i < s->g.n; i++)
		free(s->g.rec[i].body);
	memset(s, 0, sizeof(*s));
}

/*
 * A denial the kernel delivered but we refused (a malformed record or field
 * we will not guess, no room in its group, no memory) is missing from the
 * stream like a lost one: it is counted, and reported as a loss (source
 * "decode") at most once per KA_REFUSED_MS, or at once when forced.
 */
static void refused(struct vj_kaudit *k, uint64_t n)
{
	k->st.refused += n;
	k->refused_pending += n;
}

static void report_refused(struct vj_kaudit *k, bool force)
{
	struct timespec now;
	if (!k->refused_pending)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && k->refused_last.tv_sec && ms_since(&k->refused_last, &now) < KA_REFUSED_MS)
		return;
	k->refused_last = now;
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LOSS, "loss");
	ev.source = "kernel-audit";
	ev.loss_source = "decode";
	ev.loss_count = k->refused_pending;
	k->refused_pending = 0;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	k->cb(k->ctx, &ev, NULL);
	k->dispatched++;
}

static void slot_flush(struct vj_kaudit *k, struct slot *s)
{
	if (s->g.wanted) {
		uint64_t lost = 0;
		int n = ka_dispatch(&s->g, k->cb, k->ctx, &k->st.malformed, &lost);
		if (lost)
			refused(k, lost);
		k->st.events += (uint64_t)n;
		k->dispatched += n;
	}
	slot_free(s);
}

static int make(struct vj_kaudit **out, vj_kaudit_cb cb, void *ctx, struct vj_err *e)
{
	*out = NULL;
	if (!cb)
		return vj_fail(e, EINVAL, "kaudit: no callback");
	struct vj_kaudit *k = calloc(1, sizeof(*k));
	if (!k)
		return vj_fail(e, ENOMEM, "kaudit: out of memory");
	k->fd = -1;
	k->cb = cb;
	k->ctx = ctx;
	*out = k;
	return 0;
}

int vj_kaudit_new(struct vj_kaudit **out, vj_kaudit_cb cb, void *ctx, struct vj_err *e)
{
	return make(out, cb, ctx, e);
}

int vj_kaudit_open(struct vj_kaudit **out, vj_kaudit_cb cb, void *ctx, struct vj_err *e)
{
	int rc = make(out, cb, ctx, e);
	if (rc < 0)
		return rc;
	struct vj_kaudit *k = *out;
	vj_err_step(e, "kaudit");
	k->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (k->fd < 0) {
		rc = vj_failx(e, errno, "NETLINK_AUDIT socket");
		goto fail;
	}
	/* A burst of denials must not overflow the queue while we format. */
	int sz = KA_RCVBUF;
	if (setsockopt(k->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	struct sockaddr_nl sa = {
	    .nl_family = AF_NETLINK,
	    .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	if (bind(k->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = vj_failx(e, errno, "bind NETLINK_AUDIT multicast (needs CAP_AUDIT_READ)");
		goto fail;
	}
	return 0;
fail:
	vj_kaudit_close(k);
	*out = NULL;
	return rc;
}

int vj_kaudit_fd(const struct vj_kaudit *k)
{
	return k ? k->fd : -1;
}

static struct slot *find_slot(struct vj_kaudit *k, const struct ka_hdr *h)
{
	struct slot *free_slot = NULL, *oldest = NULL;
	for (int i = 0; i < KA_OPEN; i++) {
		struct slot *s = &k->slots[i];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->g.serial == h->serial && s->g.sec == h->sec && s->g.msec == h->msec)
			return s;
		if (!oldest || s->g.serial < oldest->g.serial)
			oldest = s;
	}
	if (!free_slot) {
		k->st.evicted++;
		slot_flush(k, oldest);
		free_slot = oldest;
	}
	free_slot->used = true;
	free_slot->g.serial = h->serial;
	free_slot->g.sec = h->sec;
	free_slot->g.msec = h->msec;
	return free_slot;
}

void vj_kaudit_feed(struct vj_kaudit *k, int type, const char *text, size_t len)
{
	struct ka_hdr h;
	if (!k)
		return;
	k->st.records++;
	if (len > KA_REC_MAX || ka_parse_header(text, len, &h) < 0) {
		k->st.malformed++;
		if (ka_type_wanted(type))
			refused(k, 1);
		return;
	}
	bool eoe = type == AUDIT_EOE;
	if (!eoe && !ka_type_kept(type))
		return;
	struct slot *s = find_slot(k, &h);
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	if (eoe) {
		s->g.ended = true;
		slot_flush(k, s);
		return;
	}
	if (s->g.n >= KA_GROUP_RECS) {
		k->st.malformed++; /* more records than any real event has */
		if (ka_type_wanted(type))
			refused(k, 1);
		return;
	}
	char *copy = malloc(h.len + 1);
	if (!copy) {
		if (ka_type_wanted(type))
			refused(k, 1);
		return;
	}
	memcpy(copy, h.body, h.len);
	copy[h.len] = '\0';
	s->g.rec[s->g.n++] = (struct ka_rec){.type = type, .body = copy, .len = h.len};
	if (ka_type_wanted(type))
		s->g.wanted = true;
}

void vj_kaudit_flush(struct vj_kaudit *k)
{
	if (!k)
		return;
	/* Oldest first, so events come out in kernel order. */
	for (;;) {
		struct slot *oldest = NULL;
		for (int i = 0; i < KA_OPEN; i++)
			if (k->slots[i].used &&
			    (!oldest || k->slots[i].g.serial < oldest->g.serial))
				oldest = &k->slots[i];
		if (!oldest)
			break;
		slot_flush(k, oldest);
	}
	report_refused(k, true);
}

int vj_kaudit_timeout_ms(const struct vj_kaudit *k)
{
	struct timespec now;
	long best = -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (int i = 0; k && i < KA_OPEN; i++) {
		if (!k->slots[i].used)
			continue;
		long left = KA_WINDOW_MS - ms_since(&k->slots[i].last, &now);
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	if (k && k->refused_pending) {
		long left = KA_REFUSED_MS - ms_since(&k->refused_last, &now);
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return (int)best;
}

void vj_kaudit_tick(struct vj_kaudit *k)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (;;) {
		struct slot *oldest = NULL;
		for (int i = 0; k && i < KA_OPEN; i++) {
			struct slot *s = &k->slots[i];
			if (s->used && ms_since(&s->last, &now) >= KA_WINDOW_MS &&
			    (!oldest || s->g.serial < oldest->g.serial))
				oldest = s;
		}
		if (!oldest)
			break;
		slot_flush(k, oldest);
	}
	if (k)
		report_refused(k, false);
}

static void overflow(struct vj_kaudit *k)
{
	struct vj_event ev;
	k->st.overflows++;
	vj_event_init(&ev, VJ_EV_LOSS, "loss");
	ev.source = "kernel-audit";
	ev.loss_source = "netlink-overflow";
	ev.loss_count = 1;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	k->cb(k->ctx, &ev, NULL);
	k->dispatched++;
}

int vj_kaudit_drain(struct vj_kaudit *k)
{
	if (!k || k->fd < 0)
		return -EBADF;
	k->dispatched = 0;
	for (int budget = 4096; budget > 0; budget--) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(k->fd, k->buf, sizeof(k->buf), MSG_DONTWAIT | MSG_TRUNC,
		                     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				overflow(k);
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		if ((size_t)n > sizeof(k->buf) || fl < sizeof(from) || from.nl_pid != 0) {
			k->st.malformed++; /* truncated, or not from the kernel */
			/* a kernel message we could not read whole may have
			 * been a denial (longer than the kernel's maximum:
			 * cannot happen, but then it is counted) */
			if (fl >= sizeof(from) && from.nl_pid == 0)
				refused(k, 1);
			continue;
		}
		/*
		 * int, not size_t: audit records have unaligned lengths, so
		 * NLMSG_NEXT can take `left` below zero, which NLMSG_OK must see.
		 */
		int left = (int)n;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)k->buf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			size_t plen = nh->nlmsg_len - NLMSG_HDRLEN;
			if (nh->nlmsg_type < AUDIT_FIRST_USER_MSG)
				continue; /* NLMSG_DONE / errors / control */
			vj_kaudit_feed(k, nh->nlmsg_type, (const char *)NLMSG_DATA(nh), plen);
		}
	}
	report_refused(k, false);
	return k->dispatched;
}

void vj_kaudit_get_stats(const struct vj_kaudit *k, struct vj_kaudit_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (k)
		*st = k->st;
}

void vj_kaudit_close(struct vj_kaudit *k)
{
	if (!k)
		return;
	for (int i = 0; i < KA_OPEN; i++)
		if (k->slots[i].used)
			slot_free(&k->slots[i]);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}
