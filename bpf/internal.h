/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the files of bpf/ only.  The probe runs the same code paths
 * on private (unpinned) maps, so the map operations take explicit fds.
 */
#ifndef VMJAIL_BPF_INTERNAL_H
#define VMJAIL_BPF_INTERNAL_H

#include <stdint.h>
#include <stddef.h>

#include "bpf/vjbpf.h"
#include "bpf/vjbpf_abi.h"

struct vjbpf_maps {
	int tenants, stats, rings, meta;
};
#define VJBPF_MAPS_INIT                                                                            \
	{                                                                                          \
		-1, -1, -1, -1                                                                     \
	}

/* Programs in the order of the skeleton, with their pin names and hooks. */
struct vjbpf_progdef {
	const char *name; /* skeleton/pin name */
	int attach_type;  /* enum bpf_attach_type */
};
extern const struct vjbpf_progdef vjbpf_progs[];
#define VJBPF_NPROGS 10

/* loader.c */
int vjbpf__path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vjbpf__lock(int how, struct vj_err *e); /* flock LOCK_SH/LOCK_EX: an fd, or -errno */
/* the same without creating the lock file: -ENOENT when it does not exist */
int vjbpf__lock_existing(int how, struct vj_err *e);
void vjbpf__unlock(int fd);
int vjbpf__open_pinned_maps(struct vjbpf_maps *m, struct vj_err *e);
/* 1 when the pinned set is this build's (same object), else 0: a probe runs
 * another build's programs never, since they may lack what this one needs. */
int vjbpf__pinned_current(void);
void vjbpf__close_maps(struct vjbpf_maps *m);
/* Attach one program fd to a cgroup fd as a bpf_link; returns the link fd. */
int vjbpf__link_create(int prog_fd, int cgroup_fd, int attach_type);
/* Capture libbpf's messages (the verifier log) while loading. */
void vjbpf__log_begin(void);
const char *vjbpf__log_end(void);
uint64_t vjbpf__now_ns(void); /* CLOCK_MONOTONIC */

int vjbpf__remove_tree(const char *path); /* a pin directory, three levels at most */

/* lsm.c: open and load the LSM object with the hooks of mask; the maps of m
 * (the pinned ones) if given, else private maps. */
struct vjbpf_lsm;
struct vjbpf_lsm *vjbpf__lsm_open(uint64_t mask, const struct vjbpf_maps *m, struct vj_err *e);

/* tenant.c */
int vjbpf__rules_from_policy(const struct vj_policy *p, const struct vjbpf_tenant_opts *o,
                             struct vjbpf_rules *r, uint32_t *ring_bytes, struct vj_err *e);
int vjbpf__tenant_insert(const struct vjbpf_maps *m, uint64_t cgid, const struct vjbpf_rules *r,
                         uint32_t ring_bytes, struct vj_err *e);
int vjbpf__tenant_remove(const struct vjbpf_maps *m, uint64_t cgid);

/* events.c */
int vjbpf__events_open_maps(const struct vjbpf_maps *m, uint64_t cgid, struct vjbpf_events **out,
                            struct vj_err *e);

/* cgroup2.c */
int vjbpf__cgroup2_root(char *buf, size_t len); /* mount point of cgroup2 */
int vjbpf__is_cgroup2(int dirfd);
/* mkdir a fresh cgroup2 directory below the cgroup2 root; path into buf. */
int vjbpf__cgroup_mktemp(const char *prefix, char *buf, size_t len);
int vjbpf__cgroup_enter(const char *dir, int pid); /* pid 0: the caller */

/* names.c */
const char *vjbpf__hook_name(uint32_t hook);
const char *vjbpf__family_name(int family);
const char *vjbpf__socktype_name(int type);
const char *vjbpf__access_str(uint32_t access, char buf[4]);

#endif
