// SPDX-License-Identifier: Apache-2.0
/*
 * The supervisor: a small root process outside the jail that stays with the
 * VMM for its whole life.  It answers exec-once notifications, forwards
 * SIGTERM/SIGINT/SIGHUP, turns the tenant's kernel and BPF events into audit
 * records, enforces the time-to-live, reports how the VMM ended, and removes
 * the jail and its cgroups afterwards.
 *
 * One poll loop, no threads, no signal handlers (signals arrive through a
 * signalfd): every event is handled in order, and enforcement never waits on
 * a reader of the audit stream.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/kaudit.h"
#include "bpf/vjbpf.h"
#include "jailer/execonce.h"
#include "jailer/fc_inplace.h"
#include "jailer/kloss.h"
#include "jailer/launch.h"
#include "jailer/paths.h"
#include "jailer/state.h"

struct sup {
	struct vj_launch *l;
	int sigfd, timerfd;
	struct vj_cg_counters counters;
	bool exited;
	siginfo_t status;
	bool ttl_expired;
	bool killed_by_request;
	int64_t ttl_deadline; /* CLOCK_MONOTONIC seconds, 0 = none */
};

static const char *signame(int sig)
{
	const char *n = sigabbrev_np(sig);
	return n ? n : "?";
}

static void emit(struct sup *s, struct vj_event *ev)
{
	if (s->l->audit)
		vj_audit_emit(s->l->audit, ev);
}

static void emit_lifecycle(struct sup *s, const char *type, const char *msg)
{
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, type);
	ev.pid = s->l->pid;
	ev.uid = (long)s->l->plan->uid;
	ev.enforcer = "jailer";
	ev.source = "supervisor";
	if (s->l->audit_ses)
		ev.ses = s->l->audit_ses;
	if (msg)
		ev.message = (struct vj_bytes){msg, strlen(msg)};
	emit(s, &ev);
}

static int emit_cb(void *ctx, const struct vj_event *ev)
{
	struct sup *s = ctx;
	struct vj_event copy = *ev;
	emit(s, &copy);
	return 0;
}

static void handle_exec_attempt(struct sup *s)
{
	struct vj_exec_attempt att;
	int rc = vj_exec_once_handle(s->l, &att);
	if (rc <= 0 || att.allowed)
		return;
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_ENFORCEMENT, "deny");
	ev.enforcer = "exec-once";
	ev.hook = att.nr == __NR_execveat ? "execveat" : "execve";
	ev.syscall = att.nr;
	ev.action = "deny";
	ev.err = EPERM;
	ev.pid = att.pid;
	ev.path = (struct vj_bytes){att.path, att.path_len};
	ev.rule = "exec-once";
	ev.attribution = "supervisor";
	ev.source = "supervisor";
	emit(s, &ev);
}

/* Kernel audit records: keep those of this tenant (its AppArmor profile,
 * its audit session, or its uid when the kernel gave no session), drop
 * everyone else's. */
void vj_supervisor_kaudit_cb(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *who)
{
	struct vj_launch *l = ctx;
	const struct vj_plan *p = l->plan;
	bool mine = false;
	if (!who) {
		/* A loss: whose records were lost is unknown, so every tenant says so. */
		mine = true;
	} else if (vj_kaudit_aa_tenant(who, p->cli->id)) {
		mine = true;
		ev->attribution = "apparmor-profile";
	} else if (l->audit_ses && who->ses == (long)l->audit_ses) {
		mine = true;
		ev->attribution = "ses";
	} else if ((who->ses < 0 || !l->audit_ses) && who->uid == (long)p->uid) {
		mine = true;
		ev->attribution = "uid";
	}
	if (!mine)
		return;
	/* remembered for the exit report: which syscall the filter killed */
	if (who && ev->enforcer && strcmp(ev->enforcer, "seccomp") == 0 && ev->action &&
	    strcmp(ev->action, "kill") == 0) {
		l->seccomp_killed = true;
		vj_fmt(l->seccomp_syscall, sizeof(l->seccomp_syscall), "%s",
		       ev->hook           ? ev->hook
		       : ev->syscall_name ? ev->syscall_name
		                          : "?");
	}
	if (!l->audit)
		return;
	ev->source = "kernel-audit";
	vj_audit_emit(l->audit, ev);
}

