/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup-BPF enforcement: the jailer's interface to the programs in bpf/.
 *
 * The programs are loaded once per host and pinned under VJBPF_PIN_ROOT;
 * vjbpf_setup() attaches them once per parent cgroup (the cgroup2 directory
 * that holds all tenants of one VMM kind); each tenant is then only a few map
 * updates keyed by its leaf's cgroup2 id.  See docs/bpf.md.
 *
 * Every function returns 0 (or a count) on success and -errno on failure,
 * filling the vj_err when one is passed.  Not thread-safe: the jailer is
 * single-threaded; processes are serialised with a lock file.
 */
#ifndef VMJAIL_BPF_VJBPF_H
#define VMJAIL_BPF_VJBPF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/event.h"
#include "jailer/err.h"
#include "policies/lang/policy.h"

#define VJBPF_PIN_ROOT  "/sys/fs/bpf/vmjail"
#define VJBPF_LOCK_PATH "/run/vmjail/bpf.lock"

/*
 * Use another pin directory and lock file (tests, or a second independent
 * instance).  The pin directory must be on a bpf filesystem or below
 * /sys/fs/bpf.  NULL restores the default.  Returns -ENAMETOOLONG if a path
 * does not fit.
 */
int vjbpf_set_root(const char *pin_root, const char *lock_path);
const char *vjbpf_root(void);

/* ------------------------------------------------------------------ probe */

#define VJBPF_FEAT_DEVICE      (1u << 0) /* cgroup/dev refused /dev/full, allowed /dev/null */
#define VJBPF_FEAT_SOCK_CREATE (1u << 1) /* AF_INET6 refused, AF_UNIX allowed */
#define VJBPF_FEAT_SOCK_ADDR   (1u << 2) /* connect to 127.0.0.1 refused */
#define VJBPF_FEAT_SYSCTL      (1u << 3) /* /proc/sys read refused */
#define VJBPF_FEAT_RINGBUF     (1u << 4) /* each denial arrived in the tenant's own ring */
#define VJBPF_FEAT_ALL         0x1fu

struct vjbpf_probe {
	bool available;    /* every feature proven by the canary */
	uint32_t features; /* VJBPF_FEAT_* proven */
	bool used_pinned;  /* the canary ran the host's pinned programs */
	uint64_t elapsed_ns;
	char reason[512]; /* why not available, or what was proven */
};

/*
 * Canary: in a temporary cgroup2 directory, attach the enforcement programs
 * (the pinned ones if this host has them, else a private load), register the
 * directory as a tenant with a small rule set, move a forked child into it
 * and check that what must be refused is refused (and what must not is
 * not), then remove everything.  Returns 0 when the probe ran (see
 * out->available), -errno when it could not run at all.
 */
int vjbpf_probe(struct vjbpf_probe *out);

struct vjbpf_lsm_probe {
	bool available;          /* loaded, attached, and the canary was refused */
	bool lsm_active;         /* "bpf" is in /sys/kernel/security/lsm */
	bool mounted_securityfs; /* this probe mounted securityfs to read that file */
	int load_err;            /* positive errno of loading the canary, 0 if it loaded */
	int attach_err;
	bool canary_denied;
	char lsm_list[128];
	char reason[512];
};

/* The seam for the BPF LSM layer: is it usable on this kernel? */
int vjbpf_lsm_probe(struct vjbpf_lsm_probe *out);

/* ---------------------------------------------------------------- BPF LSM */

/* The BPF LSM programs (bpf/lsm_*.bpf.c), in the order of bit i of a mask. */
#define VJBPF_LSM_NHOOKS 26
struct vjbpf_lsm_hookdef {
	const char *prog;  /* program and pin name */
	const char *hook;  /* LSM hook (lsm/<hook>) */
	const char *group; /* exec, identity, task, file, mount, kernel, net */
	uint32_t rec_hook; /* enum vjbpf_hook of its records, 0: never reports */
};
extern const struct vjbpf_lsm_hookdef vjbpf_lsm_hooks[VJBPF_LSM_NHOOKS];

/* Which hooks the running kernel has (its BTF has bpf_lsm_<hook>): bit i. */
int vjbpf_lsm_kernel_hooks(uint64_t *mask, char *why, size_t whylen);
/* Why hook i is off given the kernel's mask, or NULL if it is on. */
const char *vjbpf_lsm_off_reason(uint64_t kernel_mask, int i);

/*
 * Load, pin and attach the LSM programs the kernel has, once per host
 * (<root>/lsm/), sharing the cgroup-BPF pinned maps: vjbpf_setup must have
 * run.  *hooks: the mask attached.  Idempotent.
 */
int vjbpf_lsm_setup(uint64_t *hooks, struct vj_err *e);

/* Switch the LSM rules on for a registered tenant (before it runs).  They
 * enforce from the tenant's first committed exec on. */
int vjbpf_lsm_tenant_enable(uint64_t cgid, struct vj_err *e);

