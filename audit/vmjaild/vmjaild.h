/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmjaild: the host's audit stream daemon.  Shared state of its parts:
 *   main.c     options, subcommands, exit codes
 *   loop.c     the epoll loop, signals, timers, start-up and shut-down order
 *   ingest.c   supervisors' frames: the SOCK_SEQPACKET socket and the spool
 *   kernel.c   kernel audit records -> tenant-attributed events
 *   attrib.c   which tenant a kernel record belongs to
 *   out.c      the host stream: stdout, rotated file, subscribers, loss records
 *   subs.c     subscriber connections (`vmjaild follow`)
 *   follow.c   the follow client
 */
#ifndef VMJAIL_VMJAILD_H
#define VMJAIL_VMJAILD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "audit/event.h"
#include "audit/kaudit.h"
#include "audit/lib/hostinfo.h"
#include "audit/lib/seq.h"
#include "audit/lib/sink.h"
#include "audit/lib/wire.h"

/* Exit codes (also in --help and docs/audit.md). */
enum {
	VJD_EXIT_OK = 0,      /* stopped by SIGTERM/SIGINT, or follow: stream ended */
	VJD_EXIT_RUNTIME = 1, /* failed while running; follow: cannot connect */
	VJD_EXIT_USAGE = 2,   /* bad command line */
	VJD_EXIT_BUSY = 3,    /* another vmjaild holds this run dir */
	VJD_EXIT_SETUP = 4,   /* run dir, sockets, log file or netlink could not be set up */
};

enum vjd_kernel_mode { VJD_KERNEL_OFF, VJD_KERNEL_TENANTS, VJD_KERNEL_ALL };

struct vjd_opts {
	const char *run_dir;
	bool to_stdout;
	const char *log_path;
	uint64_t rotate_size;
	unsigned rotate_keep;
	const char *sub_path; /* NULL: run_dir/events.sock; "none": no subscribers */
	enum vjd_kernel_mode kernel;
	bool enable_audit;
	uint64_t sub_buffer;
	int format; /* --log/--stdout: enum vj_audit_format; subscribers get v1 */
};

struct lossctr {
	uint64_t count, since;
};

struct vjd_sub; /* subs.c */

/* One tenant known from its supervisor's frames (attrib.c). */
struct vjd_tenant {
	char id[VJ_TENANT_MAX + 1];
	char vmm[VJ_WIRE_NAME_MAX], policy[VJ_WIRE_NAME_MAX], policy_hash[VJ_WIRE_HASH_MAX];
	uint64_t cgroup_id;
	int pid;
	long ses, uid;
	time_t expires; /* 0 while the tenant lives */
};

struct vjd_stats {
	uint64_t frames, spooled, bad_frames, kernel_events, kernel_dropped, kernel_dup, written;
	uint64_t lost_stdout, lost_file, lost_subs, sub_drops;
};

struct vjd {
	struct vjd_opts o;
	int rundirfd, spoolfd, lockfd;
	struct vj_seq seq;
	struct vj_hostinfo hi;
	int epfd, sigfd, timerfd, inofd;
	bool stop;
	int exit_code;

	/* ingest */
	int ingest_fd;
	char ingest_path[108];
	struct vjd_conn *conns; /* linked list */

	/* kernel */
	struct vj_kaudit *ka;
	struct vj_kaudit_enable *audit_enable;
	struct vj_klost klost; /* the kernel's lost counter at our last reading */

	/* outputs */
	bool has_stdout, has_file;
	struct vj_sink out_stdout, out_file;
	struct lossctr l_stdout, l_file;
	int sub_fd;
	char sub_path[108];
	struct vjd_sub *subs;
	int nsubs;

	/* attribution */
	struct vjd_tenant *tenants;
	size_t ntenants, cap_tenants;
	struct {
		uint64_t domain;
		char id[VJ_TENANT_MAX + 1];
	} domains[1024]; /* Landlock domain -> tenant, oldest overwritten */
	size_t ndomains, next_domain;
	char cgroup2_mnt[256];

	struct vjd_stats st;
	char line[VJ_JSON_LINE_MAX];
	char fmt_line[VJ_JSON_LINE_MAX]; /* the outputs' encoding when it is not v1 */
	char frame[VJ_WIRE_FRAME_MAX];
};

/* epoll tags: the low 4 bits of epoll_data.u64 (malloc pointers are 16-aligned). */
enum {
	TAG_SIGNAL = 1,
	TAG_TIMER,
	TAG_INGEST,
	TAG_CONN,
	TAG_INOTIFY,
	TAG_KAUDIT,
	TAG_SUBLISTEN,
	TAG_SUB
};

/* loop.c */
int vjd_run(const struct vjd_opts *o);
int vjd_epoll_add(struct vjd *d, int fd, uint32_t events, int tag, void *ptr);
void vjd_epoll_mod(struct vjd *d, int fd, uint32_t events, int tag, void *ptr);
void vjd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ingest.c */
int vjd_ingest_open(struct vjd *d, struct vj_err *e);
void vjd_ingest_accept(struct vjd *d);
void vjd_ingest_conn(struct vjd *d, struct vjd_conn *c, uint32_t events);
int vjd_spool_watch(struct vjd *d, struct vj_err *e);
void vjd_spool_ingest(struct vjd *d);
void vjd_ingest_close(struct vjd *d);

/* kernel.c */
int vjd_kernel_open(struct vjd *d, struct vj_err *e);
void vjd_kernel_drain(struct vjd *d);
/* Report growth of the kernel's lost counter since the last reading. */
void vjd_kernel_lost(struct vjd *d);
void vjd_kernel_close(struct vjd *d);

/* attrib.c */
void vjd_attrib_init(struct vjd *d);
void vjd_attrib_frame(struct vjd *d, const struct vj_wire_hdr *h);
const struct vjd_tenant *vjd_attrib_kernel(struct vjd *d, const struct vj_kaudit_attr *at,
                                           const char **how);
void vjd_attrib_expire(struct vjd *d, time_t now);
void vjd_attrib_free(struct vjd *d);

/* out.c */
int vjd_out_open(struct vjd *d, struct vj_err *e);
/* Stamp (seq, time, host) and write a record the daemon made itself. */
void vjd_out_event(struct vjd *d, struct vj_event *ev);
/* Write an encoded line; tenant may be NULL (host-level record). */
void vjd_out_line(struct vjd *d, const char *line, size_t n, const char *tenant);
void vjd_out_reopen(struct vjd *d);
void vjd_out_close(struct vjd *d);

/* subs.c */
int vjd_subs_open(struct vjd *d, struct vj_err *e);
void vjd_subs_accept(struct vjd *d);
void vjd_sub_event(struct vjd *d, struct vjd_sub *s, uint32_t events);
void vjd_subs_write(struct vjd *d, const char *line, size_t n, const char *tenant);
void vjd_subs_close(struct vjd *d);

/* follow.c */
int vjd_follow(int argc, char **argv);

#endif
