// SPDX-License-Identifier: Apache-2.0
/*
 * vj_audit_*: the supervisor's emitter (contract in audit/audit.h).
 *
 * Delivery to vmjaild, and why it is split in two:
 *  - lifecycle and loss records are few (a dozen per VM life) and must not
 *    be lost, so they are written to run_dir/spool first; vmjaild picks them
 *    up with inotify and on start, and deletes each only once it is written
 *    out.  A kill -9 of the daemon at any moment loses none of them.
 *  - enforcement records can come in floods (a hostile VMM choosing to be
 *    denied), so they go over a SOCK_SEQPACKET connection, non-blocking;
 *    a full queue or a dead daemon drops them, counted.  SEQPACKET rather
 *    than DGRAM because a connected unix socket is limited by bytes
 *    (sk_sndbuf), not by net.unix.max_dgram_qlen (10 on Debian).  vmjaild
 *    acknowledges what it read; frames sent but never acknowledged when the
 *    connection breaks are reported as lost ("daemon-down", an upper bound:
 *    the daemon may have written some of them before dying).
 */
#include "audit/audit.h"
#include "audit/lib/hostinfo.h"
#include "audit/lib/ocsf.h"
#include "audit/lib/rundir.h"
#include "audit/lib/seq.h"
#include "audit/lib/sink.h"
#include "audit/lib/spool.h"
#include "audit/lib/wire.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

struct lossctr {
	uint64_t count, since;
};

struct vj_audit {
	pthread_mutex_t mu;
	char *tenant, *vmm, *policy, *policy_hash;
	uint64_t cgroup_id;
	struct vj_hostinfo hi;
	int rundirfd, spoolfd;
	struct vj_seq seq;
	bool has_log;
	bool daemon_expected; /* vmjaild's socket exists: it runs, or will be back */
	struct vj_sink log;
	struct sockaddr_un daddr;

	int dsock;
	struct timespec retry_at; /* no connect attempt before this (CLOCK_MONOTONIC) */
	uint64_t conn_sent, conn_acked, conn_first_seq, conn_acked_seq;

	struct lossctr l_log, l_rate_log, l_rate_daemon, l_queue, l_down, l_spool;
	double tokens;
	struct timespec last_refill;

	struct vj_audit_stats st;
	char line[VJ_JSON_LINE_MAX];
	int log_format;                  /* enum vj_audit_format */
	char log_line[VJ_JSON_LINE_MAX]; /* the log's encoding when it is not v1 */
	char frame[VJ_WIRE_FRAME_MAX];
};

static void loss_add(struct lossctr *l, uint64_t seq, uint64_t n)
{
	if (l->count == 0 || seq < l->since)
		l->since = seq;
	l->count += n;
}

