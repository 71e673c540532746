// SPDX-License-Identifier: Apache-2.0
#include "jailer/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void vj_err_step(struct vj_err *e, const char *step)
{
	if (e && e->err == 0)
		e->step = step;
}

void vj_err_clear(struct vj_err *e)
{
	if (!e)
		return;
	e->step = NULL;
	e->err = 0;
	e->msg[0] = '\0';
}

int vj_vfail(struct vj_err *e, int err, const char *fmt, va_list ap)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		err = EINVAL;
	if (e && e->err == 0) {
		e->err = err;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return -err;
}

int vj_fail(struct vj_err *e, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vj_vfail(e, err, fmt, ap);
	va_end(ap);
	return rc;
}

int vj_failx(struct vj_err *e, int err, const char *fmt, ...)
{
	char head[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	int pos = err < 0 ? -err : err;
	return vj_fail(e, err, "%s: %s", head, strerror(pos ? pos : EINVAL));
}

const char *vj_err_str(const struct vj_err *e, char *buf, size_t len)
{
	if (!e || e->err == 0)
		snprintf(buf, len, "no error");
	else if (e->step)
		snprintf(buf, len, "%s: %s", e->step, e->msg);
	else
		snprintf(buf, len, "%s", e->msg);
	return buf;
}

int vj_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

long vj_read_text(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return n;
}