/* A cgroup counter that grew: one lifecycle record saying by how much. */
static void counter_record(struct sup *s, const char *type, const char *what, uint64_t delta)
{
	if (!delta)
		return;
	char msg[96];
	vj_fmt(msg, sizeof(msg), "%s: %" PRIu64, what, delta);
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, type);
	ev.enforcer = "cgroup";
	ev.pid = s->l->pid;
	ev.message = (struct vj_bytes){msg, strlen(msg)};
	emit(s, &ev);
}

static void check_counters(struct sup *s)
{
	struct vj_cg_counters now;
	vj_cg_read_counters(&s->l->plan->cg, &now);
	/* counters only grow; a smaller one (cannot happen) reports nothing */
	counter_record(s, "oom-killed", "memory limit reached, tasks OOM-killed",
	               now.oom_kill > s->counters.oom_kill ? now.oom_kill - s->counters.oom_kill
	                                                   : 0);
	counter_record(s, "pids-limit", "pids limit reached, forks refused",
	               now.pids_max > s->counters.pids_max ? now.pids_max - s->counters.pids_max
	                                                   : 0);
	s->counters = now;
}

static void kill_tenant(struct sup *s)
{
	struct vj_err scratch = {0};
	/* thaw first: a frozen task cannot die */
	vj_cg_freeze(&s->l->plan->cg, false, &scratch);
	syscall(SYS_pidfd_send_signal, s->l->pidfd, SIGKILL, NULL, 0);
	vj_cg_kill_all(&s->l->plan->cg, &scratch);
}

/* The VMM's end, once its pidfd polled readable (block: wait for it).  In
 * place the VMM is the caller's child, not ours: no waitid (fc_inplace.h). */
static void wait_vmm(struct sup *s, bool block)
{
	struct vj_launch *l = s->l;
	if (l->inplace) {
		vj_fc_inplace_status(l, block, &s->status);
		s->exited = true;
		return;
	}
	int rc;
	do {
		memset(&s->status, 0, sizeof(s->status));
		rc = waitid(P_PIDFD, (id_t)l->pidfd, &s->status, WEXITED);
	} while (rc < 0 && errno == EINTR && block);
	if (rc == 0)
		s->exited = true;
}

static int64_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void on_signal(struct sup *s)
{
	struct signalfd_siginfo si;
	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		/* Forward: the VMM decides how to stop (QEMU and Firecracker
		 * shut down cleanly on SIGTERM).  A second SIGINT kills. */
		syscall(SYS_pidfd_send_signal, s->l->pidfd, sig, NULL, 0);
		if (sig == SIGQUIT || (sig == SIGINT && s->killed_by_request))
			kill_tenant(s);
		if (sig == SIGINT)
			s->killed_by_request = true;
	}
}

static void on_timer(struct sup *s)
{
	uint64_t ticks;
	if (read(s->timerfd, &ticks, sizeof(ticks)) < 0)
		return;
	check_counters(s);
	vj_kloss_check(s->l, 0);
	if (s->ttl_deadline && mono_now() >= s->ttl_deadline && !s->ttl_expired) {
		s->ttl_expired = true;
		char msg[96];
		vj_fmt(msg, sizeof(msg), "time-to-live of %" PRId64 " s expired",
		       s->l->plan->ttl_sec);
		emit_lifecycle(s, "ttl-expired", msg);
		kill_tenant(s);
	}
}