static char *dup_opt(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int vj_audit_open(struct vj_audit **out, const struct vj_audit_cfg *cfg, struct vj_err *e)
{
	*out = NULL;
	if (!cfg)
		return vj_fail(e, EINVAL, "audit: no configuration");
	if (cfg->tenant && !vj_tenant_id_valid(cfg->tenant, strlen(cfg->tenant)))
		return vj_fail(e, EINVAL, "audit: tenant id must be 1-64 of [A-Za-z0-9_.-]");
	const char *run_dir = cfg->run_dir ? cfg->run_dir : VJ_RUN_DIR_DEFAULT;
	struct vj_audit *a = calloc(1, sizeof(*a));
	if (!a)
		return vj_fail(e, ENOMEM, "audit: out of memory");
	pthread_mutex_init(&a->mu, NULL);
	a->log_format = cfg->log_format == VJ_AUDIT_FMT_OCSF ? VJ_AUDIT_FMT_OCSF : VJ_AUDIT_FMT_V1;
	a->rundirfd = a->spoolfd = a->dsock = -1;
	a->log.fd = -1;
	bool oom = false;
	a->tenant = dup_opt(cfg->tenant, &oom);
	a->vmm = dup_opt(cfg->vmm, &oom);
	a->policy = dup_opt(cfg->policy, &oom);
	a->policy_hash = dup_opt(cfg->policy_hash, &oom);
	int rc;
	if (oom) {
		rc = vj_fail(e, ENOMEM, "audit: out of memory");
		goto fail;
	}
	vj_hostinfo_load(&a->hi);
	a->daddr.sun_family = AF_UNIX;
	if ((size_t)snprintf(a->daddr.sun_path, sizeof(a->daddr.sun_path), "%s/%s", run_dir,
	                     VJ_RUN_INGEST_SOCK) >= sizeof(a->daddr.sun_path)) {
		rc = vj_fail(e, ENAMETOOLONG, "audit: run dir %s too long for a socket path",
		             run_dir);
		goto fail;
	}
	vj_err_step(e, "audit");
	if ((rc = vj_rundir_open(run_dir, &a->rundirfd, e)) < 0)
		goto fail;
	if ((rc = vj_rundir_sub(a->rundirfd, VJ_RUN_SPOOL, &a->spoolfd, e)) < 0)
		goto fail;
	if ((rc = vj_seq_open(a->rundirfd, &a->seq, e)) < 0)
		goto fail;
	if (cfg->log_path && strcmp(cfg->log_path, "-") == 0)
		rc = vj_sink_open_fd(&a->log, STDOUT_FILENO, e);
	else if (cfg->log_path)
		rc = vj_sink_open_path(&a->log, cfg->log_path, 0, 0, e);
	if (rc < 0)
		goto fail;
	a->has_log = cfg->log_path != NULL;
	/* On a host that runs no vmjaild, spooling every lifecycle record would
	 * only fill run_dir: spool (and send) when the daemon's socket exists,
	 * which it does while vmjaild runs and after it was killed, until it is
	 * back (it removes the socket only on a clean shutdown). */
	struct stat sst;
	a->daemon_expected =
	    fstatat(a->rundirfd, VJ_RUN_INGEST_SOCK, &sst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISSOCK(sst.st_mode);
	a->tokens = VJ_AUDIT_BURST;
	clock_gettime(CLOCK_MONOTONIC, &a->last_refill);
	*out = a;
	return 0;
fail:
	vj_audit_close(a);
	return rc;
}

void vj_audit_set_cgroup_id(struct vj_audit *a, uint64_t cgid)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->cgroup_id = cgid;
	pthread_mutex_unlock(&a->mu);
}

/* ---- daemon connection ---- */

static void read_acks(struct vj_audit *a)
{
	struct vj_wire_ack ack;
	for (;;) {
		ssize_t n = recv(a->dsock, &ack, sizeof(ack), MSG_DONTWAIT);
		if (n != (ssize_t)sizeof(ack))
			return;
		if (ack.magic != VJ_WIRE_MAGIC || ack.frames > a->conn_sent)
			continue; /* not from our daemon's protocol: ignore */
		if (ack.frames > a->conn_acked) {
			a->conn_acked = ack.frames;
			a->conn_acked_seq = ack.last_seq;
		}
	}
}

static void conn_close(struct vj_audit *a)
{
	if (a->dsock < 0)
		return;
	read_acks(a);
	uint64_t in_flight = a->conn_sent - a->conn_acked;
	if (in_flight) {
		uint64_t since = a->conn_acked ? a->conn_acked_seq + 1 : a->conn_first_seq;
		loss_add(&a->l_down, since, in_flight);
		a->st.lost_daemon += in_flight;
	}
	close(a->dsock);
	a->dsock = -1;
	a->conn_sent = a->conn_acked = a->conn_first_seq = a->conn_acked_seq = 0;
}

/*
 * Connect if we are not connected.  A failed attempt is not repeated for
 * VJ_RECONNECT_MS: with the daemon down, a flood of records must cost a
 * counter increment each, not a socket() and connect() each.
 */
#define VJ_RECONNECT_MS 100
#define VJ_AUDIT_SNDBUF (1 << 20)
static bool conn_open(struct vj_audit *a)
{
	if (a->dsock >= 0)
		return true;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < a->retry_at.tv_sec ||
	    (now.tv_sec == a->retry_at.tv_sec && now.tv_nsec < a->retry_at.tv_nsec))
		return false;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* Room for a full rate-limiter burst of large records before EAGAIN. */
	int sz = VJ_AUDIT_SNDBUF;
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a->daddr, sizeof(a->daddr)) == 0) {
		a->dsock = fd;
		return true;
	}
	if (fd >= 0)
		close(fd);
	a->retry_at = now;
	a->retry_at.tv_nsec += VJ_RECONNECT_MS * 1000000L;
	if (a->retry_at.tv_nsec >= 1000000000L) {
		a->retry_at.tv_sec++;
		a->retry_at.tv_nsec -= 1000000000L;
	}
	return false;
}

