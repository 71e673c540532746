/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract between the cgroup-BPF programs (the .bpf.c files) and the loader
 * (the other .c files): map keys and values, and the ring-buffer record.  Included by
 * both sides, so it uses only fixed-width kernel types and no pointers.
 *
 * Changing anything here changes the programs, so the pinned set of an older
 * build is refused (loader.c compares a hash of the BPF object).
 */
#ifndef VMJAIL_BPF_ABI_H
#define VMJAIL_BPF_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>
#endif

/* Map sizes.  A rule set is one map value so that adding or replacing a
 * tenant is one atomic map update: a program never sees half a policy. */
#define VJBPF_MAX_TENANTS 4096
#define VJBPF_MAX_DEV     16
#define VJBPF_MAX_SOCK    16
#define VJBPF_MAX_NET     32
/* How far below a tenant's leaf a process may sit and still be that tenant
 * (cgroup levels searched from the root; see vj_tenant() in the programs). */
#define VJBPF_MAX_LEVEL 16
/* Live struct files per tenant (BPF LSM, bpf/lsm_filecount.bpf.c): the cap
 * when the loader gives none (vjbpf_rules.max_files 0), and the number of
 * files all tenants together may hold (entries of vj_file_owner; its hash
 * buckets cost 16 bytes each, 16 MiB, its entries are allocated on use).
 * fs.file-max defaults to about 100 files per MiB of RAM (2466248 on the
 * development host), so on hosts above about 10 GiB all tenants together
 * cannot exhaust the host's file table. */
#define VJBPF_DEFAULT_MAX_FILES 65536u
#define VJBPF_MAX_FILE_OWNERS   (1u << 20)

#define VJBPF_NSEC          1000000000ull
#define VJBPF_MAX_RATE      1000000u /* events/s; keeps the refill in 64 bits */
#define VJBPF_MAX_BURST     1000000u
#define VJBPF_REFILL_CAP_NS (60ull * VJBPF_NSEC)

/* vjbpf_rules.flags */
#define VJBPF_SYSCTL_READ  0x1u
#define VJBPF_SYSCTL_WRITE 0x2u
/* The BPF LSM programs judge this tenant (bpf/lsm_*.bpf.c, docs/bpf.md).
 * They enforce only once the tenant's first exec (the VMM's) has committed:
 * before that the process is the jailer's own code building the jail. */
#define VJBPF_LSM_ENFORCE 0x4u

/* Device access bits, as the cgroup/dev context encodes them (BPF_DEVCG_*). */
#define VJBPF_DEV_MKNOD 0x1u
#define VJBPF_DEV_READ  0x2u
#define VJBPF_DEV_WRITE 0x4u
#define VJBPF_DEV_BLOCK 0x1u
#define VJBPF_DEV_CHAR  0x2u

struct vjbpf_dev_rule {
	__u32 type; /* VJBPF_DEV_CHAR / VJBPF_DEV_BLOCK */
	__u32 major, minor;
	__u32 access; /* VJBPF_DEV_* bits allowed */
};

struct vjbpf_sock_rule {
	__s32 family;
	__s32 type;     /* -1: any */
	__s32 protocol; /* -1: any */
	__u32 pad;
};

enum vjbpf_netop {
	VJBPF_NET_CONNECT = 1,
	VJBPF_NET_BIND = 2,
	VJBPF_NET_SENDMSG = 3,
};

/* addr and mask are in network byte order, already masked (addr & mask ==
 * addr); an IPv4 rule uses word 0 only. */
struct vjbpf_net_rule {
	__u32 addr[4];
	__u32 mask[4];
	__u16 port_lo, port_hi; /* host byte order, inclusive */
	__u8 op;                /* enum vjbpf_netop */
	__u8 family;            /* AF_INET (2) or AF_INET6 (10) */
	__u8 pad[2];
};

/* Value of vj_tenants, keyed by the tenant's cgroup2 id (__u64). */
struct vjbpf_rules {
	__u32 ndev, nsock, nnet;
	__u32 flags;        /* VJBPF_SYSCTL_* */
	__u32 rate_per_sec; /* token bucket: events per second ... */
	__u32 burst;        /* ... and bucket depth */
	__u32 max_files;    /* BPF LSM: live struct files, 0: VJBPF_DEFAULT_MAX_FILES */
	__u32 pad;
	struct vjbpf_dev_rule dev[VJBPF_MAX_DEV];
	struct vjbpf_sock_rule sock[VJBPF_MAX_SOCK];
	struct vjbpf_net_rule net[VJBPF_MAX_NET];
};

/*
 * Value of vj_stats, keyed like vj_tenants.  The counters are exact: every
 * denial increments `denials` and exactly one of emitted / suppressed /
 * reserve_failed, each with an atomic add.  The bucket (tokens, last_ns) is
 * guarded by the spin lock.  One token is VJBPF_NSEC units.
 */