/* The LSM canary: one forbidden action per hook group (VJBPF_LSM_GROUPS). */
#define VJBPF_LSM_G_EXEC     (1u << 0)
#define VJBPF_LSM_G_IDENTITY (1u << 1)
#define VJBPF_LSM_G_TASK     (1u << 2)
#define VJBPF_LSM_G_FILE     (1u << 3)
#define VJBPF_LSM_G_MOUNT    (1u << 4)
#define VJBPF_LSM_G_KERNEL   (1u << 5)
#define VJBPF_LSM_G_NET      (1u << 6)
#define VJBPF_LSM_G_RINGBUF  (1u << 7) /* the denials arrived in the tenant's ring */
#define VJBPF_LSM_G_ALL      0xffu
struct vjbpf_lsm_canary {
	bool available;  /* every group proven */
	uint32_t groups; /* VJBPF_LSM_G_* proven */
	uint64_t hooks;  /* kernel hook mask loaded for the canary */
	uint64_t elapsed_ns;
	char reason[512];
};
/* Private load (no pins touched), a temporary tenant cgroup, a forked child
 * trying one forbidden action per group.  0 when it ran; -errno if not. */
int vjbpf_lsm_canary(struct vjbpf_lsm_canary *out);

/* ------------------------------------------------------------------ setup */

/*
 * Make sure the programs are loaded and pinned (once per host; mounts bpffs
 * on /sys/fs/bpf if nothing is mounted there) and attached to this cgroup2
 * directory with pinned links (once per parent).  Idempotent and safe to run
 * concurrently; a second call loads nothing.
 */
int vjbpf_setup(const char *cgroup2_parent_dir, struct vj_err *e);

/* Detach and unpin everything.  Refused (-EBUSY) while a tenant whose
 * cgroup still exists is registered (entries of removed cgroups are
 * collected first, as vjbpf_tenant_gc does). */
int vjbpf_unload(struct vj_err *e);

/* ---------------------------------------------------------------- tenants */

#define VJBPF_DEFAULT_RATE  200u /* events per second */
#define VJBPF_DEFAULT_BURST 400u
#define VJBPF_DEFAULT_RING  (256u * 1024) /* bytes */
#define VJBPF_MAX_RING      (64u << 20)

struct vjbpf_tenant_opts {
	uint32_t events_per_sec; /* 0: default.  1..1000000 */
	uint32_t burst;          /* 0: default.  1..1000000 */
	uint32_t ring_bytes;     /* 0: default.  power of two, page size..64 MiB */
	uint32_t max_files;      /* 0: default.  BPF LSM cap on live struct files */
};

/*
 * Register a tenant: its rules from p->devices and p->cgbpf, its ring buffer,
 * its counters.  Must run before the tenant's process runs in the leaf
 * (docs/bpf.md: an unregistered cgroup is not enforced).  -EEXIST if the
 * cgroup is already registered, -E2BIG if the policy has more rules than the
 * maps hold.
 */
int vjbpf_tenant_add(uint64_t cgid, const struct vj_policy *p, const struct vjbpf_tenant_opts *o,
                     struct vj_err *e);

/* Remove a tenant.  Only once its leaf is empty: from then on nothing is
 * enforced for that cgroup.  -ENOENT if not registered. */
int vjbpf_tenant_del(uint64_t cgid);

struct vjbpf_tenant_stats {
	uint64_t denials;        /* == emitted + suppressed + reserve_failed */
	uint64_t emitted;        /* records written to the tenant's ring */
	uint64_t suppressed;     /* dropped by the rate limit */
	uint64_t reserve_failed; /* ring full (or gone) */
	uint64_t files;          /* live struct files counted to the tenant (BPF LSM) */
};
int vjbpf_tenant_stats(uint64_t cgid, struct vjbpf_tenant_stats *out);

/*
 * Remove the entries of tenants whose cgroup no longer exists (a jailer that
 * died between add and del).  Returns how many were removed, or -errno.
 */
int vjbpf_tenant_gc(struct vj_err *e);

/* Number of registered tenants, or -errno. */
int vjbpf_tenant_count(void);

/* The cgroup2 id of a directory (its inode number on cgroup2). */
int vjbpf_cgroup_id(const char *cgroup2_dir, uint64_t *out);

/* ----------------------------------------------------------------- events */

struct vjbpf_events;

/* Open the tenant's own ring.  The supervisor calls this; it sees nothing of
 * other tenants. */
int vjbpf_events_open(uint64_t cgid, struct vjbpf_events **out, struct vj_err *e);

/* Strings copied into every event decoded from now on (any may be NULL). */
int vjbpf_events_label(struct vjbpf_events *ev, const char *tenant, const char *vmm,
                       const char *policy, const char *policy_hash);

/* Readable (poll/epoll) when records are waiting. */
int vjbpf_events_fd(const struct vjbpf_events *ev);

/*
 * Decode every waiting record into a vj_event (kind enforcement, enforcer
 * "cgroup-bpf") and pass it to cb, then one VJ_EV_LOSS event per loss source
 * whose counter grew since the last drain ("rate-limit", "ringbuf-reserve"),
 * with the exact count.  Pointers in the event are valid during cb only.
 * A negative return from cb stops the drain and is returned.  Returns the
 * number of events passed to cb.
 */
int vjbpf_events_drain(struct vjbpf_events *ev, int (*cb)(void *ctx, const struct vj_event *ev),
                       void *ctx);

void vjbpf_events_close(struct vjbpf_events *ev);

/* --------------------------------------------------------------- describe */

/* What the cgroup-BPF layer will enforce for this policy, one line each. */
void vjbpf_describe(const struct vj_policy *p, FILE *out);

#endif