/* 0 sent; -EAGAIN queue full; other -errno: no daemon. */
static int conn_send(struct vj_audit *a, const char *frame, size_t n, uint64_t seq)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!conn_open(a))
			return -ENOTCONN;
		read_acks(a);
		if (send(a->dsock, frame, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n) {
			if (a->conn_sent++ == 0)
				a->conn_first_seq = seq;
			a->st.sent++;
			return 0;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return -EAGAIN;
		conn_close(a); /* daemon restarted: one reconnect, now */
		a->retry_at = (struct timespec){0, 0};
	}
	return -ENOTCONN;
}

/* ---- framing ---- */

static bool is_type(const struct vj_event *ev, const char *t)
{
	return ev->type && strcmp(ev->type, t) == 0;
}

static long make_frame(struct vj_audit *a, const struct vj_event *ev, const char *line, size_t n)
{
	struct vj_wire_hdr h = {
	    .kind = (uint8_t)ev->kind,
	    .seq = ev->seq,
	    .cgroup_id = ev->cgroup_id,
	    .pid = ev->pid,
	    .ses = ev->ses > 0 && ev->ses < INT32_MAX ? (int32_t)ev->ses : -1,
	    .uid = ev->uid >= 0 && ev->uid < INT32_MAX ? (int32_t)ev->uid : -1,
	};
	if (ev->kind == VJ_EV_LIFECYCLE && (is_type(ev, "created") || is_type(ev, "exec") ||
	                                    is_type(ev, "restored") || is_type(ev, "resumed")))
		h.flags = VJ_WIRE_F_BIND;
	else if (ev->kind == VJ_EV_LIFECYCLE &&
	         (is_type(ev, "cleaned") || is_type(ev, "launch-failed") ||
	          is_type(ev, "cleanup-failed") || is_type(ev, "supervisor-died")))
		h.flags = VJ_WIRE_F_UNBIND;
	/* vmjaild reads the kernel itself: it keeps its own copy of such
	 * records.  Not of a kernel-lost record: that is this supervisor's
	 * reading of the kernel's lost counter over its tenant's life, the
	 * tenant's share of a loss in the host stream too (vmjaild's own
	 * reading, with no tenant, covers the records it attributes to none). */
	if (ev->source && strcmp(ev->source, "kernel-audit") == 0 &&
	    !(ev->kind == VJ_EV_LOSS && ev->loss_source &&
	      strcmp(ev->loss_source, "kernel-lost") == 0))
		h.flags |= VJ_WIRE_F_KERNEL;
	if (a->tenant) {
		h.tenant_len = (uint8_t)strlen(a->tenant);
		memcpy(h.tenant, a->tenant, h.tenant_len);
	}
	vj_wire_set_name(h.vmm, sizeof(h.vmm), a->vmm);
	vj_wire_set_name(h.policy, sizeof(h.policy), a->policy);
	vj_wire_set_name(h.policy_hash, sizeof(h.policy_hash), a->policy_hash);
	return vj_wire_pack(a->frame, sizeof(a->frame), &h, line, n);
}

