/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One error context for the whole project.
 *
 * Every step of a launch (and every library function in policies/, audit/
 * and bpf/) returns 0 or -errno and, on failure, leaves the reason here:
 * the step that failed, the errno, and one human sentence.  Exactly one
 * place prints it (jailer/main.c), and the same text goes to the audit
 * stream, so what an operator reads and what the security team sees agree.
 *
 * The first failure wins: later cleanup errors must not overwrite the reason
 * the launch stopped.  Cleanup code therefore uses a scratch vj_err.
 */
#ifndef VMJAIL_ERR_H
#define VMJAIL_ERR_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

struct vj_err {
	const char *step; /* static string: "validate", "cgroup", "pivot_root"... */
	int err;          /* positive errno, 0 when no error recorded */
	char msg[512];
};

/* Current step name recorded by vj_fail when the caller does not set one. */
void vj_err_step(struct vj_err *e, const char *step);

/*
 * Record a failure (if none is recorded yet) and return -err so callers can
 * write `return vj_fail(e, EINVAL, "bad id %s", id);`.  err may be given as
 * positive or negative; 0 is turned into EINVAL so a failure never reads as
 * success.
 */
int vj_fail(struct vj_err *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vj_vfail(struct vj_err *e, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* vj_fail with strerror(err) appended after ": ". */
int vj_failx(struct vj_err *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline int vj_err_set(const struct vj_err *e)
{
	return e && e->err != 0;
}

void vj_err_clear(struct vj_err *e);

/*
 * snprintf that says whether the result was cut: 0, or -ENAMETOOLONG when
 * it did not fit (buf still holds the cut, NUL-terminated text).  Used where a
 * cut string is harmless (messages) or checked (paths).
 */
int vj_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One read of a small text file (a /proc or cgroup entry: the kernel fills
 * it in one go) at dirfd/path, not following a symlink there, into buf,
 * NUL-terminated: its length (0 when empty), or -errno. */
long vj_read_text(int dirfd, const char *path, char *buf, size_t len);

/* "step: message" into buf; returns buf. */
const char *vj_err_str(const struct vj_err *e, char *buf, size_t len);

#endif
