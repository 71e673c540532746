// SPDX-License-Identifier: Apache-2.0
/*
 * Start-up order, and why:
 *   1. lock RUN_DIR/vmjaild.lock: two daemons would both delete spool files
 *      and split the stream;
 *   2. outputs first, so nothing read afterwards has nowhere to go;
 *   3. the ingest socket before the spool scan: a supervisor that finds the
 *      socket spools nothing new, and one that spooled before it existed is
 *      picked up by the scan (inotify covers every file written later);
 *   4. the kernel source last: its records are attributed with what the
 *      spool just taught us about tenants.
 * Shut-down drains the ingest connections and the kernel source, then
 * closes the outputs, so SIGTERM loses nothing that already arrived.
 *
 * BPF seam: vmjaild will also own the host's pinned BPF objects (bpf/, other
 * work).  Their loader is called from bpf_setup() below, after the outputs
 * exist, and a ring buffer it returns would be one more epoll source whose
 * events take the kernel.c path (decode -> attribute by cgroup id -> out).
 */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/rundir.h"
#include "audit/lib/spool.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

void vjd_log(const char *fmt, ...)
{
	va_list ap;
	fputs("vmjaild: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vjd_epoll_add(struct vjd *d, int fd, uint32_t events, int tag, void *ptr)
{
	struct epoll_event ev = {.events = events};
	ev.data.u64 = (uint64_t)(uintptr_t)ptr | (uint64_t)tag;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void vjd_epoll_mod(struct vjd *d, int fd, uint32_t events, int tag, void *ptr)
{
	struct epoll_event ev = {.events = events};
	ev.data.u64 = (uint64_t)(uintptr_t)ptr | (uint64_t)tag;
	epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* The seam for bpf/: load or reuse pinned programs and maps.  Nothing yet. */
static int bpf_setup(struct vjd *d, struct vj_err *e)
{
	(void)d;
	(void)e;
	return 0;
}

static int setup(struct vjd *d, struct vj_err *e)
{
	int rc;
	if ((rc = vj_rundir_open(d->o.run_dir, &d->rundirfd, e)) < 0)
		return VJD_EXIT_SETUP;
	if (vj_rundir_file(d->rundirfd, VJ_RUN_DAEMON_LOCK, O_RDWR, &d->lockfd, e) < 0)
		return VJD_EXIT_SETUP;
	if (flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		vj_fail(e, EBUSY, "another vmjaild runs on %s", d->o.run_dir);
		return VJD_EXIT_BUSY;
	}
	if (vj_rundir_sub(d->rundirfd, VJ_RUN_SPOOL, &d->spoolfd, e) < 0 ||
	    vj_seq_open(d->rundirfd, &d->seq, e) < 0)
		return VJD_EXIT_SETUP;
	vj_hostinfo_load(&d->hi);
	vjd_attrib_init(d);

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec it = {.it_interval = {1, 0}, .it_value = {1, 0}};
	if (d->epfd < 0 || d->sigfd < 0 || d->timerfd < 0 ||
	    timerfd_settime(d->timerfd, 0, &it, NULL) < 0) {
		vj_failx(e, errno, "epoll/signalfd/timerfd");
		return VJD_EXIT_SETUP;
	}
	vjd_epoll_add(d, d->sigfd, EPOLLIN, TAG_SIGNAL, NULL);
	vjd_epoll_add(d, d->timerfd, EPOLLIN, TAG_TIMER, NULL);

	if (vjd_out_open(d, e) < 0 || vjd_subs_open(d, e) < 0 || bpf_setup(d, e) < 0)
		return VJD_EXIT_SETUP;
	if (vjd_ingest_open(d, e) < 0 || vjd_spool_watch(d, e) < 0)
		return VJD_EXIT_SETUP;
	vjd_spool_ingest(d);
	if (d->o.kernel != VJD_KERNEL_OFF) {
		struct vj_err scratch = {0};
		/* A crashed user may have left audit on: settle that first. */
		vj_kaudit_enable_reconcile(d->o.run_dir, &scratch);
		if (d->o.enable_audit &&
		    vj_kaudit_enable_acquire(d->o.run_dir, &d->audit_enable, e) < 0)
			return VJD_EXIT_SETUP;
		if (vjd_kernel_open(d, e) < 0)
			return VJD_EXIT_SETUP;
	}
	return VJD_EXIT_OK;
}

static void on_signal(struct vjd *d)
{
	struct signalfd_siginfo si;
	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			vjd_out_reopen(d);
		else
			d->stop = true;
	}
}

static void on_timer(struct vjd *d)
{
	uint64_t ticks;
	if (read(d->timerfd, &ticks, sizeof(ticks)) < 0)
		return;
	/* inotify is the fast path; this rescan covers an overflowed inotify queue. */
	vjd_spool_ingest(d);
	vjd_attrib_expire(d, time(NULL));
	vjd_kernel_lost(d);
}

static void loop(struct vjd *d)
{
	struct epoll_event evs[64];
	while (!d->stop) {
		int timeout = d->ka ? vj_kaudit_timeout_ms(d->ka) : -1;
		int n = epoll_wait(d->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			vjd_log("epoll_wait: %s", strerror(errno));
			d->exit_code = VJD_EXIT_RUNTIME;
			return;
		}
		for (int i = 0; i < n; i++) {
			int tag = (int)(evs[i].data.u64 & 15);
			void *ptr = (void *)(uintptr_t)(evs[i].data.u64 & ~(uint64_t)15);
			switch (tag) {
			case TAG_SIGNAL:
				on_signal(d);
				break;
			case TAG_TIMER:
				on_timer(d);
				break;
			case TAG_INGEST:
				vjd_ingest_accept(d);
				break;
			case TAG_CONN:
				vjd_ingest_conn(d, ptr, evs[i].events);
				break;
			case TAG_INOTIFY: {
				char buf[4096];
				while (read(d->inofd, buf, sizeof(buf)) > 0)
					;
				vjd_spool_ingest(d);
				break;
			}
			case TAG_KAUDIT:
				vjd_kernel_drain(d);
				break;
			case TAG_SUBLISTEN:
				vjd_subs_accept(d);
				break;
			case TAG_SUB:
				vjd_sub_event(d, ptr, evs[i].events);
				break;
			}
		}
		if (d->ka)
			vj_kaudit_tick(d->ka);
	}
}

int vjd_run(const struct vjd_opts *o)
{
	struct vjd *d = calloc(1, sizeof(*d));
	if (!d) {
		vjd_log("out of memory");
		return VJD_EXIT_SETUP;
	}
	d->o = *o;
	d->rundirfd = d->spoolfd = d->lockfd = d->epfd = d->sigfd = d->timerfd = d->inofd = -1;
	d->ingest_fd = d->sub_fd = -1;
	struct vj_err e = {0};
	int rc = setup(d, &e);
	if (rc != VJD_EXIT_OK) {
		char buf[600];
		vjd_log("%s", vj_err_str(&e, buf, sizeof(buf)));
	} else {
		loop(d);
		rc = d->exit_code;
		/* What already arrived still goes out. */
		if (d->ka) {
			vjd_kernel_drain(d);
			vj_kaudit_flush(d->ka);
			vjd_kernel_lost(d);
		}
		vjd_spool_ingest(d);
	}
	vjd_kernel_close(d);
	if (d->audit_enable)
		vj_kaudit_enable_release(d->audit_enable);
	vjd_ingest_close(d);
	vjd_subs_close(d);
	vjd_out_close(d);
	vjd_attrib_free(d);
	vj_seq_close(&d->seq);
	int fds[] = {d->epfd, d->sigfd, d->timerfd, d->inofd, d->spoolfd, d->lockfd, d->rundirfd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(d);
	return rc;
}
