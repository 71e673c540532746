// SPDX-License-Identifier: Apache-2.0
/*
 * Statements -> struct vj_policy.  Everything that can be judged from one
 * statement is judged here (syntax, value ranges, path shape, names); what
 * needs the whole policy (conflicting rules, argument widths, defaults) is
 * the validator's (validate.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/parse.h"
#include "policies/lang/syscalls.h"

/* ------------------------------------------------------------ helpers */

struct vj_loc vj_p_loc_at(const struct cur *c, size_t i)
{
	struct vj_loc l = {c->ps->cur_file, c->ps->cur_line, 1};

	if (i < c->n)
		l.col = c->t[i].col;
	else if (c->n)
		l.col = c->t[c->n - 1].col + (unsigned)c->t[c->n - 1].len;
	return l;
}

void vj_p_perr(const struct cur *c, size_t i, const char *fmt, ...)
{
	struct vj_loc l = vj_p_loc_at(c, i);
	va_list ap;

	va_start(ap, fmt);
	vj_diag_vadd(c->ps->diag, VJ_SEV_ERROR, l.file, l.line, l.col, fmt, ap);
	va_end(ap);
}

/* Token i quoted and escaped for a message, into a caller-scope buffer. */
const char *vj_p_esc(const struct cur *c, size_t i, char *buf, size_t len)
{
	const struct vj_tok *t;

	if (i >= c->n)
		return "the end of the line";
	t = &c->t[i];
	if (t->kind != VJ_TOK_WORD && t->kind != VJ_TOK_STRING)
		return vj_tok_kind_name(t->kind);
	buf[0] = '\'';
	vj_escape(buf + 1, len - 2, t->s, t->len);
	strcat(buf, "'");
	return buf;
}

bool vj_p_is_word(const struct cur *c, size_t i, const char *w)
{
	return i < c->n && c->t[i].kind == VJ_TOK_WORD && strcmp(c->t[i].s, w) == 0;
}

const char *vj_p_word(const struct cur *c, size_t i)
{
	return i < c->n && c->t[i].kind == VJ_TOK_WORD ? c->t[i].s : NULL;
}

/* A word or a quoted string (paths). */
const char *vj_p_text(const struct cur *c, size_t i)
{
	return i < c->n && (c->t[i].kind == VJ_TOK_WORD || c->t[i].kind == VJ_TOK_STRING)
	           ? c->t[i].s
	           : NULL;
}

bool vj_p_need(const struct cur *c, size_t i, const char *what)
{
	if (i < c->n)
		return true;
	vj_p_perr(c, i, "missing %s", what);
	return false;
}

/* Nothing may follow a complete statement. */
bool vj_p_end_at(const struct cur *c, size_t i)
{
	if (i >= c->n)
		return true;
	vj_p_perr(c, i, "unexpected %s after the end of the statement", ESC(c, i));
	return false;
}

static void vj_p_seen_dup(const struct cur *c, size_t i, struct vj_seen *s, const char *what)
{
	char f[128];

	vj_escape(f, sizeof(f), s->loc.file, strlen(s->loc.file));
	vj_p_perr(c, i, "%s is already set at %s:%u", what, f, s->loc.line);
}

/* Set-once statements: true (and remember where) the first time. */
bool vj_p_set_once(const struct cur *c, size_t i, struct vj_seen *s, const char *what)
{
	if (s->loc.line) {
		vj_p_seen_dup(c, i, s, what);
		return false;
	}
	s->loc = vj_p_loc_at(c, i);
	return true;
}

void *vj_p_grow(struct cur *c, void **v, size_t *n, size_t elsize, const char *what)
{
	char *nv;

	if (*n >= VJ_MAX_ITEMS) {
		vj_p_perr(c, 0, "too many %s (limit %u)", what, VJ_MAX_ITEMS);
		c->ps->fatal = true;
		return NULL;
	}
	nv = realloc(*v, (*n + 1) * elsize);
	if (!nv) {
		vj_p_perr(c, 0, "out of memory");
		c->ps->fatal = true;
		return NULL;
	}
	*v = nv;
	memset(nv + *n * elsize, 0, elsize);
	return nv + (*n)++ * elsize;
}

/* ------------------------------------------------------------ numbers */

/* Decimal, 0x hex, 0o octal; a leading '-' (decimal only) gives the 64-bit
 * two's complement, as C would for an int argument. */
