// SPDX-License-Identifier: Apache-2.0
/* Located diagnostics: "file:line:col: error: message". */
#include "policies/lang/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sev_name(enum vj_sev s)
{
	switch (s) {
	case VJ_SEV_ERROR:
		return "error";
	case VJ_SEV_WARNING:
		return "warning";
	case VJ_SEV_NOTE:
		return "note";
	}
	return "?";
}

const char *vj_sev_name(enum vj_sev s)
{
	return sev_name(s);
}

void vj_diag_free(struct vj_diag *d)
{
	if (!d)
		return;
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->nerrors = 0;
}

void vj_diag_print(const struct vj_diag *d, void *FILE_stream)
{
	FILE *f = FILE_stream;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		const struct vj_diag_entry *e = &d->v[i];
		if (e->line)
			fprintf(f, "%s:%u:%u: %s: %s\n", e->file, e->line, e->col, sev_name(e->sev),
			        e->msg);
		else
			fprintf(f, "%s: %s: %s\n", e->file, sev_name(e->sev), e->msg);
	}
}

size_t vj_escape(char *buf, size_t len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (!len)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)c;
		} else {
			/* Control bytes, quotes' escape char and non-ASCII bytes
			 * come out as \xNN so a hostile policy cannot forge a
			 * diagnostic line or a terminal sequence. */
			if (o + 4 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < n && o + 3 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return o;
}

void vj_diag_vadd(struct vj_diag *d, enum vj_sev sev, const char *file, unsigned line, unsigned col,
                  const char *fmt, va_list ap)
{
	struct vj_diag_entry *e;

	if (!d)
		return;
	if (sev == VJ_SEV_ERROR)
		d->nerrors++;
	if (d->n >= VJ_DIAG_MAX)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		void *v = realloc(d->v, cap * sizeof(*d->v));
		if (!v)
			return; /* nerrors still counts it: the load fails */
		d->v = v;
		d->cap = cap;
	}
	e = &d->v[d->n++];
	memset(e, 0, sizeof(*e));
	e->sev = sev;
	vj_escape(e->file, sizeof(e->file), file ? file : "<policy>", file ? strlen(file) : 8);
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (d->n == VJ_DIAG_MAX) {
		e->sev = VJ_SEV_NOTE;
		snprintf(e->msg, sizeof(e->msg), "too many diagnostics; stopping here");
	}
}

void vj_diag_add(struct vj_diag *d, enum vj_sev sev, const struct vj_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vj_diag_vadd(d, sev, loc ? loc->file : NULL, loc ? loc->line : 0, loc ? loc->col : 0, fmt,
	             ap);
	va_end(ap);
}
