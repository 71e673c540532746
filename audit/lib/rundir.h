/* SPDX-License-Identifier: Apache-2.0 */
/* The per-host state directory (default /run/vmjail): safe open and layout. */
#ifndef VMJAIL_AUDIT_RUNDIR_H
#define VMJAIL_AUDIT_RUNDIR_H

#include "jailer/err.h"

#define VJ_RUN_DIR_DEFAULT "/run/vmjail"
#define VJ_RUN_SEQ         "seq"          /* host counters, see seq.c */
#define VJ_RUN_SPOOL       "spool"        /* lifecycle records on their way to vmjaild */
#define VJ_RUN_INGEST_SOCK "vmjaild.sock" /* supervisors -> vmjaild (SOCK_SEQPACKET) */
#define VJ_RUN_EVENTS_SOCK "events.sock"  /* vmjaild -> subscribers (SOCK_STREAM) */
#define VJ_RUN_DAEMON_LOCK "vmjaild.lock" /* one daemon per run_dir */
#define VJ_RUN_AUDIT_USERS "audit-users"  /* flock-counted users of kernel audit */
#define VJ_RUN_AUDIT_STATE "audit-state"  /* audit "enabled" value before vmjail set it */

/*
 * Open path as a directory owned by the effective uid and writable by no one
 * else, creating its last component (mode 0700) if missing.  No component
 * may be a symlink.  Returns 0 and an O_DIRECTORY fd, or -errno.
 */
int vj_rundir_open(const char *path, int *dirfd, struct vj_err *e);

/* The same checks for a subdirectory of an open run_dir. */
int vj_rundir_sub(int dirfd, const char *name, int *subfd, struct vj_err *e);

/*
 * Open (creating, mode 0600) a regular file under dirfd that only the
 * effective uid may write.  flags: O_RDWR or O_WRONLY plus extras.
 */
int vj_rundir_file(int dirfd, const char *name, int flags, int *fd, struct vj_err *e);

#endif
