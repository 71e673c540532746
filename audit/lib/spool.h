/* SPDX-License-Identifier: Apache-2.0 */
/*
 * run_dir/spool: one file per lifecycle (and loss) record on its way to
 * vmjaild.  A record is written under a dot-name and renamed into place, so
 * the daemon sees whole frames or nothing; the daemon unlinks a file only
 * after the record is in its outputs (at-least-once: a crash between the two
 * repeats a record, with the same seq, rather than losing it).
 */
#ifndef VMJAIL_AUDIT_SPOOL_H
#define VMJAIL_AUDIT_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define VJ_SPOOL_SUFFIX ".rec"
/* Beyond this many waiting records new ones are counted as lost (tmpfs is RAM). */
#define VJ_SPOOL_MAX_FILES 100000

/* Write one frame as spool/<seq>-<pid>.rec.  0 or -errno; never blocks on a reader. */
int vj_spool_write(int spoolfd, uint64_t seq, const char *frame, size_t n);

/* Is name a finished spool record (not a temporary file)? */
int vj_spool_name_ok(const char *name);

/*
 * Call fn for each finished record in seq order, then unlink it when fn
 * returned 0 (fn returning < 0 keeps the file and stops the scan).
 * Returns the number of records handed to fn or -errno.  Frames bigger than
 * cap are deleted as malformed (counted in *bad).  Temporary files older
 * than a minute (a writer died mid-write) are removed.
 */
typedef int (*vj_spool_fn)(void *ctx, const char *frame, size_t n, const char *name);
long vj_spool_scan(int spoolfd, char *buf, size_t cap, vj_spool_fn fn, void *ctx,
                   unsigned long *bad);

#endif
