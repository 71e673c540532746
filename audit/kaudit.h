/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel audit source: seccomp (1326), Landlock (1423/1424), AppArmor
 * (1400 with apparmor=, 1500-1507) records read from NETLINK_AUDIT's
 * read-only multicast group AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ; does
 * not disturb an auditd that owns the unicast channel), grouped by their
 * audit(sec.msec:serial) id with the SYSCALL record of the same event, and
 * handed out one vj_event per denial plus the keys the caller needs to decide
 * which tenant it belongs to.
 *
 * Everything in a record about a jailed process is hostile: comm, exe, paths
 * and names arrive quoted or hex-encoded and may decode to any bytes; every
 * field is length- and format-checked, and a malformed field is dropped, not
 * guessed.
 */
#ifndef VMJAIL_AUDIT_KAUDIT_H
#define VMJAIL_AUDIT_KAUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "audit/event.h"
#include "jailer/err.h"

/* Not in Debian 12's <linux/audit.h> (they arrived with Linux 6.15). */
#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif

/* What identifies the process behind a record; -1/0 when the record lacks it. */
struct vj_kaudit_attr {
	int pid, ppid;
	long uid, gid, auid, ses; /* auid/ses -1 when unset (4294967295) */
	uint64_t landlock_domain; /* the denying Landlock domain, 0 if none */
	int domain_pid;           /* pid that created that domain (its first denial only) */
	uint64_t serial;          /* kernel audit event serial */
	/* AppArmor: the label that confines the actor, in the root policy
	 * namespace, as the kernel printed it (quoted, never hex); NULL when the
	 * record names none.  See vj_kaudit_aa_tenant. */
	const char *aa_label;
};

/* The AppArmor profile of tenant <id> is VJ_AA_PREFIX "<id>" (jailer/layer_apparmor.c). */
#define VJ_AA_PREFIX "vmjail-"

/*
 * Is the actor of this AppArmor record confined by tenant id's profile
 * ("vmjail-<id>", or a child or stack of it: "vmjail-<id>//...")?  Only root
 * loads profiles and ours have no attachment (a process enters one only by
 * vmjail's aa_change_onexec), so the name is as strong a key as the audit
 * session; it is the only key when the kernel wrote no SYSCALL record (no
 * uid, no ses: the 6.1 guest's AVC records).  The one rule for the
 * supervisor and vmjaild, attribution "apparmor-profile".
 */
bool vj_kaudit_aa_tenant(const struct vj_kaudit_attr *at, const char *id);

/*
 * ev and attr (and every string they point to) live until the callback
 * returns.  ev has kind/type/enforcer/actor/decision/object filled, tenant
 * fields NULL: attribution is the caller's.  A netlink overflow arrives as a
 * loss event (loss_source "netlink-overflow", loss_count = overflow episodes,
 * each of which lost at least one record) with attr NULL; so do denials the
 * decoder refused (loss_source "decode", loss_count = how many; at most one
 * such event a second, and one at vj_kaudit_flush).
 */
typedef void (*vj_kaudit_cb)(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *attr);

struct vj_kaudit;

struct vj_kaudit_stats {
	uint64_t records;   /* netlink records read or fed */
	uint64_t events;    /* events handed to the callback */
	uint64_t malformed; /* records or fields refused */
	uint64_t overflows; /* ENOBUFS episodes */
	uint64_t evicted;   /* groups flushed early because too many were open */
	uint64_t refused;   /* denials refused (reported as "decode" losses) */
};

/* Open the multicast socket (non-blocking, close-on-exec). */
int vj_kaudit_open(struct vj_kaudit **out, vj_kaudit_cb cb, void *ctx, struct vj_err *e);
/* A decoder without a socket: records come from vj_kaudit_feed (tests, fuzzing). */
int vj_kaudit_new(struct vj_kaudit **out, vj_kaudit_cb cb, void *ctx, struct vj_err *e);

