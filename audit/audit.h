/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emitter a supervisor (or the jailer before it execs) uses to put
 * records into the audit stream.  Small on purpose: open once per tenant,
 * emit events, close.
 *
 * vj_audit_emit() never blocks and never fails the caller: enforcement does
 * not wait on the stream.  Every record gets the host-wide seq, the time, the
 * host and boot id and this tenant's defaults, and then goes
 *   - to the log sink (cfg.log_path), if any;
 *   - to vmjaild: lifecycle and loss records through run_dir/spool (they
 *     survive a daemon crash or restart), all others over the daemon's
 *     socket when it is up.
 * A record a sink cannot take right now is dropped and counted; the count
 * goes out later as an in-band loss record (kind "loss") on that sink.
 * Enforcement records are rate limited per emitter (VJ_AUDIT_RATE per second,
 * bursts of VJ_AUDIT_BURST) so that a hostile VMM cannot flood the host;
 * what the limiter drops is reported as loss source "rate-limit".
 *
 * Not async-signal-safe: do not call from a signal handler.  Calls may come
 * from several threads (an internal mutex serialises them).
 */
#ifndef VMJAIL_AUDIT_AUDIT_H
#define VMJAIL_AUDIT_AUDIT_H

#include <stdint.h>

#include "audit/event.h"
#include "jailer/err.h"

#define VJ_AUDIT_RATE  100
#define VJ_AUDIT_BURST 200

struct vj_audit_cfg {
	const char *log_path; /* NULL: none; "-": stdout; else a file, appended */
	const char *run_dir;  /* NULL: /run/vmjail */
	const char *tenant;   /* NULL for host-level records; else 1-64 of [A-Za-z0-9_.-] */
	const char *vmm, *policy, *policy_hash;
	/* the log sink's format (audit/lib/ocsf.h: 0 = schema v1, 1 = OCSF);
	 * vmjaild always gets v1 */
	int log_format;
};

struct vj_audit;

/*
 * Fails (and fills e) when run_dir cannot be used safely (see
 * audit/lib/rundir.h), the log cannot be opened, or the tenant id is invalid.
 * A daemon that is not running is not an error.
 */
int vj_audit_open(struct vj_audit **out, const struct vj_audit_cfg *cfg, struct vj_err *e);

/* The tenant's cgroup2 leaf inode, used as tenant.cgroup_id from now on. */
void vj_audit_set_cgroup_id(struct vj_audit *a, uint64_t cgid);

/*
 * Fills ev->seq (always), ev->time (if zero), host/boot_id/source and every
 * tenant field left NULL/0, then writes the record.  For lifecycle "created"
 * and "exec" records set ev->pid (and ev->ses if the jailer gave the VMM its
 * own audit session): vmjaild then attributes kernel records of that process
 * to this tenant.
 */
void vj_audit_emit(struct vj_audit *a, struct vj_event *ev);

/* Reports outstanding losses, waits at most 200 ms for the daemon's ack. */
void vj_audit_close(struct vj_audit *a);

struct vj_audit_stats {
	uint64_t emitted;      /* records numbered by this emitter (loss records included) */
	uint64_t spooled;      /* frames written to run_dir/spool */
	uint64_t sent;         /* frames sent on the daemon socket */
	uint64_t lost_log;     /* dropped by the log sink */
	uint64_t lost_daemon;  /* not delivered to vmjaild (down, full queue, spool error) */
	uint64_t lost_rate;    /* suppressed by the rate limiter */
	uint64_t loss_records; /* loss records written */
};
void vj_audit_get_stats(const struct vj_audit *a, struct vj_audit_stats *st);

#endif