static int spool(struct vj_audit *a, uint64_t seq, const char *frame, size_t n)
{
	uint64_t *cnt = &a->seq.shm->spool_files;
	if (__atomic_add_fetch(cnt, 1, __ATOMIC_RELAXED) > VJ_SPOOL_MAX_FILES) {
		__atomic_sub_fetch(cnt, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	int rc = vj_spool_write(a->spoolfd, seq, frame, n);
	if (rc < 0) {
		__atomic_sub_fetch(cnt, 1, __ATOMIC_RELAXED);
		return rc;
	}
	a->st.spooled++;
	return 0;
}

/* ---- the record path ---- */

enum { TO_LOG = 1, TO_DAEMON = 2 };

static void stamp(struct vj_audit *a, struct vj_event *ev)
{
	ev->seq = vj_seq_next(&a->seq);
	a->st.emitted++;
	if (ev->time.tv_sec == 0 && ev->time.tv_nsec == 0)
		clock_gettime(CLOCK_REALTIME, &ev->time);
	if (!ev->host)
		ev->host = a->hi.host;
	if (!ev->boot_id)
		ev->boot_id = a->hi.boot_id;
	if (!ev->source)
		ev->source = "supervisor";
	if (!ev->tenant)
		ev->tenant = a->tenant;
	if (!ev->vmm)
		ev->vmm = a->vmm;
	if (!ev->policy)
		ev->policy = a->policy;
	if (!ev->policy_hash)
		ev->policy_hash = a->policy_hash;
	if (!ev->cgroup_id)
		ev->cgroup_id = a->cgroup_id;
}

/*
 * Deliver an already stamped record to targets; returns those that took it.
 * A record a target could not take is counted against that target, except
 * a loss record: its caller keeps the count it was reporting instead.
 */
static int deliver(struct vj_audit *a, const struct vj_event *ev, int targets)
{
	int done = 0;
	bool count = ev->kind != VJ_EV_LOSS;
	int n = vj_event_to_json(ev, a->line, sizeof(a->line));
	if (n < 0)
		return 0; /* cannot happen with VJ_JSON_LINE_MAX; nothing sane to count */
	if ((targets & TO_LOG) && a->has_log) {
		const char *ll = a->line;
		int ln = n;
		if (a->log_format != VJ_AUDIT_FMT_V1) {
			ll = a->log_line;
			ln = vj_event_encode(a->log_format, ev, a->log_line, sizeof(a->log_line));
		}
		if (ln > 0 && vj_sink_write(&a->log, ll, (size_t)ln) == 1)
			done |= TO_LOG;
		else if (count) {
			loss_add(&a->l_log, ev->seq, 1);
			a->st.lost_log++;
		}
	}
	if ((targets & TO_DAEMON) && a->daemon_expected) {
		bool durable = ev->kind == VJ_EV_LIFECYCLE || ev->kind == VJ_EV_LOSS;
		long fl = make_frame(a, ev, a->line, (size_t)n);
		int rc = -EINVAL;
		if (fl > 0 && durable)
			rc = spool(a, ev->seq, a->frame, (size_t)fl);
		else if (fl > 0)
			rc = conn_send(a, a->frame, (size_t)fl, ev->seq);
		if (rc == 0) {
			done |= TO_DAEMON;
		} else if (count) {
			a->st.lost_daemon++;
			if (durable)
				loss_add(&a->l_spool, ev->seq, 1);
			else if (rc == -EAGAIN)
				loss_add(&a->l_queue, ev->seq, 1);
			else
				loss_add(&a->l_down, ev->seq, 1);
		}
	}
	return done;
}

/* Report one counter as a loss record to the one target that lost the records. */
static void report(struct vj_audit *a, struct lossctr *l, const char *source, int target)
{
	if (l->count == 0)
		return;
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LOSS, "loss");
	ev.loss_source = source;
	ev.loss_count = l->count;
	ev.since_seq = l->since;
	stamp(a, &ev);
	if (deliver(a, &ev, target) == target) {
		*l = (struct lossctr){0};
		a->st.loss_records++;
	}
	/* else: the count stays and goes out with a later record */
}

static void report_all(struct vj_audit *a)
{
	if (a->has_log) {
		report(a, &a->l_log, "queue", TO_LOG);
		report(a, &a->l_rate_log, "rate-limit", TO_LOG);
	}
	/* What the daemon did not get went to the log: only the daemon is told. */
	report(a, &a->l_spool, "spool", TO_DAEMON);
	report(a, &a->l_rate_daemon, "rate-limit", TO_DAEMON);
	if (a->l_down.count || a->l_queue.count) {
		/* Only worth a spool file once the daemon is back. */
		if (a->dsock >= 0 || conn_open(a)) {
			report(a, &a->l_down, "daemon-down", TO_DAEMON);
			report(a, &a->l_queue, "queue", TO_DAEMON);
		}
	}
}

static bool rate_ok(struct vj_audit *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - a->last_refill.tv_sec) +
	            (double)(now.tv_nsec - a->last_refill.tv_nsec) / 1e9;
	a->last_refill = now;
	a->tokens += dt * VJ_AUDIT_RATE;
	if (a->tokens > VJ_AUDIT_BURST)
		a->tokens = VJ_AUDIT_BURST;
	if (a->tokens < 1.0)
		return false;
	a->tokens -= 1.0;
	return true;
}