/* Pollable fd (POLLIN), -1 for a decoder without socket. */
int vj_kaudit_fd(const struct vj_kaudit *k);
/*
 * Read everything available without blocking and dispatch finished events.
 * Returns the number of events dispatched, or -errno for a dead socket.
 */
int vj_kaudit_drain(struct vj_kaudit *k);
/*
 * Milliseconds until a pending event must be flushed (its closing record
 * may never come: seccomp records without audit enabled have no EOE);
 * -1 when nothing is pending.  Use as poll timeout, then call vj_kaudit_tick.
 */
int vj_kaudit_timeout_ms(const struct vj_kaudit *k);
void vj_kaudit_tick(struct vj_kaudit *k);

/* One record: its type and text ("audit(sec.msec:serial): fields"). */
void vj_kaudit_feed(struct vj_kaudit *k, int type, const char *text, size_t len);
/* Dispatch every pending event now. */
void vj_kaudit_flush(struct vj_kaudit *k);

void vj_kaudit_get_stats(const struct vj_kaudit *k, struct vj_kaudit_stats *st);
void vj_kaudit_close(struct vj_kaudit *k);

/* ---- audit status (audit/lib/kaudit_ctl.c) ---- */

/* AUDIT_GET: the kernel's "enabled" value (0 off, 1 on, 2 locked on). */
int vj_kaudit_get_enabled(int *enabled, struct vj_err *e);
/* AUDIT_GET's backlog: the records queued in the kernel that kauditd has not
 * yet sent (multicast included), host-wide.  0 after an event means every
 * record queued before it has left the queue. */
int vj_kaudit_get_backlog(uint32_t *backlog, struct vj_err *e);
/* AUDIT_SET enabled (needs CAP_AUDIT_CONTROL). */
int vj_kaudit_set_enabled(int enabled, struct vj_err *e);
/* The kernel's count of audit records it dropped (AUDIT_GET's lost: backlog
 * full, rate limit, no memory), host-wide, since boot; it wraps at 2^32. */
int vj_kaudit_get_lost(uint32_t *lost, struct vj_err *e);

/* One reader's view of that counter: what grew since it last looked. */
struct vj_klost {
	uint32_t last;
	bool known;
};
/* Start t at a value read earlier (a loss since then is reported, never
 * missed). */
void vj_klost_start(struct vj_klost *t, uint32_t lost);
/* Read the counter: *delta is its growth since t's last reading (0 on the
 * first, which only sets the baseline). */
int vj_klost_read(struct vj_klost *t, uint32_t *delta, struct vj_err *e);
/* ev: the loss record for n records the kernel dropped (source
 * kernel-audit, loss source kernel-lost, no tenant: the writer adds it). */
void vj_klost_event(struct vj_event *ev, uint32_t n);

/*
 * Landlock reports denials only while kernel audit is enabled.  A user that
 * needs them acquires the enable: the first user records the previous value
 * in run_dir/audit-state and turns audit on; every user holds a shared flock
 * on run_dir/audit-users; the last one to release puts the previous value
 * back (if audit is still in the state vmjail left it).  A user that dies
 * drops its flock with it; vj_kaudit_enable_reconcile (run by vmjaild at
 * start) restores the value when a crash left nobody to do it.
 * Side effects while enabled are listed in docs/audit.md.
 */
struct vj_kaudit_enable;
int vj_kaudit_enable_acquire(const char *run_dir, struct vj_kaudit_enable **out, struct vj_err *e);
void vj_kaudit_enable_release(struct vj_kaudit_enable *h);
/* The kernel's lost counter as acquire's AUDIT_GET read it (the caller's
 * loss baseline, saving a second AUDIT_GET round trip per launch). */
uint32_t vj_kaudit_enable_lost(const struct vj_kaudit_enable *h);
/* Returns 1 if it restored a value, 0 if there was nothing to do, -errno. */
int vj_kaudit_enable_reconcile(const char *run_dir, struct vj_err *e);

#endif