struct vjbpf_stats {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 tokens;
	__u64 last_ns;
	__u64 denials;
	__u64 emitted;
	__u64 suppressed;
	__u64 reserve_failed;
	__u64 execs; /* committed execs (BPF LSM: exec-once and arming) */
	__u64 files; /* live struct files counted to the tenant (BPF LSM) */
};

enum vjbpf_hook {
	VJBPF_HOOK_DEV = 1,
	VJBPF_HOOK_SOCK_CREATE,
	VJBPF_HOOK_CONNECT4,
	VJBPF_HOOK_CONNECT6,
	VJBPF_HOOK_BIND4,
	VJBPF_HOOK_BIND6,
	VJBPF_HOOK_SENDMSG4,
	VJBPF_HOOK_SENDMSG6,
	VJBPF_HOOK_SYSCTL,
	VJBPF_HOOK_LISTEN4, /* a connection to a listener the bind rules do not allow */
	VJBPF_HOOK_LISTEN6,
	/* BPF LSM hooks (enforcer "bpf-lsm"); VJBPF_HOOK_LSM_FIRST is the first */
	VJBPF_HOOK_LSM_EXEC,
	VJBPF_HOOK_LSM_SETUID,
	VJBPF_HOOK_LSM_SETGID,
	VJBPF_HOOK_LSM_SETGROUPS,
	VJBPF_HOOK_LSM_CAPABLE,
	VJBPF_HOOK_LSM_USERNS,
	VJBPF_HOOK_LSM_KILL,
	VJBPF_HOOK_LSM_PTRACE,
	VJBPF_HOOK_LSM_FILE_OPEN,
	VJBPF_HOOK_LSM_IOCTL,
	VJBPF_HOOK_LSM_RECEIVE,
	VJBPF_HOOK_LSM_NOTIFY,
	VJBPF_HOOK_LSM_MOUNT,
	VJBPF_HOOK_LSM_MOVE_MOUNT,
	VJBPF_HOOK_LSM_PIVOTROOT,
	VJBPF_HOOK_LSM_BPF,
	VJBPF_HOOK_LSM_PERF,
	VJBPF_HOOK_LSM_MODREQ,
	VJBPF_HOOK_LSM_READ_FILE,
	VJBPF_HOOK_LSM_LOAD_DATA,
	VJBPF_HOOK_LSM_SOCK_CREATE,
	VJBPF_HOOK_LSM_UNIX_CONNECT,
	VJBPF_HOOK_LSM_LISTEN,
	VJBPF_HOOK_LSM_FILE_ALLOC, /* refused with ENFILE: the tenant is at its file cap */
	VJBPF_HOOK__COUNT
};
#define VJBPF_HOOK_LSM_FIRST VJBPF_HOOK_LSM_EXEC

#define VJBPF_NAME_LEN 64

/* One denial in a tenant's ring buffer.  Only the fields of `hook` are set;
 * the rest are zero. */
struct vjbpf_rec {
	__u64 ts_ns;       /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 tenant_cgid; /* the tenant's leaf */
	__u64 cgid;        /* the caller's cgroup (the leaf or below it) */
	__u64 pid_tgid;
	__u64 uid_gid;
	__u32 hook; /* enum vjbpf_hook */
	/* cgroup/dev */
	__u32 dev_type, dev_major, dev_minor, dev_access;
	/* sockets and addresses */
	__s32 family, sock_type, protocol;
	__u32 addr[4]; /* network byte order */
	__u16 port;    /* host byte order */
	__u16 pad;
	/* cgroup/sysctl */
	__u32 sysctl_write;
	__s32 name_len; /* bytes in name, or -errno from bpf_sysctl_get_name */
	char comm[16];
	char name[VJBPF_NAME_LEN]; /* sysctl name; LSM: file, module, fs type, target comm */
	/* BPF LSM hooks */
	__s64 arg;      /* capability, signal, ioctl cmd, bpf cmd, family, read/load id, file cap */
	__u64 obj_ino;  /* file hooks: the inode ... */
	__u32 obj_dev;  /* ... and its superblock's device (kernel encoding) */
	__u32 obj_pid;  /* task hooks: the target's tgid */
	__u64 obj_cgid; /* task and unix hooks: the target's cgroup */
};

/* Value of vj_meta[0]: written last by the loader, so its presence means the
 * pinned set is complete. */
#define VJBPF_META_MAGIC 0x766a627066000001ull /* "vjbpf", version 1 */
struct vjbpf_meta {
	__u64 magic;
	__u64 obj_hash;  /* FNV-1a of the BPF object the programs came from */
	__u64 loaded_at; /* CLOCK_REALTIME seconds */
	__u64 pad;
};

#endif
