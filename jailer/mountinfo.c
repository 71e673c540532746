// SPDX-License-Identifier: Apache-2.0
#include "jailer/mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel escapes ' ', '\t', '\n' and '\\' as \ooo (three octal digits). */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static char *next_field(char **cursor)
{
	char *s = *cursor;
	if (!s)
		return NULL;
	while (*s == ' ')
		s++;
	if (!*s)
		return NULL;
	char *end = strchr(s, ' ');
	if (end) {
		*end = '\0';
		*cursor = end + 1;
	} else {
		*cursor = NULL;
	}
	return s;
}

static int parse_uint(const char *s, unsigned *out, char stop)
{
	unsigned long v = 0;
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 0xffffffffUL)
			return -EINVAL;
		s++;
	}
	if (*s != stop)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int vj_mountinfo_parse_line(char *line, struct vj_mountinfo *out)
{
	char *cur = line;
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	memset(out, 0, sizeof(*out));

	char *id = next_field(&cur), *parent = next_field(&cur), *devno = next_field(&cur);
	out->root = next_field(&cur);
	out->mountpoint = next_field(&cur);
	out->options = next_field(&cur);
	if (!id || !parent || !devno || !out->root || !out->mountpoint || !out->options)
		return -EINVAL;
	if (parse_uint(id, &out->id, '\0') || parse_uint(parent, &out->parent, '\0'))
		return -EINVAL;
	char *colon = strchr(devno, ':');
	if (!colon || parse_uint(devno, &out->major, ':') ||
	    parse_uint(colon + 1, &out->minor, '\0'))
		return -EINVAL;
	/* optional fields until a lone "-" */
	char *f;
	while ((f = next_field(&cur)) && strcmp(f, "-") != 0)
		;
	if (!f)
		return -EINVAL;
	out->fstype = next_field(&cur);
	out->source = next_field(&cur);
	out->super_options = next_field(&cur);
	if (!out->fstype || !out->source || !out->super_options || next_field(&cur))
		return -EINVAL;
	unescape_octal(out->root);
	unescape_octal(out->mountpoint);
	unescape_octal(out->source);
	return 0;
}

int vj_mount_has_option(const char *options, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = options; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, opt, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

int vj_mountinfo_each(const char *path, int (*cb)(const struct vj_mountinfo *m, void *ctx),
                      void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "re");
	if (!f) {
		int err = errno;
		close(fd);
		return -err;
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (getline(&line, &cap, f) > 0) {
		struct vj_mountinfo m;
		if (vj_mountinfo_parse_line(line, &m) < 0) {
			rc = -EINVAL;
			break;
		}
		rc = cb(&m, ctx);
		if (rc)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}
