// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel audit status, and the shared "audit must be on" switch.
 *
 * Turning audit on is a host-wide side effect (the kernel starts writing
 * SYSCALL/PROCTITLE records for audited events, and, with no auditd, copies
 * them to the kernel log), so vmjail turns it on only while some user needs
 * it and puts back exactly what it found.  Users are counted by the kernel,
 * not by a number in a file: each holds a shared flock on run_dir/audit-users,
 * so a user that crashes stops counting without cleaning up.  Changes are
 * serialised by an exclusive flock on run_dir/audit-state, which also holds
 * the value found before the first user ("prev=0").
 */
#include "audit/kaudit.h"
#include "audit/lib/rundir.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One request/ack exchange on a fresh unicast NETLINK_AUDIT socket. */
static int audit_request(uint16_t type, const struct audit_status *in, struct audit_status *out,
                         struct vj_err *e)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return vj_failx(e, errno, "NETLINK_AUDIT socket");
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(in ? sizeof(*in) : 0);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	if (in)
		req.s = *in;
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	int rc = 0;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0) {
		rc = vj_failx(e, errno, "audit request %u", type);
		goto out;
	}
	bool got_status = out == NULL, got_ack = false;
	union {
		char b[8192];
		struct nlmsghdr align;
	} buf;
	while (!(got_status && got_ack)) {
		ssize_t n = recv(fd, buf.b, sizeof(buf.b), 0);
		if (n < 0) {
			rc = vj_failx(e, errno, "audit reply %u", type);
			goto out;
		}
		int left = (int)n; /* see kaudit.c: NLMSG_NEXT may take it below zero */
		for (struct nlmsghdr *h = &buf.align; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*err))) {
					rc = vj_fail(e, EBADMSG, "short audit ack");
					goto out;
				}
				if (err->error) {
					rc = vj_failx(e, -err->error, "audit request %u refused",
					              type);
					goto out;
				}
				/* The status of AUDIT_GET may come after the ack (kernel thread).
				 */
				got_ack = true;
			} else if (h->nlmsg_type == AUDIT_GET && out) {
				/* Older kernels send a shorter struct: copy what came. */
				size_t have = h->nlmsg_len - NLMSG_HDRLEN;
				memset(out, 0, sizeof(*out));
				memcpy(out, NLMSG_DATA(h),
				       have < sizeof(*out) ? have : sizeof(*out));
				got_status = true;
			}
		}
	}
out:
	close(fd);
	return rc;
}

int vj_kaudit_get_enabled(int *enabled, struct vj_err *e)
{
	struct audit_status st;
	int rc = audit_request(AUDIT_GET, NULL, &st, e);
	if (rc == 0)
		*enabled = (int)st.enabled;
	return rc;
}

int vj_kaudit_get_lost(uint32_t *lost, struct vj_err *e)
{
	struct audit_status st;
	int rc = audit_request(AUDIT_GET, NULL, &st, e);
	if (rc == 0)
		*lost = st.lost;
	return rc;
}

void vj_klost_start(struct vj_klost *t, uint32_t lost)
{
	t->last = lost;
	t->known = true;
}

int vj_klost_read(struct vj_klost *t, uint32_t *delta, struct vj_err *e)
{
	uint32_t lost = 0;
	int rc = vj_kaudit_get_lost(&lost, e);
	if (rc < 0)
		return rc;
	*delta = t->known ? lost - t->last : 0; /* modulo 2^32: the counter wraps */
	vj_klost_start(t, lost);
	return 0;
}

void vj_klost_event(struct vj_event *ev, uint32_t n)
{
	vj_event_init(ev, VJ_EV_LOSS, "loss");
	ev->source = "kernel-audit";
	ev->loss_source = "kernel-lost";
	ev->loss_count = n;
	clock_gettime(CLOCK_REALTIME, &ev->time);
}

int vj_kaudit_get_backlog(uint32_t *backlog, struct vj_err *e)
{
	struct audit_status st;
	int rc = audit_request(AUDIT_GET, NULL, &st, e);
	if (rc == 0)
		*backlog = st.backlog;
	return rc;
}

/* One AUDIT_GET answers both: the launch path needs both, once. */
static int get_status(int *enabled, uint32_t *lost, struct vj_err *e)
{
	struct audit_status st;
	int rc = audit_request(AUDIT_GET, NULL, &st, e);
	if (rc == 0) {
		*enabled = (int)st.enabled;
		*lost = st.lost;
	}
	return rc;
}

int vj_kaudit_set_enabled(int enabled, struct vj_err *e)
{
	struct audit_status st = {.mask = AUDIT_STATUS_ENABLED, .enabled = (uint32_t)enabled};
	return audit_request(AUDIT_SET, &st, NULL, e);
}

struct vj_kaudit_enable {
	int users_fd;
	char *run_dir;
	uint32_t lost; /* the kernel's lost counter read by acquire's AUDIT_GET */
};

/* State file: "prev=<0|1>\n" while vmjail holds audit on; empty otherwise. */
static int read_prev(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	if (strncmp(b, "prev=0", 6) == 0)
		return 0;
	if (strncmp(b, "prev=1", 6) == 0)
		return 1;
	return -1;
}