enum numerr vj_p_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	bool neg = false;
	uint64_t v = 0;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	}
	if (!*s || (neg && base != 10))
		return NUM_NOT;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return NUM_NOT;
		if (d >= base)
			return NUM_NOT;
		if (v > (UINT64_MAX - d) / base)
			return NUM_RANGE;
		v = v * base + d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return NUM_RANGE;
		v = (uint64_t)0 - v;
	}
	*out = v;
	return NUM_OK;
}

bool vj_p_looks_numeric(const char *s)
{
	return (*s >= '0' && *s <= '9') || *s == '-';
}

/* A plain non-negative integer in [lo, hi]. */
bool vj_p_parse_uint(const struct cur *c, size_t i, uint64_t lo, uint64_t hi, const char *what,
                     uint64_t *out)
{
	const char *w = vj_p_word(c, i);
	uint64_t v;

	if (!vj_p_need(c, i, what))
		return false;
	if (!w || *w == '-' || vj_p_parse_u64(w, &v) != NUM_OK || v < lo || v > hi) {
		vj_p_perr(c, i, "%s must be a number from %llu to %llu, got %s", what,
		          (unsigned long long)lo, (unsigned long long)hi, ESC(c, i));
		return false;
	}
	*out = v;
	return true;
}

/* NUMBER[K|M|G|T]: powers of 1024. */
bool vj_p_parse_size(const struct cur *c, size_t i, const char *what, uint64_t *out)
{
	const char *w = vj_p_word(c, i);
	char num[32];
	size_t l;
	unsigned shift = 0;
	uint64_t v;

	if (!vj_p_need(c, i, what))
		return false;
	if (!w || (l = strlen(w)) == 0 || l >= sizeof(num) || *w == '-')
		goto bad;
	memcpy(num, w, l + 1);
	switch (num[l - 1]) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	}
	if (shift)
		num[l - 1] = '\0';
	if (vj_p_parse_u64(num, &v) != NUM_OK || (shift && v > (UINT64_MAX >> shift)))
		goto bad;
	*out = v << shift;
	if (*out > INT64_MAX)
		goto bad;
	return true;
bad:
	vj_p_perr(c, i,
	          "%s must be a byte count (a number with an optional K, M, G or T suffix), got %s",
	          what, ESC(c, i));
	return false;
}

/*
 * VALUE := TERM ('|' TERM)*, TERM := number | constant.  prefix (optional)
 * restricts constants to one family (AF_ for a socket family).  Advances *i.
 */
bool vj_p_parse_value(const struct cur *c, size_t *i, const char *prefix, uint64_t *out)
{
	uint64_t acc = 0;

	for (;;) {
		const char *w = vj_p_word(c, *i);
		uint64_t v;

		if (!w) {
			if (*i < c->n)
				vj_p_perr(c, *i, "expected a number or a constant, got %s",
				          ESC(c, *i));
			else
				vj_p_perr(c, *i, "missing a value");
			return false;
		}
		if (vj_p_looks_numeric(w)) {
			enum numerr e = vj_p_parse_u64(w, &v);
			if (e == NUM_RANGE) {
				vj_p_perr(c, *i, "number %s does not fit in 64 bits", ESC(c, *i));
				return false;
			}
			if (e != NUM_OK) {
				vj_p_perr(c, *i, "bad number %s", ESC(c, *i));
				return false;
			}
		} else if ((prefix && strncmp(w, prefix, strlen(prefix)) != 0) ||
		           !vj_const_lookup(w, &v)) {
			if (prefix && strncmp(w, prefix, strlen(prefix)) != 0)
				vj_p_perr(c, *i, "expected a %s* constant or a number, got %s",
				          prefix, ESC(c, *i));
			else
				vj_p_perr(c, *i, "unknown constant %s", ESC(c, *i));
			return false;
		}
		acc |= v;
		(*i)++;
		if (*i < c->n && c->t[*i].kind == VJ_TOK_PIPE) {
			(*i)++;
			continue;
		}
		*out = acc;
		return true;
	}
}

/* --------------------------------------------------------------- paths */