void vj_audit_emit(struct vj_audit *a, struct vj_event *ev)
{
	if (!a || !ev)
		return;
	pthread_mutex_lock(&a->mu);
	bool limited = ev->kind == VJ_EV_ENFORCEMENT && !rate_ok(a);
	if (!limited)
		report_all(a);
	stamp(a, ev);
	if (limited) {
		if (a->has_log)
			loss_add(&a->l_rate_log, ev->seq, 1);
		loss_add(&a->l_rate_daemon, ev->seq, 1);
		a->st.lost_rate++;
	} else {
		deliver(a, ev, TO_LOG | TO_DAEMON);
	}
	pthread_mutex_unlock(&a->mu);
}

void vj_audit_close(struct vj_audit *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	if (a->seq.shm) {
		if (a->dsock >= 0) {
			/* Give the daemon a moment to acknowledge what it has. */
			shutdown(a->dsock, SHUT_WR);
			struct pollfd p = {.fd = a->dsock, .events = POLLIN};
			for (int i = 0; i < 20 && a->conn_acked < a->conn_sent; i++) {
				if (poll(&p, 1, 10) > 0)
					read_acks(a);
			}
			conn_close(a);
		}
		if (a->has_log)
			vj_sink_drain(&a->log, 200);
		/* The daemon socket is gone now: its losses go through the spool. */
		if (a->has_log) {
			report(a, &a->l_log, "queue", TO_LOG);
			report(a, &a->l_rate_log, "rate-limit", TO_LOG);
		}
		report(a, &a->l_rate_daemon, "rate-limit", TO_DAEMON);
		report(a, &a->l_down, "daemon-down", TO_DAEMON);
		report(a, &a->l_queue, "queue", TO_DAEMON);
		report(a, &a->l_spool, "spool", TO_DAEMON);
	}
	if (a->dsock >= 0)
		close(a->dsock);
	if (a->has_log || a->log.fd >= 0)
		vj_sink_close(&a->log);
	vj_seq_close(&a->seq);
	if (a->spoolfd >= 0)
		close(a->spoolfd);
	if (a->rundirfd >= 0)
		close(a->rundirfd);
	free(a->tenant);
	free(a->vmm);
	free(a->policy);
	free(a->policy_hash);
	pthread_mutex_unlock(&a->mu);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

void vj_audit_get_stats(const struct vj_audit *a, struct vj_audit_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (a)
		*st = a->st;
}