static void drain_sources(struct sup *s)
{
	if (s->l->bpf_events)
		vjbpf_events_drain(s->l->bpf_events, emit_cb, s);
	if (s->l->kaudit) {
		vj_kaudit_drain(s->l->kaudit);
		vj_kaudit_flush(s->l->kaudit);
	}
	vj_kloss_check(s->l, 1);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * After the tenant's last task: its late kernel records.  Every record its
 * tasks caused (a seccomp errno or kill, a Landlock or AppArmor denial) was
 * queued in the kernel before the task that caused it returned or died, but
 * kauditd multicasts that queue asynchronously: a refusal just before the
 * end can still be queued when the cgroup is empty, and would be lost with
 * the socket.  Barrier: AUDIT_GET's backlog (the queue's length) read as 0 after
 * the exit means kauditd has taken every earlier record off the queue; it
 * sends each one right after taking it, so a short poll catches one still
 * in flight.  Bounded: a host-wide flood (or a slow auditd) can keep the
 * backlog above 0; after the cap (LATE_CAP_MS, or --audit-late) what has
 * not come is not waited for, and is counted: a kernel-backlog loss record
 * with the backlog then (every record of the tenant still queued is among
 * those).  Records lost without
 * being queued are the kernel's lost counter's (kloss.c).
 * BPF ring records need none of this: the hook writes them synchronously.
 */
#define LATE_CAP_MS      250
#define LATE_INFLIGHT_MS 2
#define LATE_STEP_MS     5
static int at_most(int64_t left, int ms)
{
	return left < ms ? (int)left : ms;
}

static void drain_late(struct sup *s)
{
	struct vj_launch *l = s->l;
	if (l->kaudit) {
		const struct vj_cli *cli = l->plan->cli;
		int64_t end = mono_ms() + (cli->audit_late_set ? cli->audit_late_ms : LATE_CAP_MS);
		struct pollfd p = {.fd = vj_kaudit_fd(l->kaudit), .events = POLLIN};
		for (;;) {
			struct vj_err e = {0};
			uint32_t backlog = 1;
			if (vj_kaudit_get_backlog(&backlog, &e) < 0) {
				/* Whether anything is still queued is unknown: say
				 * it may be (fail closed), without waiting. */
				vj_kaudit_drain(l->kaudit);
				vj_kloss_backlog(l, 0);
				break;
			}
			if (backlog == 0) {
				/* every earlier record left the queue: one may
				 * still be on its way to our socket */
				if (poll(&p, 1, LATE_INFLIGHT_MS) > 0)
					vj_kaudit_drain(l->kaudit);
				break;
			}
			int64_t left = end - mono_ms();
			if (left <= 0) {
				vj_kaudit_drain(l->kaudit);
				vj_kloss_backlog(l, backlog);
				break;
			}
			if (poll(&p, 1, at_most(left, LATE_STEP_MS)) > 0)
				vj_kaudit_drain(l->kaudit);
		}
	}
	drain_sources(s);
}

static void report_exit(struct sup *s, int *status)
{
	const siginfo_t *si = &s->status;
	struct vj_event ev;
	char msg[256];
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exited");
	ev.enforcer = "jailer";
	ev.source = "supervisor";
	ev.pid = s->l->pid;
	if (si->si_code == 0) {
		/* in place, on a kernel before 6.15, after the caller reaped it */
		vj_fmt(msg, sizeof(msg),
		       "VMM exited; its status is unknown (its parent reaped it first)");
		*status = 1;
	} else if (si->si_code == CLD_EXITED) {
		ev.exit_code = si->si_status;
		vj_fmt(msg, sizeof(msg), "VMM exited with code %d", si->si_status);
		*status = si->si_status;
	} else {
		ev.exit_signal = si->si_status;
		const char *why = "";
		char sysbuf[96];
		if (si->si_status == SIGSYS && s->l->seccomp_killed) {
			vj_fmt(sysbuf, sizeof(sysbuf), ": %s is outside the seccomp policy",
			       s->l->seccomp_syscall);
			why = sysbuf;
		} else if (si->si_status == SIGSYS)
			why = ": a syscall outside the seccomp policy";
		else if (si->si_status == SIGKILL && s->ttl_expired)
			why = ": time-to-live expired";
		else if (si->si_status == SIGKILL && s->counters.oom_kill)
			why = ": out of memory (cgroup limit)";
		vj_fmt(msg, sizeof(msg), "VMM killed by SIG%s%s", signame(si->si_status), why);
		*status = 128 + si->si_status;
	}
	ev.message = (struct vj_bytes){msg, strlen(msg)};
	emit(s, &ev);
	fprintf(stderr, "vmjail: %s: %s\n", s->l->plan->cli->id, msg);
}