bool vj_path_ok(const char *s, const char **why)
{
	size_t l = strlen(s), i;

	if (s[0] != '/') {
		*why = "must be absolute";
		return false;
	}
	if (l >= VJ_MAX_PATH) {
		*why = "is too long";
		return false;
	}
	for (i = 0; i < l; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch >= 0x7f) {
			*why = "contains a control or non-ASCII byte";
			return false;
		}
	}
	if (l > 1 && s[l - 1] == '/') {
		*why = "is not normalized (trailing '/')";
		return false;
	}
	if (strstr(s, "//")) {
		*why = "is not normalized ('//')";
		return false;
	}
	for (i = 0; i < l; i++) {
		if (s[i] != '/')
			continue;
		if (s[i + 1] == '.' && s[i + 2] == '.' && (s[i + 3] == '/' || s[i + 3] == '\0')) {
			*why = "contains '..'";
			return false;
		}
		if (s[i + 1] == '.' && (s[i + 2] == '/' || s[i + 2] == '\0')) {
			*why = "is not normalized ('.' component)";
			return false;
		}
	}
	return true;
}

char *vj_p_parse_path(const struct cur *c, size_t i, const char *what)
{
	const char *s = vj_p_text(c, i), *why;
	char *dup;

	if (!vj_p_need(c, i, what))
		return NULL;
	if (!s) {
		vj_p_perr(c, i, "expected %s, got %s", what, ESC(c, i));
		return NULL;
	}
	if (!vj_path_ok(s, &why)) {
		vj_p_perr(c, i, "%s %s %s", what, ESC(c, i), why);
		return NULL;
	}
	dup = strdup(s);
	if (!dup)
		vj_p_perr(c, i, "out of memory");
	return dup;
}

/* ----------------------------------------------------------- statements */

bool vj_p_on_off(const struct cur *c, size_t i, bool *out)
{
	if (vj_p_is_word(c, i, "on"))
		*out = true;
	else if (vj_p_is_word(c, i, "off"))
		*out = false;
	else {
		if (vj_p_need(c, i, "'on' or 'off'"))
			vj_p_perr(c, i, "expected 'on' or 'off', got %s", ESC(c, i));
		return false;
	}
	return vj_p_end_at(c, i + 1);
}

static void st_version(struct cur *c)
{
	uint64_t v;
	const char *w = vj_p_word(c, 1);

	if (!vj_p_need(c, 1, "version number"))
		goto fatal;
	if (!w || vj_p_parse_u64(w, &v) != NUM_OK || *w == '-') {
		vj_p_perr(c, 1, "expected a version number, got %s", ESC(c, 1));
		goto fatal;
	}
	if (v != VJ_POLICY_LANG_VERSION) {
		vj_p_perr(c, 1,
		          "unsupported policy language version %s (this vmjail reads version %d)",
		          ESC(c, 1), VJ_POLICY_LANG_VERSION);
		goto fatal;
	}
	if (c->ps->file_stmts != 1) {
		vj_p_perr(c, 0, "'version' must be the first statement of a file");
		return;
	}
	if (!vj_p_end_at(c, 2))
		return;
	if (!c->ps->version.loc.line)
		c->ps->version.loc = vj_p_loc_at(c, 0);
	c->ps->version_ok = true;
	return;
fatal:
	c->ps->fatal = true; /* a policy for another language version: read no further */
}

static void st_name(struct cur *c)
{
	const char *w = vj_p_word(c, 1);
	size_t l, k;

	if (!vj_p_need(c, 1, "policy name"))
		return;
	l = w ? strlen(w) : 0;
	for (k = 0; k < l; k++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
		            w[k]))
			break;
	if (!w || l == 0 || l > 63 || k < l) {
		vj_p_perr(c, 1, "a policy name is 1 to 63 of [A-Za-z0-9._-], got %s", ESC(c, 1));
		return;
	}
	if (!vj_p_end_at(c, 2) || !vj_p_set_once(c, 0, &c->ps->name, "name"))
		return;
	memcpy(c->ps->p->name, w, l + 1);
}