static int write_prev(int fd, int prev)
{
	char b[16];
	int n = snprintf(b, sizeof(b), "prev=%d\n", prev);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, b, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

struct locked {
	int dirfd, state_fd;
};

static int lock_state(const char *run_dir, struct locked *l, struct vj_err *e)
{
	l->dirfd = l->state_fd = -1;
	int rc = vj_rundir_open(run_dir ? run_dir : VJ_RUN_DIR_DEFAULT, &l->dirfd, e);
	if (rc < 0)
		return rc;
	rc = vj_rundir_file(l->dirfd, VJ_RUN_AUDIT_STATE, O_RDWR, &l->state_fd, e);
	if (rc < 0)
		goto fail;
	if (flock(l->state_fd, LOCK_EX) < 0) {
		rc = vj_failx(e, errno, "lock %s", VJ_RUN_AUDIT_STATE);
		goto fail;
	}
	return 0;
fail:
	if (l->state_fd >= 0)
		close(l->state_fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	return rc;
}

static void unlock_state(struct locked *l)
{
	close(l->state_fd); /* drops the flock */
	close(l->dirfd);
}

/* With the state lock held: if no user holds audit-users, restore and forget. */
static int restore_if_unused(struct locked *l, struct vj_err *e)
{
	int ufd, rc;
	rc = vj_rundir_file(l->dirfd, VJ_RUN_AUDIT_USERS, O_RDONLY, &ufd, e);
	if (rc < 0)
		return rc;
	if (flock(ufd, LOCK_EX | LOCK_NB) < 0) {
		close(ufd);
		return 0; /* someone still needs audit on */
	}
	rc = 0;
	int prev = read_prev(l->state_fd);
	if (prev == 0) {
		int now = 0;
		/* Put it back only if it is still what vmjail made it. */
		if (vj_kaudit_get_enabled(&now, e) == 0 && now == 1)
			rc = vj_kaudit_set_enabled(0, e) == 0 ? 1 : -EIO;
	}
	if (prev >= 0 && rc >= 0 && ftruncate(l->state_fd, 0) < 0)
		rc = -errno;
	close(ufd);
	return rc;
}

int vj_kaudit_enable_acquire(const char *run_dir, struct vj_kaudit_enable **out, struct vj_err *e)
{
	struct locked l;
	*out = NULL;
	vj_err_step(e, "audit-enable");
	int rc = lock_state(run_dir, &l, e);
	if (rc < 0)
		return rc;
	struct vj_kaudit_enable *h = calloc(1, sizeof(*h));
	if (!h || !(h->run_dir = strdup(run_dir ? run_dir : VJ_RUN_DIR_DEFAULT))) {
		free(h);
		unlock_state(&l);
		return vj_fail(e, ENOMEM, "out of memory");
	}
	h->users_fd = -1;
	int now = 0;
	if ((rc = get_status(&now, &h->lost, e)) < 0)
		goto fail;
	int prev = read_prev(l.state_fd);
	if (prev < 0 && now != 2) {
		/* First user: remember what we found. */
		if (write_prev(l.state_fd, now ? 1 : 0) < 0) {
			rc = vj_failx(e, errno, "write %s", VJ_RUN_AUDIT_STATE);
			goto fail;
		}
	}
	if (now == 0 && (rc = vj_kaudit_set_enabled(1, e)) < 0)
		goto fail;
	if ((rc = vj_rundir_file(l.dirfd, VJ_RUN_AUDIT_USERS, O_RDONLY, &h->users_fd, e)) < 0)
		goto fail;
	if (flock(h->users_fd, LOCK_SH) < 0) {
		rc = vj_failx(e, errno, "lock %s", VJ_RUN_AUDIT_USERS);
		goto fail;
	}
	unlock_state(&l);
	*out = h;
	return 0;
fail:
	/* Nobody holds it now because of us: undo if we were the only one. */
	if (h->users_fd >= 0)
		close(h->users_fd);
	struct vj_err scratch = {0};
	restore_if_unused(&l, &scratch);
	unlock_state(&l);
	free(h->run_dir);
	free(h);
	return rc;
}

uint32_t vj_kaudit_enable_lost(const struct vj_kaudit_enable *h)
{
	return h->lost;
}

void vj_kaudit_enable_release(struct vj_kaudit_enable *h)
{
	struct locked l;
	struct vj_err scratch = {0};
	if (!h)
		return;
	if (lock_state(h->run_dir, &l, &scratch) == 0) {
		close(h->users_fd); /* our shared lock goes with it */
		h->users_fd = -1;
		restore_if_unused(&l, &scratch);
		unlock_state(&l);
	}
	if (h->users_fd >= 0)
		close(h->users_fd);
	free(h->run_dir);
	free(h);
}

int vj_kaudit_enable_reconcile(const char *run_dir, struct vj_err *e)
{
	struct locked l;
	int rc = lock_state(run_dir, &l, e);
	if (rc < 0)
		return rc;
	rc = restore_if_unused(&l, e);
	unlock_state(&l);
	return rc;
}