/* After the VMM: the rest of the tenant's tasks, its rules, its cgroups, its
 * jail dir (kept when suspended to disk or asked to keep). */
static void cleanup(struct sup *s)
{
	struct vj_launch *l = s->l;
	const struct vj_plan *p = l->plan;
	struct vj_err scratch = {0};
	vj_cg_freeze(&p->cg, false, &scratch);
	/* returns once the cgroup is empty: every record is queued by now */
	vj_cg_kill_all(&p->cg, &scratch);
	drain_late(s);

	struct vj_state st;
	bool suspended = false;
	if (vj_state_read(l->jail_fd, &st, &scratch) == 0) {
		suspended = strcmp(st.status, "suspended") == 0;
		vj_state_free(&st);
	}
	for (int i = VJ_LAYER__COUNT - 1; i >= 0; i--) {
		const struct vj_layer_ops *ops = vj_layers[i];
		if (ops && ops->release && l->layer_prepared[ops->id]) {
			ops->release(l);
			l->layer_prepared[ops->id] = false;
		}
	}
	if (l->cg_leaf_fd >= 0) {
		close(l->cg_leaf_fd);
		l->cg_leaf_fd = -1;
	}
	int cg_rc = vj_cg_remove(&p->cg, &scratch);
	l->cg_created = false;
	if (suspended || p->cli->keep_jail) {
		if (!suspended)
			vj_launch_save_state(l, "exited", &scratch);
		emit_lifecycle(s, "cleaned",
		               suspended ? "cgroups removed; jail dir kept: suspended"
		                         : "cgroups removed; jail dir kept (--keep)");
		l->jail_created = false; /* vj_launch_undo must leave it */
	} else {
		/* The record says what really happened: a jail dir or cgroup
		 * that stayed is named, and vmjail --cleanup can finish. */
		struct vj_err dir_err = {0};
		int dir_rc = vj_launch_remove_jail(l, &dir_err);
		if (dir_rc == 0 && cg_rc == 0) {
			emit_lifecycle(s, "cleaned", "jail dir and cgroups removed");
		} else {
			char msg[600];
			vj_fmt(msg, sizeof(msg), "cleanup incomplete:%s%s%s%s",
			       dir_rc ? " jail dir left: " : "", dir_rc ? dir_err.msg : "",
			       cg_rc ? " cgroups left: " : "", cg_rc ? scratch.msg : "");
			emit_lifecycle(s, "cleanup-failed", msg);
			fprintf(stderr, "vmjail: %s: %s\n", p->cli->id, msg);
		}
	}
	vj_launch_undo(l);
}

void vj_supervisor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