static void st_include(struct cur *c, int dirfd)
{
	const char *s;
	size_t k, l;

	if (!vj_p_need(c, 1, "include path"))
		return;
	if (c->t[1].kind != VJ_TOK_STRING) {
		vj_p_perr(c, 1, "include takes a quoted path, got %s", ESC(c, 1));
		return;
	}
	if (!vj_p_end_at(c, 2))
		return;
	s = c->t[1].s;
	l = strlen(s);
	if (l == 0 || l >= VJ_MAX_PATH) {
		vj_p_perr(c, 1, "include path must be 1 to %d bytes", VJ_MAX_PATH - 1);
		return;
	}
	if (s[0] == '/') {
		vj_p_perr(c, 1,
		          "include path %s is absolute; includes are relative to the including "
		          "file's directory",
		          ESC(c, 1));
		return;
	}
	for (k = 0; k < l; k++) {
		if ((k == 0 || s[k - 1] == '/') && s[k] == '.' && s[k + 1] == '.' &&
		    (s[k + 2] == '/' || s[k + 2] == '\0')) {
			vj_p_perr(c, 1,
			          "include path %s contains '..'; includes may not leave the "
			          "including file's directory",
			          ESC(c, 1));
			return;
		}
	}
	{
		struct vj_loc at = vj_p_loc_at(c, 1);
		vj_parse_include(c->ps, &at, s, dirfd);
	}
}

static void st_layer(struct cur *c)
{
	const char *w = vj_p_word(c, 1), *r = vj_p_word(c, 2);
	int l;
	enum vj_req req;

	if (!vj_p_need(c, 1, "layer name"))
		return;
	l = w ? vj_layer_from_name(w) : -1;
	if (l < 0) {
		vj_p_perr(
		    c, 1,
		    "unknown layer %s (layers: seccomp exec-once landlock cgroup-bpf cgroup-limits "
		    "bpf-lsm apparmor)",
		    ESC(c, 1));
		return;
	}
	if (!vj_p_need(c, 2, "'required', 'if-available' or 'off'"))
		return;
	if (r && strcmp(r, "required") == 0)
		req = VJ_REQ_REQUIRED;
	else if (r && strcmp(r, "if-available") == 0)
		req = VJ_REQ_IF_AVAILABLE;
	else if (r && strcmp(r, "off") == 0)
		req = VJ_REQ_OFF;
	else {
		vj_p_perr(c, 2, "expected 'required', 'if-available' or 'off', got %s", ESC(c, 2));
		return;
	}
	if (!vj_p_end_at(c, 3) || !vj_p_set_once(c, 1, &c->ps->layer[l], "this layer"))
		return;
	c->ps->p->layer[l] = req;
}

/* ------------------------------------------------------------ dispatch */

void vj_parse_stmt(struct vj_parser *ps, const struct vj_tok *t, size_t n, int dirfd)
{
	struct cur c = {ps, t, n, 0};
	const char *kw = vj_p_word(&c, 0);

	ps->nstmts++;
	ps->file_stmts++;
	if (!kw) {
		vj_p_perr(&c, 0, "expected a statement keyword, got %s", ESC(&c, 0));
		return;
	}
	if (strcmp(kw, "version") == 0) {
		st_version(&c);
		return;
	}
	if (!ps->version_ok) {
		vj_p_perr(&c, 0, "the first statement of a policy must be 'version %d'",
		          VJ_POLICY_LANG_VERSION);
		ps->fatal = true;
		return;
	}
	if (strcmp(kw, "name") == 0)
		st_name(&c);
	else if (strcmp(kw, "include") == 0)
		st_include(&c, dirfd);
	else if (strcmp(kw, "layer") == 0)
		st_layer(&c);
	else if (strcmp(kw, "namespace") == 0)
		vj_p_st_namespace(&c);
	else if (strcmp(kw, "mount") == 0)
		vj_p_st_mount(&c);
	else if (strcmp(kw, "device") == 0)
		vj_p_st_device(&c);
	else if (strcmp(kw, "bind") == 0)
		vj_p_st_bind(&c);
	else if (strcmp(kw, "dir") == 0)
		vj_p_st_dir(&c);
	else if (strcmp(kw, "cgroup") == 0)
		vj_p_st_cgroup(&c);
	else if (strcmp(kw, "rlimit") == 0)
		vj_p_st_rlimit(&c);
	else if (strcmp(kw, "landlock") == 0)
		vj_p_st_landlock(&c);
	else if (strcmp(kw, "socket") == 0)
		vj_p_st_socket(&c);
	else if (strcmp(kw, "net") == 0)
		vj_p_st_net(&c);
	else if (strcmp(kw, "sysctl") == 0)
		vj_p_st_sysctl(&c);
	else if (strcmp(kw, "seccomp") == 0)
		vj_p_st_seccomp(&c);
	else
		vj_p_perr(&c, 0, "unknown statement %s", ESC(&c, 0));
}
