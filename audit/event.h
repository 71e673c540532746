/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One internal event, whatever its source (jailer lifecycle, kernel audit
 * records, BPF ring buffers, cgroup event files).  Decoders fill it; one
 * encoder (audit/lib/json.c) turns it into a schema v1 JSON line (audit/SCHEMA.md).
 *
 * Strings that come from inside a jail (comm, exe, paths, ...) are byte
 * strings that may hold anything: quotes, newlines, invalid UTF-8.  They are
 * carried with their length and only the encoder decides how to escape them.
 */
#ifndef VMJAIL_AUDIT_EVENT_H
#define VMJAIL_AUDIT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define VJ_SCHEMA_VERSION 1

enum vj_ev_kind {
	VJ_EV_LIFECYCLE,
	VJ_EV_ENFORCEMENT,
	VJ_EV_LOSS,
};

/* A possibly hostile byte string; NULL ptr means "absent". */
struct vj_bytes {
	const char *ptr;
	size_t len;
};

struct vj_event {
	enum vj_ev_kind kind;
	const char *type; /* lifecycle: created exec paused resumed suspended restored exited
			     oom-killed pids-limit ttl-expired killed cleaned cleanup-failed
			     supervisor-died launch-failed
			     layer-skipped; enforcement: deny kill log; loss: loss */
	uint64_t seq;     /* filled by the sink layer (host-wide counter) */
	struct timespec time; /* CLOCK_REALTIME; filled by vj_audit_emit if zero */

	/* tenant */
	const char *tenant;   /* --id */
	const char *vmm;      /* exec basename */
	uint64_t cgroup_id;   /* cgroup2 leaf inode, 0 if none */
	const char *policy;   /* policy name */
	const char *policy_hash;

	/* actor (the process that did something); 0/absent when unknown */
	int pid, tid;
	long uid; /* -1 when unknown */
	struct vj_bytes comm, exe;

	/* decision */
	const char *enforcer; /* seccomp landlock cgroup-bpf bpf-lsm apparmor cgroup jailer exec-once */
	const char *hook;     /* syscall name or hook name, e.g. "openat", "cgroup/dev" */
	int syscall;          /* -1 when not a syscall */
	const char *action;   /* allow deny kill log errno trap */
	int err;              /* errno returned, 0 if none */
	const char *rule;     /* rule id/location, e.g. "qemu.policy:42" */

	/* object: whichever apply */
	struct vj_bytes path;
	uint64_t dev, ino;
	int family;               /* AF_*, 0 if none */
	struct vj_bytes addr;     /* printable address */
	int port;                 /* -1 if none */
	uint64_t ioctl_request;   /* valid when has_ioctl */
	bool has_ioctl;
	int signal;               /* signal involved, 0 if none */
	int target_pid;
	struct vj_bytes detail;   /* free text from the source (e.g. Landlock blockers=) */

	/* lifecycle */
	int exit_code;    /* -1 if none */
	int exit_signal;  /* 0 if none */
	const char *step; /* failing launch step */
	struct vj_bytes message;

	/* loss */
	const char *loss_source; /* ringbuf-reserve, rate-limit, netlink-overflow, kernel-lost,
				    kernel-backlog, decode, daemon-down, queue,
				    spool, subscriber (audit/SCHEMA.md lists them) */
	uint64_t loss_count;
	uint64_t since_seq;

	/*
	 * Schema v1 extensions.  Appended so that code written against the
	 * fields above keeps compiling; vj_event_init sets every one of them
	 * to "absent", so a caller that never heard of them emits nothing new.
	 */
	long gid;                   /* actor gid, -1 when unknown */
	long auid;                  /* audit login uid, -1 when unset (kernel 4294967295) */
	long ses;                   /* audit session id, -1 when unset */
	int ppid;                   /* 0 when unknown */
	uint32_t arch;              /* AUDIT_ARCH_* of the syscall, 0 when unknown */
	const char *syscall_name;   /* e.g. "openat" when hook holds a non-syscall hook */
	struct vj_bytes dev_name;   /* device as the kernel names it ("vda"), Landlock records */
	struct vj_bytes target_comm; /* comm of target_pid (Landlock scope.signal: ocomm) */
	uint64_t landlock_domain;   /* Landlock domain id, 0 when none */
	uint64_t audit_serial;      /* kernel audit event serial, 0 when not from kernel audit */
	const char *attribution;    /* how the tenant was found: supervisor ses uid cgroup pid
				       landlock-domain apparmor-profile; NULL when unattributed or not needed */
	const char *source;         /* producer: "supervisor", "kernel-audit", "vmjaild" */
	const char *host;           /* envelope; filled by the sink layer */
	const char *boot_id;        /* envelope; filled by the sink layer */
};

/* Strings longer than this many input bytes are cut ("truncated":true). */
#define VJ_JSON_STR_MAX 4096
/* A buffer this large always holds a record (strings are cut harder if needed). */
#define VJ_JSON_LINE_MAX 65536

/* Reset to "nothing set" (the -1 / 0 defaults above). */
void vj_event_init(struct vj_event *ev, enum vj_ev_kind kind, const char *type);

/*
 * Encode as one JSON line, '\n' included, NUL-terminated.  Never fails on
 * hostile input: invalid UTF-8 becomes U+FFFD, control bytes become \u00XX,
 * over-long strings are cut (and "truncated":true is added).  Returns the
 * length written, or -ENOSPC if buf is too small for even a cut record.
 */
int vj_event_to_json(const struct vj_event *ev, char *buf, size_t len);

/*
 * n bytes at p as one quoted JSON string with the escaping above, cut after
 * str_max input bytes (then *truncated is set).  No NUL is written.  Returns
 * the length, or -ENOSPC when cap is too small.
 */
int vj_json_quote(char *buf, size_t cap, const char *p, size_t n, size_t str_max,
                  bool *truncated);

#endif