int vj_supervise(struct vj_launch *l)
{
	struct sup s = {.l = l, .sigfd = -1, .timerfd = -1};

	sigset_t set;
	vj_supervisor_signals(&set);
	s.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	const char *failed = s.sigfd < 0 ? "signalfd" : NULL;
	int ferr = errno;
	if (!failed) {
		s.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		ferr = errno;
		failed = s.timerfd < 0 ? "timerfd_create" : NULL;
	}
	struct itimerspec its = {.it_interval = {0, 200 * 1000000}, .it_value = {0, 200 * 1000000}};
	if (!failed && timerfd_settime(s.timerfd, 0, &its, NULL) < 0) {
		ferr = errno;
		failed = "timerfd_settime";
	}
	if (l->plan->ttl_sec)
		s.ttl_deadline = mono_now() + l->plan->ttl_sec;
	/* The cgroups are new: every OOM kill or refused fork counted there is
	 * the tenant's, even one that happened before this loop started. */
	memset(&s.counters, 0, sizeof(s.counters));
	emit_lifecycle(&s, "exec", NULL);
	if (failed) {
		/* Fail closed: without the signalfd, SIGTERM stays blocked and
		 * the operator cannot stop the jail; without the timer, the
		 * time-to-live and the limit counters are silently off.  A
		 * tenant that cannot be watched does not run. */
		char msg[160];
		vj_fmt(msg, sizeof(msg), "supervisor cannot watch the tenant (%s: %s): killed",
		       failed, strerror(ferr));
		fprintf(stderr, "vmjail: %s: %s\n", l->plan->cli->id, msg);
		emit_lifecycle(&s, "killed", msg);
		kill_tenant(&s);
		wait_vmm(&s, true);
		s.exited = true;
	}

	/* A source that hangs up or fails (not readable) is dropped from the
	 * loop rather than polled again at once: poll would return at once
	 * forever and spin. */
	bool muted[6] = {false};
	while (!s.exited) {
		struct pollfd fds[6] = {
		    {.fd = l->pidfd, .events = POLLIN},
		    {.fd = s.sigfd, .events = POLLIN},
		    {.fd = l->notif_fd, .events = POLLIN},
		    {.fd = s.timerfd, .events = POLLIN},
		    {.fd = l->bpf_events ? vjbpf_events_fd(l->bpf_events) : -1, .events = POLLIN},
		    {.fd = l->kaudit ? vj_kaudit_fd(l->kaudit) : -1, .events = POLLIN},
		};
		for (int i = 2; i < 6; i++)
			if (muted[i])
				fds[i].fd = -1;
		int n = poll(fds, 6, l->kaudit ? vj_kaudit_timeout_ms(l->kaudit) : -1);
		if (n < 0) {
			if (errno == EINTR || errno == ENOMEM)
				continue;
			/* Cannot supervise any more: the tenant does not run unwatched. */
			kill_tenant(&s);
			wait_vmm(&s, true);
			break;
		}
		for (int i = 2; i < 6; i++)
			if ((fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) &&
			    !(fds[i].revents & POLLIN))
				muted[i] = true;
		if (fds[2].revents & POLLIN)
			handle_exec_attempt(&s);
		if (fds[4].revents & POLLIN)
			vjbpf_events_drain(l->bpf_events, emit_cb, &s);
		if (fds[5].revents & POLLIN)
			vj_kaudit_drain(l->kaudit);
		if (l->kaudit)
			vj_kaudit_tick(l->kaudit);
		if (fds[1].revents & POLLIN)
			on_signal(&s);
		if (fds[3].revents & POLLIN)
			on_timer(&s);
		if (fds[0].revents & POLLIN)
			wait_vmm(&s, false);
	}
	/* A seccomp kill's record may still be on its way through the kernel's
	 * audit thread: wait for it (briefly) so the report can name the
	 * syscall.  Every other late record is waited for in cleanup(), once
	 * the last of the tenant's tasks is gone. */
	drain_sources(&s);
	if (s.status.si_code != CLD_EXITED && s.status.si_status == SIGSYS && l->kaudit)
		for (int i = 0; i < 25 && !l->seccomp_killed; i++) {
			struct pollfd p = {.fd = vj_kaudit_fd(l->kaudit), .events = POLLIN};
			poll(&p, 1, 10);
			drain_sources(&s);
		}
	check_counters(&s);
	int status = 1;
	report_exit(&s, &status);
	l->pid = -1; /* reaped */
	cleanup(&s);
	if (s.sigfd >= 0)
		close(s.sigfd);
	if (s.timerfd >= 0)
		close(s.timerfd);
	return status;
}
