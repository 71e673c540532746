/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A line sink that never blocks its writer: a regular file (optionally
 * rotated by size), a pipe or FIFO, a socket, or a terminal.  A line that
 * cannot be written now is dropped whole and the caller counts it; a line is
 * never torn in the middle (the unwritten tail of a short pipe write is kept
 * and goes out before anything else).
 */
#ifndef VMJAIL_AUDIT_SINK_H
#define VMJAIL_AUDIT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jailer/err.h"

enum vj_sink_type { VJ_SINK_REG, VJ_SINK_PIPE, VJ_SINK_SOCK, VJ_SINK_OTHER };

struct vj_sink {
	int fd;
	enum vj_sink_type type;
	bool own;
	char *pend; /* tail of a line a pipe took only in part */
	size_t pend_len, pend_off;
	/* rotation (file sinks opened by path with max_size > 0) */
	char *path;
	uint64_t size, max_size;
	unsigned keep;
	uint64_t rotations;
};

/* Append to path (created 0600, never through a symlink). max_size 0: no rotation. */
int vj_sink_open_path(struct vj_sink *s, const char *path, uint64_t max_size, unsigned keep,
                      struct vj_err *e);
/* Write to an fd the caller keeps owning (e.g. stdout). */
int vj_sink_open_fd(struct vj_sink *s, int fd, struct vj_err *e);

/* 1: written; 0: would block, dropped (count it); -errno: failed, dropped. */
int vj_sink_write(struct vj_sink *s, const char *line, size_t n);

/* Close and open the path again (SIGHUP after an external rotation). */
int vj_sink_reopen(struct vj_sink *s, struct vj_err *e);

/* Rotate now: path -> path.1 -> ... -> path.<keep>. */
int vj_sink_rotate(struct vj_sink *s, struct vj_err *e);

/* Give a pending tail up to timeout_ms to go out (used at close). */
void vj_sink_drain(struct vj_sink *s, int timeout_ms);

void vj_sink_close(struct vj_sink *s);

#endif
