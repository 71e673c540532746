// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the mountinfo parser (jailer/mountinfo.c) and the cgroup
 * discovery built on it (vj_cg_discover in jailer/cgroup.c).
 *
 * Input: mountinfo text, '\n'-separated lines, so seeds are real
 * /proc/self/mountinfo files.  The kernel writes it, but users choose much
 * of what it says: a FUSE mount's source and subtype, the directory an
 * unprivileged fusermount or a container runtime mounts on.
 *
 * Must hold for every input: no crash or sanitizer report.  For each line
 * the parser accepts: every field is set, lies inside the line's buffer, in
 * order and without overlap; re-escaping the unescaped fields the way the
 * kernel does and parsing again gives the same entry; vj_mount_has_option
 * agrees with a plain substring reference.  For the whole text: discovery
 * fails (with a reason) exactly when some line does not parse, and otherwise
 * yields a layout within its bounds, each v1 hierarchy with controllers no
 * other one has.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jailer/cgroup.h"
#include "jailer/cli.h"
#include "jailer/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond)
{
	if (!cond)
		__builtin_trap();
}

/* A field: inside [buf, buf+len] and NUL-terminated there. */
static void check_field(const char *f, const char *buf, size_t len)
{
	check(f && f >= buf && f <= buf + len && memchr(f, '\0', (size_t)(buf + len + 1 - f)));
}

/* Reference for vj_mount_has_option: some occurrence of opt in the list
 * with a comma or an end on either side. */
static bool has_option_ref(const char *options, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = options; (p = strstr(p, opt)); p++)
		if ((p == options || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

static void check_option(const char *options, const char *opt)
{
	/* An empty option and one with a comma are not options. */
	if (!opt[0] || strchr(opt, ','))
		check(!opt[0] || !vj_mount_has_option(options, opt));
	else
		check(vj_mount_has_option(options, opt) == (int)has_option_ref(options, opt));
}

/* The kernel's escaping (proc(5), mangle in fs/proc_namespace.c). */
static size_t escape(char *out, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			n += (size_t)sprintf(out + n, "\\%03o", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

static void roundtrip(const struct vj_mountinfo *m, size_t len)
{
	/* Escaping at most quadruples a field; three of them plus the rest. */
	size_t cap = 4 * len + 128;
	char *line = malloc(cap);
	check(line != NULL);
	size_t n = (size_t)sprintf(line, "%u %u %u:%u ", m->id, m->parent, m->major, m->minor);
	n += escape(line + n, m->root);
	line[n++] = ' ';
	n += escape(line + n, m->mountpoint);
	n += (size_t)sprintf(line + n, " %s - %s ", m->options, m->fstype);
	n += escape(line + n, m->source);
	n += (size_t)sprintf(line + n, " %s", m->super_options);
	check(n < cap);

	struct vj_mountinfo r;
	check(vj_mountinfo_parse_line(line, &r) == 0);
	check(r.id == m->id && r.parent == m->parent && r.major == m->major && r.minor == m->minor);
	check(!strcmp(r.root, m->root) && !strcmp(r.mountpoint, m->mountpoint) &&
	      !strcmp(r.options, m->options) && !strcmp(r.fstype, m->fstype) &&
	      !strcmp(r.source, m->source) && !strcmp(r.super_options, m->super_options));
	free(line);
}

static bool one_line(const uint8_t *data, size_t len)
{
	/* An exact-size copy, NUL-terminated: ASan sees a read past its end. */
	char *buf = malloc(len + 1);
	check(buf != NULL);
	memcpy(buf, data, len);
	buf[len] = '\0';

	struct vj_mountinfo m;
	bool ok = vj_mountinfo_parse_line(buf, &m) == 0;
	if (ok) {
		const char *f[] = {m.root,   m.mountpoint, m.options,
		                   m.fstype, m.source,     m.super_options};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			check_field(f[i], buf, len);
			if (i)
				check(f[i - 1] + strlen(f[i - 1]) < f[i]);
		}
		/* raw tokens are separated by spaces, so they hold none */
		check(!strchr(m.options, ' ') && !strchr(m.fstype, ' ') &&
		      !strchr(m.super_options, ' '));
		check(m.options[0] && m.fstype[0] && m.super_options[0]);

		const char *opts[] = {m.fstype, m.source, "rw", "cpu", "name=systemd", "", ","};
		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			check_option(m.options, opts[i]);
			check_option(m.super_options, opts[i]);
		}
		/* every option the list names is found in it */
		for (char *o = m.super_options; *o;) {
			char *c = strchr(o, ',');
			size_t n = c ? (size_t)(c - o) : strlen(o);
			char save = o[n];
			o[n] = '\0';
			check(!n || vj_mount_has_option(m.super_options, o));
			o[n] = save;
			o = c ? c + 1 : o + n;
		}
		/* "\000" decodes to an empty field, which a line cannot carry; the
		 * kernel never writes it (it escapes only ' ', '\t', '\n', '\\'). */
		if (m.root[0] && m.mountpoint[0] && m.source[0])
			roundtrip(&m, len);
	}
	free(buf);
	return ok;
}

/* The whole text as a file, the way vj_cg_discover reads /proc/self/mountinfo.
 * It refuses the file exactly when a line does not parse. */
static void discover(const uint8_t *data, size_t size, bool all_lines_ok)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-mountinfo", MFD_CLOEXEC);
		check(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	check(ftruncate(fd, 0) == 0);
	check(pwrite(fd, data, size, 0) == (ssize_t)size);

	static struct vj_cg_layout lay;
	struct vj_err e = {0};
	if (vj_cg_discover(path, &lay, &e) < 0) {
		check(!all_lines_ok && vj_err_set(&e) && e.msg[0]);
		return;
	}
	check(all_lines_ok);
	check(lay.nv1 <= VJ_CG_MAX_HIER);
	uint32_t seen = 0;
	for (unsigned i = 0; i < lay.nv1; i++) {
		check(memchr(lay.v1[i].mnt, '\0', sizeof(lay.v1[i].mnt)) != NULL);
		check(lay.v1[i].ctrls && !(lay.v1[i].ctrls & ~((1u << VJ_CG__COUNT) - 1)));
		check(!(lay.v1[i].ctrls & seen));
		seen |= lay.v1[i].ctrls;
	}
	check(lay.has_v2 || !lay.v2_mnt[0]);
	check(memchr(lay.v2_mnt, '\0', sizeof(lay.v2_mnt)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool all_ok = true;
	for (size_t off = 0; off < size;) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : size - off;
		all_ok &= one_line(data + off, n);
		off += n + 1;
	}
	/* Discovery goes through a file (a few syscalls): always when every
	 * line parsed, since only then does it get past the first line, and
	 * for one input in sixteen otherwise, to see it refuse. */
	if (all_ok || (size & 15) == 0)
		discover(data, size, all_ok);
	return 0;
}
