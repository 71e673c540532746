// SPDX-License-Identifier: Apache-2.0
/*
 * Statements -> struct vj_policy.  Everything that can be judged from one
 * statement is judged here (syntax, value ranges, path shape, names); what
 * needs the whole policy (conflicting rules, argument widths, defaults) is
 * the validator's (validate.c).
 */
#include "policies/lang/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"

/* ------------------------------------------------------------ helpers */

struct cur {
	struct vj_parser *ps;
	const struct vj_tok *t;
	size_t n, i;
};

static struct vj_loc loc_at(const struct cur *c, size_t i)
{
	struct vj_loc l = {c->ps->cur_file, c->ps->cur_line, 1};

	if (i < c->n)
		l.col = c->t[i].col;
	else if (c->n)
		l.col = c->t[c->n - 1].col + (unsigned)c->t[c->n - 1].len;
	return l;
}

__attribute__((format(printf, 3, 4))) static void perr(const struct cur *c, size_t i,
                                                       const char *fmt, ...)
{
	struct vj_loc l = loc_at(c, i);
	va_list ap;

	va_start(ap, fmt);
	vj_diag_vadd(c->ps->diag, VJ_SEV_ERROR, l.file, l.line, l.col, fmt, ap);
	va_end(ap);
}

/* Token i quoted and escaped for a message, into a caller-scope buffer. */
static const char *esc(const struct cur *c, size_t i, char *buf, size_t len)
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

#define ESC(c, i) esc((c), (i), (char[100]){0}, 100)

static bool is_word(const struct cur *c, size_t i, const char *w)
{
	return i < c->n && c->t[i].kind == VJ_TOK_WORD && strcmp(c->t[i].s, w) == 0;
}

static const char *word(const struct cur *c, size_t i)
{
	return i < c->n && c->t[i].kind == VJ_TOK_WORD ? c->t[i].s : NULL;
}

/* A word or a quoted string (paths). */
static const char *text(const struct cur *c, size_t i)
{
	return i < c->n && (c->t[i].kind == VJ_TOK_WORD || c->t[i].kind == VJ_TOK_STRING)
	           ? c->t[i].s
	           : NULL;
}

static bool need(const struct cur *c, size_t i, const char *what)
{
	if (i < c->n)
		return true;
	perr(c, i, "missing %s", what);
	return false;
}

/* Nothing may follow a complete statement. */
static bool end_at(const struct cur *c, size_t i)
{
	if (i >= c->n)
		return true;
	perr(c, i, "unexpected %s after the end of the statement", ESC(c, i));
	return false;
}

static void seen_dup(const struct cur *c, size_t i, struct vj_seen *s, const char *what)
{
	char f[128];

	vj_escape(f, sizeof(f), s->loc.file, strlen(s->loc.file));
	perr(c, i, "%s is already set at %s:%u", what, f, s->loc.line);
}

/* Set-once statements: true (and remember where) the first time. */
static bool set_once(const struct cur *c, size_t i, struct vj_seen *s, const char *what)
{
	if (s->loc.line) {
		seen_dup(c, i, s, what);
		return false;
	}
	s->loc = loc_at(c, i);
	return true;
}

static void *grow(struct cur *c, void **v, size_t *n, size_t elsize, const char *what)
{
	char *nv;

	if (*n >= VJ_MAX_ITEMS) {
		perr(c, 0, "too many %s (limit %u)", what, VJ_MAX_ITEMS);
		c->ps->fatal = true;
		return NULL;
	}
	nv = realloc(*v, (*n + 1) * elsize);
	if (!nv) {
		perr(c, 0, "out of memory");
		c->ps->fatal = true;
		return NULL;
	}
	*v = nv;
	memset(nv + *n * elsize, 0, elsize);
	return nv + (*n)++ * elsize;
}

/* ------------------------------------------------------------ numbers */

enum numerr { NUM_OK, NUM_NOT, NUM_RANGE };

/* Decimal, 0x hex, 0o octal; a leading '-' (decimal only) gives the 64-bit
 * two's complement, as C would for an int argument. */
static enum numerr parse_u64(const char *s, uint64_t *out)
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

static bool looks_numeric(const char *s)
{
	return (*s >= '0' && *s <= '9') || *s == '-';
}

/* A plain non-negative integer in [lo, hi]. */
static bool parse_uint(const struct cur *c, size_t i, uint64_t lo, uint64_t hi, const char *what,
                       uint64_t *out)
{
	const char *w = word(c, i);
	uint64_t v;

	if (!need(c, i, what))
		return false;
	if (!w || *w == '-' || parse_u64(w, &v) != NUM_OK || v < lo || v > hi) {
		perr(c, i, "%s must be a number from %llu to %llu, got %s", what,
		     (unsigned long long)lo, (unsigned long long)hi, ESC(c, i));
		return false;
	}
	*out = v;
	return true;
}

/* NUMBER[K|M|G|T]: powers of 1024. */
static bool parse_size(const struct cur *c, size_t i, const char *what, uint64_t *out)
{
	const char *w = word(c, i);
	char num[32];
	size_t l;
	unsigned shift = 0;
	uint64_t v;

	if (!need(c, i, what))
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
	if (parse_u64(num, &v) != NUM_OK || (shift && v > (UINT64_MAX >> shift)))
		goto bad;
	*out = v << shift;
	if (*out > INT64_MAX)
		goto bad;
	return true;
bad:
	perr(c, i,
	     "%s must be a byte count (a number with an optional K, M, G or T suffix), got %s",
	     what, ESC(c, i));
	return false;
}

/*
 * VALUE := TERM ('|' TERM)*, TERM := number | constant.  prefix (optional)
 * restricts constants to one family (AF_ for a socket family).  Advances *i.
 */
static bool parse_value(const struct cur *c, size_t *i, const char *prefix, uint64_t *out)
{
	uint64_t acc = 0;

	for (;;) {
		const char *w = word(c, *i);
		uint64_t v;

		if (!w) {
			if (*i < c->n)
				perr(c, *i, "expected a number or a constant, got %s", ESC(c, *i));
			else
				perr(c, *i, "missing a value");
			return false;
		}
		if (looks_numeric(w)) {
			enum numerr e = parse_u64(w, &v);
			if (e == NUM_RANGE) {
				perr(c, *i, "number %s does not fit in 64 bits", ESC(c, *i));
				return false;
			}
			if (e != NUM_OK) {
				perr(c, *i, "bad number %s", ESC(c, *i));
				return false;
			}
		} else if ((prefix && strncmp(w, prefix, strlen(prefix)) != 0) ||
		           !vj_const_lookup(w, &v)) {
			if (prefix && strncmp(w, prefix, strlen(prefix)) != 0)
				perr(c, *i, "expected a %s* constant or a number, got %s", prefix,
				     ESC(c, *i));
			else
				perr(c, *i, "unknown constant %s", ESC(c, *i));
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

static char *parse_path(const struct cur *c, size_t i, const char *what)
{
	const char *s = text(c, i), *why;
	char *dup;

	if (!need(c, i, what))
		return NULL;
	if (!s) {
		perr(c, i, "expected %s, got %s", what, ESC(c, i));
		return NULL;
	}
	if (!vj_path_ok(s, &why)) {
		perr(c, i, "%s %s %s", what, ESC(c, i), why);
		return NULL;
	}
	dup = strdup(s);
	if (!dup)
		perr(c, i, "out of memory");
	return dup;
}

/* ----------------------------------------------------------- statements */

static bool on_off(const struct cur *c, size_t i, bool *out)
{
	if (is_word(c, i, "on"))
		*out = true;
	else if (is_word(c, i, "off"))
		*out = false;
	else {
		if (need(c, i, "'on' or 'off'"))
			perr(c, i, "expected 'on' or 'off', got %s", ESC(c, i));
		return false;
	}
	return end_at(c, i + 1);
}

static void st_version(struct cur *c)
{
	uint64_t v;
	const char *w = word(c, 1);

	if (!need(c, 1, "version number"))
		goto fatal;
	if (!w || parse_u64(w, &v) != NUM_OK || *w == '-') {
		perr(c, 1, "expected a version number, got %s", ESC(c, 1));
		goto fatal;
	}
	if (v != VJ_POLICY_LANG_VERSION) {
		perr(c, 1, "unsupported policy language version %s (this vmjail reads version %d)",
		     ESC(c, 1), VJ_POLICY_LANG_VERSION);
		goto fatal;
	}
	if (c->ps->file_stmts != 1) {
		perr(c, 0, "'version' must be the first statement of a file");
		return;
	}
	if (!end_at(c, 2))
		return;
	if (!c->ps->version.loc.line)
		c->ps->version.loc = loc_at(c, 0);
	c->ps->version_ok = true;
	return;
fatal:
	c->ps->fatal = true; /* a policy for another language version: read no further */
}

static void st_name(struct cur *c)
{
	const char *w = word(c, 1);
	size_t l, k;

	if (!need(c, 1, "policy name"))
		return;
	l = w ? strlen(w) : 0;
	for (k = 0; k < l; k++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
		            w[k]))
			break;
	if (!w || l == 0 || l > 63 || k < l) {
		perr(c, 1, "a policy name is 1 to 63 of [A-Za-z0-9._-], got %s", ESC(c, 1));
		return;
	}
	if (!end_at(c, 2) || !set_once(c, 0, &c->ps->name, "name"))
		return;
	memcpy(c->ps->p->name, w, l + 1);
}

static void st_include(struct cur *c, int dirfd)
{
	const char *s;
	size_t k, l;

	if (!need(c, 1, "include path"))
		return;
	if (c->t[1].kind != VJ_TOK_STRING) {
		perr(c, 1, "include takes a quoted path, got %s", ESC(c, 1));
		return;
	}
	if (!end_at(c, 2))
		return;
	s = c->t[1].s;
	l = strlen(s);
	if (l == 0 || l >= VJ_MAX_PATH) {
		perr(c, 1, "include path must be 1 to %d bytes", VJ_MAX_PATH - 1);
		return;
	}
	if (s[0] == '/') {
		perr(c, 1,
		     "include path %s is absolute; includes are relative to the including "
		     "file's directory",
		     ESC(c, 1));
		return;
	}
	for (k = 0; k < l; k++) {
		if ((k == 0 || s[k - 1] == '/') && s[k] == '.' && s[k + 1] == '.' &&
		    (s[k + 2] == '/' || s[k + 2] == '\0')) {
			perr(c, 1,
			     "include path %s contains '..'; includes may not leave the "
			     "including file's directory",
			     ESC(c, 1));
			return;
		}
	}
	{
		struct vj_loc at = loc_at(c, 1);
		vj_parse_include(c->ps, &at, s, dirfd);
	}
}

static void st_layer(struct cur *c)
{
	const char *w = word(c, 1), *r = word(c, 2);
	int l;
	enum vj_req req;

	if (!need(c, 1, "layer name"))
		return;
	l = w ? vj_layer_from_name(w) : -1;
	if (l < 0) {
		perr(
		    c, 1,
		    "unknown layer %s (layers: seccomp exec-once landlock cgroup-bpf cgroup-limits "
		    "bpf-lsm apparmor)",
		    ESC(c, 1));
		return;
	}
	if (!need(c, 2, "'required', 'if-available' or 'off'"))
		return;
	if (r && strcmp(r, "required") == 0)
		req = VJ_REQ_REQUIRED;
	else if (r && strcmp(r, "if-available") == 0)
		req = VJ_REQ_IF_AVAILABLE;
	else if (r && strcmp(r, "off") == 0)
		req = VJ_REQ_OFF;
	else {
		perr(c, 2, "expected 'required', 'if-available' or 'off', got %s", ESC(c, 2));
		return;
	}
	if (!end_at(c, 3) || !set_once(c, 1, &c->ps->layer[l], "this layer"))
		return;
	c->ps->p->layer[l] = req;
}

static void st_namespace(struct cur *c)
{
	bool v;

	if (is_word(c, 1, "user")) {
		if (on_off(c, 2, &v) && set_once(c, 1, &c->ps->ns_user, "namespace user"))
			c->ps->p->userns = v;
	} else if (is_word(c, 1, "pid")) {
		if (on_off(c, 2, &v) && set_once(c, 1, &c->ps->ns_pid, "namespace pid"))
			c->ps->p->pidns = v;
	} else if (need(c, 1, "namespace name")) {
		perr(c, 1, "unknown namespace %s (expected 'user' or 'pid')", ESC(c, 1));
	}
}

static void st_mount(struct cur *c)
{
	bool v;

	if (is_word(c, 1, "proc")) {
		if (on_off(c, 2, &v) && set_once(c, 1, &c->ps->mnt_proc, "mount proc"))
			c->ps->p->mount_proc = v;
	} else if (is_word(c, 1, "sys")) {
		if (on_off(c, 2, &v) && set_once(c, 1, &c->ps->mnt_sys, "mount sys"))
			c->ps->p->mount_sys = v;
	} else if (need(c, 1, "filesystem")) {
		perr(c, 1, "unknown mount %s (expected 'proc' or 'sys')", ESC(c, 1));
	}
}

static void st_device(struct cur *c)
{
	size_t i;

	if (!need(c, 1, "device name"))
		return;
	for (i = 1; i < c->n; i++) {
		const char *w = word(c, i);
		int d = w ? vj_dev_from_name(w) : -1;
		if (d < 0) {
			perr(
			    c, i,
			    "unknown device %s (devices: kvm net/tun vhost-net vhost-vsock urandom "
			    "random null zero full userfaultfd)",
			    ESC(c, i));
			continue;
		}
		if (set_once(c, i, &c->ps->dev[d], "this device"))
			c->ps->p->devices |= 1u << d;
	}
}

static void st_bind(struct cur *c)
{
	struct vj_policy *p = c->ps->p;
	struct vj_bind *b;
	bool rw;
	char *src, *dst = NULL;
	size_t i = 3, dst_at = 2;
	bool optional = false;

	if (is_word(c, 1, "rw"))
		rw = true;
	else if (is_word(c, 1, "ro"))
		rw = false;
	else {
		if (need(c, 1, "'ro' or 'rw'"))
			perr(c, 1, "expected 'ro' or 'rw', got %s", ESC(c, 1));
		return;
	}
	src = parse_path(c, 2, "bind source");
	if (!src)
		return;
	if (i < c->n && !is_word(c, i, "optional")) {
		dst_at = i;
		dst = parse_path(c, i, "bind destination");
		if (!dst)
			goto fail;
		i++;
	}
	if (is_word(c, i, "optional")) {
		optional = true;
		i++;
	}
	if (!end_at(c, i))
		goto fail;
	if (!dst && !(dst = strdup(src))) {
		perr(c, 2, "out of memory");
		goto fail;
	}
	if (strcmp(dst, "/") == 0) {
		perr(c, dst_at, "cannot bind over the jail's root directory");
		goto fail;
	}
	for (size_t k = 0; k < p->nbinds; k++) {
		if (strcmp(p->binds[k].dst, dst) == 0) {
			char f[128];
			vj_escape(f, sizeof(f), p->binds[k].loc.file, strlen(p->binds[k].loc.file));
			perr(c, 2, "%s is already bound at %s:%u", dst, f, p->binds[k].loc.line);
			goto fail;
		}
	}
	b = grow(c, (void **)&p->binds, &p->nbinds, sizeof(*b), "binds");
	if (!b)
		goto fail;
	b->src = src;
	b->dst = dst;
	b->writable = rw;
	b->optional = optional;
	b->loc = loc_at(c, 0);
	return;
fail:
	free(src);
	free(dst);
}

static void st_dir(struct cur *c)
{
	struct vj_policy *p = c->ps->p;
	struct vj_dir *d;
	char *path = parse_path(c, 1, "directory");

	if (!path)
		return;
	if (!end_at(c, 2))
		goto fail;
	if (strcmp(path, "/") == 0) {
		perr(c, 1, "dir / is the jail's root, which always exists");
		goto fail;
	}
	for (size_t k = 0; k < p->ndirs; k++) {
		if (strcmp(p->dirs[k].path, path) == 0) {
			perr(c, 1, "dir %s is already declared at line %u", path,
			     p->dirs[k].loc.line);
			goto fail;
		}
	}
	d = grow(c, (void **)&p->dirs, &p->ndirs, sizeof(*d), "dirs");
	if (!d)
		goto fail;
	d->path = path;
	d->loc = loc_at(c, 0);
	return;
fail:
	free(path);
}

/* cpuset lists: "0-3,8,10-11" */
static bool cpulist_ok(const char *s)
{
	bool digit = false;
	unsigned long prev = 0, cur = 0;
	bool range = false;

	if (!*s)
		return false;
	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			cur = cur * 10 + (unsigned long)(*s - '0');
			if (cur > 65535)
				return false;
			digit = true;
			continue;
		}
		if (!digit)
			return false;
		if (range && cur < prev)
			return false;
		if (*s == '-' && !range) {
			range = true;
			prev = cur;
		} else if (*s == ',' || *s == '\0') {
			range = false;
		} else {
			return false;
		}
		if (!*s)
			return true;
		cur = 0;
		digit = false;
	}
}

static void st_cgroup(struct cur *c)
{
	struct vj_parser *ps = c->ps;
	struct vj_cglimits *lim = &ps->p->limits;
	const char *k = word(c, 1), *w;
	char cpulist[sizeof(lim->cpuset_cpus)];
	uint64_t v;

	if (!need(c, 1, "cgroup setting") || !need(c, 2, "cgroup value"))
		return;
	if (k && strncmp(k, "cpuset-", 7) == 0) {
		/* "0-3,8": the lexer splits at commas; glue the list back. */
		size_t o = 0;
		for (size_t i = 2; i < c->n; i++) {
			const struct vj_tok *t = &c->t[i];
			if ((t->kind != VJ_TOK_WORD && t->kind != VJ_TOK_COMMA) ||
			    o + t->len >= sizeof(cpulist)) {
				perr(c, i, "%s is a list like 0-3,8, got %s", k, ESC(c, i));
				return;
			}
			memcpy(cpulist + o, t->s, t->len);
			o += t->len;
		}
		cpulist[o] = '\0';
		w = cpulist;
	} else {
		if (!end_at(c, 3))
			return;
		w = word(c, 2);
	}
	if (!k)
		goto unknown;
	if (strcmp(k, "memory") == 0) {
		if (parse_size(c, 2, "cgroup memory", &v) &&
		    set_once(c, 1, &ps->cg_memory, "cgroup memory")) {
			if (v < 4096 * 256)
				perr(c, 2, "cgroup memory below 1M cannot run a VMM");
			lim->memory_max = (int64_t)v;
		}
	} else if (strcmp(k, "memory-swap") == 0) {
		if (parse_size(c, 2, "cgroup memory-swap", &v) &&
		    set_once(c, 1, &ps->cg_swap, "cgroup memory-swap"))
			lim->memory_swap_max = (int64_t)v;
	} else if (strcmp(k, "pids") == 0) {
		if (parse_uint(c, 2, 1, 4194304, "cgroup pids", &v) &&
		    set_once(c, 1, &ps->cg_pids, "cgroup pids"))
			lim->pids_max = (int64_t)v;
	} else if (strcmp(k, "cpu") == 0) {
		/* CPUs as a decimal with up to 3 places: 1, 0.5, 1.25 */
		const char *dot = w ? strchr(w, '.') : NULL;
		uint64_t ip = 0, fp = 0;
		char ibuf[16] = "", fbuf[4] = "000";
		size_t il = w ? (dot ? (size_t)(dot - w) : strlen(w)) : 0;
		size_t fl = dot ? strlen(dot + 1) : 0;
		bool ok = w && il > 0 && il < sizeof(ibuf) && fl <= 3 && (!dot || fl > 0);
		if (ok) {
			memcpy(ibuf, w, il);
			ibuf[il] = '\0';
			if (dot)
				memcpy(fbuf, dot + 1, fl);
			ok = ibuf[0] != '-' && parse_u64(ibuf, &ip) == NUM_OK && ip <= 4096 &&
			     (fbuf[0] >= '0' && fbuf[0] <= '9') && parse_u64(fbuf, &fp) == NUM_OK &&
			     strncmp(ibuf, "0x", 2) != 0 && strncmp(ibuf, "0o", 2) != 0;
		}
		if (!ok || ip * 1000 + fp == 0) {
			perr(c, 2,
			     "cgroup cpu is a number of CPUs from 0.001 to 4096 (e.g. 1.5), got %s",
			     ESC(c, 2));
			return;
		}
		if (set_once(c, 1, &ps->cg_cpu, "cgroup cpu"))
			ps->cpu_milli = ip * 1000 + fp;
	} else if (strcmp(k, "cpu-period") == 0) {
		/* The kernel's CFS bandwidth limits: 1 ms to 1 s. */
		if (parse_uint(c, 2, 1000, 1000000, "cgroup cpu-period (microseconds)", &v) &&
		    set_once(c, 1, &ps->cg_period, "cgroup cpu-period"))
			lim->cpu_period_us = (int64_t)v;
	} else if (strcmp(k, "io-weight") == 0) {
		if (parse_uint(c, 2, 1, 10000, "cgroup io-weight", &v) &&
		    set_once(c, 1, &ps->cg_io, "cgroup io-weight"))
			lim->io_weight = (int64_t)v;
	} else if (strcmp(k, "cpuset-cpus") == 0 || strcmp(k, "cpuset-mems") == 0) {
		bool cpus = k[7] == 'c';
		char *dst = cpus ? lim->cpuset_cpus : lim->cpuset_mems;
		if (!cpulist_ok(w)) {
			perr(c, 2, "%s is a list like 0-3,8, got '%s'", k, w);
			return;
		}
		if (set_once(c, 1, cpus ? &ps->cg_cpus : &ps->cg_mems, k))
			memcpy(dst, w, strlen(w) + 1);
	} else {
		goto unknown;
	}
	return;
unknown:
	perr(
	    c, 1,
	    "unknown cgroup setting %s (settings: memory memory-swap pids cpu cpu-period io-weight "
	    "cpuset-cpus cpuset-mems)",
	    ESC(c, 1));
}

static bool rlim_value(const struct cur *c, size_t i, uint64_t *v)
{
	if (is_word(c, i, "unlimited")) {
		*v = RLIM_INFINITY;
		return true;
	}
	return parse_size(c, i, "rlimit value", v);
}

static void st_rlimit(struct cur *c)
{
	const char *w = word(c, 1);
	int r;
	uint64_t soft, hard;

	if (!need(c, 1, "rlimit name"))
		return;
	r = w ? vj_rlimit_from_name(w) : -1;
	if (r < 0) {
		perr(c, 1,
		     "unknown rlimit %s (names: as core cpu data fsize locks memlock msgqueue nice "
		     "nofile nproc rss rtprio rttime sigpending stack)",
		     ESC(c, 1));
		return;
	}
	if (!rlim_value(c, 2, &soft))
		return;
	hard = soft;
	if (c->n > 3 && !rlim_value(c, 3, &hard))
		return;
	if (!end_at(c, c->n > 3 ? 4 : 3))
		return;
	if (soft > hard) {
		perr(c, 2, "rlimit %s: soft limit is above the hard limit", w);
		return;
	}
	if (r == RLIMIT_NOFILE && hard != RLIM_INFINITY && hard > 1048576) {
		perr(c, 2, "rlimit nofile above 1048576 (the kernel's nr_open default) fails");
		return;
	}
	if (r == RLIMIT_NOFILE && hard == RLIM_INFINITY) {
		perr(c, 2, "rlimit nofile cannot be unlimited (the kernel refuses it)");
		return;
	}
	if (!set_once(c, 1, &c->ps->rlimit[r], "this rlimit"))
		return;
	c->ps->p->rlimits[r].set = true;
	c->ps->p->rlimits[r].cur = soft;
	c->ps->p->rlimits[r].max = hard;
}

static void add_ports(struct cur *c, uint16_t **v, size_t *n)
{
	size_t i;
	uint64_t port;

	if (!need(c, 2, "port"))
		return;
	for (i = 2; i < c->n; i++) {
		uint16_t *slot;
		if (!parse_uint(c, i, 0, 65535, "port", &port))
			continue;
		for (size_t k = 0; k < *n; k++)
			if ((*v)[k] == port) {
				perr(c, i, "port %llu is listed twice", (unsigned long long)port);
				goto next;
			}
		slot = grow(c, (void **)v, n, sizeof(**v), "ports");
		if (!slot)
			return;
		*slot = (uint16_t)port;
	next:;
	}
}

static void st_landlock(struct cur *c)
{
	struct vj_landlock *ll = &c->ps->p->landlock;
	const char *k = word(c, 1);
	unsigned rights = 0;

	if (!need(c, 1, "landlock rule"))
		return;
	if (k && strcmp(k, "ro") == 0)
		rights = VJ_LL_READ;
	else if (k && strcmp(k, "rw") == 0)
		rights = VJ_LL_READ | VJ_LL_WRITE;
	else if (k && strcmp(k, "rx") == 0)
		rights = VJ_LL_READ | VJ_LL_EXEC;
	if (rights) {
		struct vj_llpath *lp;
		char *path = parse_path(c, 2, "landlock path");
		if (!path)
			return;
		if (!end_at(c, 3)) {
			free(path);
			return;
		}
		for (size_t i = 0; i < ll->npaths; i++) {
			if (strcmp(ll->paths[i].path, path) == 0) {
				perr(c, 2, "landlock rule for %s is already given at line %u", path,
				     ll->paths[i].loc.line);
				free(path);
				return;
			}
		}
		lp = grow(c, (void **)&ll->paths, &ll->npaths, sizeof(*lp), "landlock paths");
		if (!lp) {
			free(path);
			return;
		}
		lp->path = path;
		lp->rights = rights;
		lp->loc = loc_at(c, 0);
	} else if (k && strcmp(k, "tcp-bind") == 0) {
		add_ports(c, &ll->bind_ports, &ll->nbind_ports);
	} else if (k && strcmp(k, "tcp-connect") == 0) {
		add_ports(c, &ll->connect_ports, &ll->nconnect_ports);
	} else if (k && strcmp(k, "scope") == 0) {
		if (is_word(c, 2, "abstract-unix")) {
			if (end_at(c, 3) &&
			    set_once(c, 2, &c->ps->scope_unix, "landlock scope abstract-unix"))
				ll->scope_abstract_unix = true;
		} else if (is_word(c, 2, "signal")) {
			if (end_at(c, 3) &&
			    set_once(c, 2, &c->ps->scope_signal, "landlock scope signal"))
				ll->scope_signal = true;
		} else if (need(c, 2, "scope")) {
			perr(c, 2,
			     "unknown landlock scope %s (expected 'abstract-unix' or 'signal')",
			     ESC(c, 2));
		}
	} else {
		perr(c, 1,
		     "unknown landlock rule %s (expected ro rw rx tcp-bind tcp-connect scope)",
		     ESC(c, 1));
	}
}

static void st_socket(struct cur *c)
{
	struct vj_cgbpf *cg = &c->ps->p->cgbpf;
	struct vj_sockrule *s;
	uint64_t fam, type = (uint64_t)-1, proto = (uint64_t)-1, afmax = 46;
	size_t i = 2;

	if (!is_word(c, 1, "allow")) {
		if (need(c, 1, "'allow'"))
			perr(c, 1, "expected 'allow', got %s (socket rules are an allowlist)",
			     ESC(c, 1));
		return;
	}
	if (!need(c, 2, "socket family") || !parse_value(c, &i, "AF_", &fam))
		return;
	vj_const_lookup("AF_MAX", &afmax);
	if (fam == 0 || fam >= afmax) {
		perr(c, 2, "socket family %llu is out of range (1..%llu)", (unsigned long long)fam,
		     (unsigned long long)afmax - 1);
		return;
	}
	if (i < c->n) {
		size_t at = i;
		if (is_word(c, i, "any"))
			i++;
		else if (!parse_value(c, &i, "SOCK_", &type))
			return;
		else if (type == 0 || type > 10) {
			/* sock_create sees the type without SOCK_NONBLOCK/SOCK_CLOEXEC */
			perr(c, at, "socket type must be one SOCK_* type (1..10), without flags");
			return;
		}
	}
	if (i < c->n) {
		size_t at = i;
		if (!parse_value(c, &i, "IPPROTO_", &proto))
			return;
		if (proto > 65535) {
			perr(c, at, "socket protocol %llu is out of range",
			     (unsigned long long)proto);
			return;
		}
	}
	if (!end_at(c, i))
		return;
	for (size_t k = 0; k < cg->nsockets; k++) {
		if (cg->sockets[k].family == (int)fam && cg->sockets[k].type == (int)type &&
		    cg->sockets[k].protocol == (int)proto) {
			perr(c, 2, "the same socket rule is already given at line %u",
			     cg->sockets[k].loc.line);
			return;
		}
	}
	s = grow(c, (void **)&cg->sockets, &cg->nsockets, sizeof(*s), "socket rules");
	if (!s)
		return;
	s->family = (int)fam;
	s->type = (int)type;
	s->protocol = (int)proto;
	s->loc = loc_at(c, 0);
}

static void st_net(struct cur *c)
{
	struct vj_cgbpf *cg = &c->ps->p->cgbpf;
	struct vj_netrule r = {0}, *slot;
	const char *op = word(c, 1), *cidr;
	char addr[64];
	const char *slash;
	uint64_t prefix, lo = 0, hi = 65535;
	unsigned maxbits;
	size_t i;

	if (!need(c, 1, "'connect', 'bind' or 'sendmsg'"))
		return;
	if (op && strcmp(op, "connect") == 0)
		r.op = VJ_NET_CONNECT;
	else if (op && strcmp(op, "bind") == 0)
		r.op = VJ_NET_BIND;
	else if (op && strcmp(op, "sendmsg") == 0)
		r.op = VJ_NET_SENDMSG;
	else {
		perr(c, 1, "expected 'connect', 'bind' or 'sendmsg', got %s", ESC(c, 1));
		return;
	}
	if (!is_word(c, 2, "allow")) {
		if (need(c, 2, "'allow'"))
			perr(c, 2, "expected 'allow', got %s (net rules are an allowlist)",
			     ESC(c, 2));
		return;
	}
	cidr = word(c, 3);
	if (!need(c, 3, "address/prefix"))
		return;
	slash = cidr ? strchr(cidr, '/') : NULL;
	if (!slash || (size_t)(slash - cidr) >= sizeof(addr)) {
		perr(c, 3, "expected ADDRESS/PREFIX, got %s", ESC(c, 3));
		return;
	}
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	if (inet_pton(AF_INET, addr, r.addr) == 1) {
		r.family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, addr, r.addr) == 1) {
		r.family = AF_INET6;
		maxbits = 128;
	} else {
		perr(c, 3, "bad IP address in %s", ESC(c, 3));
		return;
	}
	if (slash[1] == '-' || parse_u64(slash + 1, &prefix) != NUM_OK || prefix > maxbits) {
		perr(c, 3, "prefix length in %s must be 0..%u", ESC(c, 3), maxbits);
		return;
	}
	r.prefix = (unsigned)prefix;
	for (unsigned b = r.prefix; b < maxbits; b++) {
		if (r.addr[b / 8] & (0x80 >> (b % 8))) {
			perr(c, 3, "%s has bits set past the prefix length", ESC(c, 3));
			return;
		}
	}
	i = 4;
	if (is_word(c, i, "port")) {
		const char *pw = word(c, i + 1), *dash;
		char a[16];
		if (!need(c, i + 1, "port or port range"))
			return;
		dash = pw ? strchr(pw, '-') : NULL;
		if (!pw || (dash && (size_t)(dash - pw) >= sizeof(a)))
			goto badport;
		if (dash) {
			memcpy(a, pw, (size_t)(dash - pw));
			a[dash - pw] = '\0';
			if (parse_u64(a, &lo) != NUM_OK || parse_u64(dash + 1, &hi) != NUM_OK)
				goto badport;
		} else {
			if (parse_u64(pw, &lo) != NUM_OK)
				goto badport;
			hi = lo;
		}
		if (lo > 65535 || hi > 65535 || lo > hi)
			goto badport;
		i += 2;
	}
	if (!end_at(c, i))
		return;
	r.port_lo = (uint16_t)lo;
	r.port_hi = (uint16_t)hi;
	r.loc = loc_at(c, 0);
	for (size_t k = 0; k < cg->nnet; k++) {
		const struct vj_netrule *o = &cg->net[k];
		if (o->op == r.op && o->family == r.family && o->prefix == r.prefix &&
		    memcmp(o->addr, r.addr, 16) == 0 && o->port_lo == r.port_lo &&
		    o->port_hi == r.port_hi) {
			perr(c, 3, "the same net rule is already given at line %u", o->loc.line);
			return;
		}
	}
	slot = grow(c, (void **)&cg->net, &cg->nnet, sizeof(*slot), "net rules");
	if (slot)
		*slot = r;
	return;
badport:
	perr(c, i + 1, "port must be N or N-M with 0 <= N <= M <= 65535, got %s", ESC(c, i + 1));
}

static void st_sysctl(struct cur *c)
{
	if (is_word(c, 1, "allow-read")) {
		if (end_at(c, 2) && set_once(c, 1, &c->ps->sysctl_read, "sysctl allow-read"))
			c->ps->p->cgbpf.sysctl_read = true;
	} else if (is_word(c, 1, "allow-write")) {
		if (end_at(c, 2) && set_once(c, 1, &c->ps->sysctl_write, "sysctl allow-write"))
			c->ps->p->cgbpf.sysctl_write = true;
	} else if (need(c, 1, "'allow-read' or 'allow-write'")) {
		perr(c, 1, "expected 'allow-read' or 'allow-write', got %s", ESC(c, 1));
	}
}

/* ------------------------------------------------------------- seccomp */

/* ACTION at *i; advances past it.  Returns false after an error. */
static bool parse_action(struct cur *c, size_t *i, struct vj_action *a)
{
	static const struct {
		const char *name;
		enum vj_act kind;
	} acts[] = {
	    {"allow", VJ_ACT_ALLOW},
	    {"kill-process", VJ_ACT_KILL_PROCESS},
	    {"kill-thread", VJ_ACT_KILL_THREAD},
	    {"trap", VJ_ACT_TRAP},
	    {"log", VJ_ACT_LOG},
	    {"user-notify", VJ_ACT_USER_NOTIF},
	    {"errno", VJ_ACT_ERRNO},
	};
	const char *w = word(c, *i);
	size_t k;

	if (!need(c, *i, "seccomp action"))
		return false;
	for (k = 0; w && k < sizeof(acts) / sizeof(acts[0]); k++)
		if (strcmp(w, acts[k].name) == 0)
			break;
	if (!w || k == sizeof(acts) / sizeof(acts[0])) {
		perr(c, *i,
		     "unknown seccomp action %s (actions: allow kill-process kill-thread trap log "
		     "user-notify errno NAME)",
		     ESC(c, *i));
		return false;
	}
	a->kind = acts[k].kind;
	a->errnum = 0;
	(*i)++;
	if (a->kind == VJ_ACT_ERRNO) {
		const char *e = word(c, *i);
		uint64_t v;
		int n;

		if (!need(c, *i, "errno name or number"))
			return false;
		if (e && looks_numeric(e)) {
			if (parse_u64(e, &v) != NUM_OK || *e == '-' || v < 1 || v > 4095) {
				perr(c, *i, "errno must be 1..4095, got %s", ESC(c, *i));
				return false;
			}
			n = (int)v;
		} else if (!e || (n = vj_errno_from_name(e)) < 0) {
			perr(c, *i, "unknown errno name %s", ESC(c, *i));
			return false;
		}
		a->errnum = n;
		(*i)++;
	}
	return true;
}

struct pcond {
	struct vj_cond c;
	uint64_t *set; /* `in {}` values, or NULL */
	size_t nset;
};

static bool parse_cond(struct cur *c, size_t *i, struct pcond *pc)
{
	const char *w = word(c, *i);
	enum vj_tok_kind k;

	memset(pc, 0, sizeof(*pc));
	if (!need(c, *i, "condition"))
		return false;
	if (!w || strncmp(w, "arg", 3) != 0 || w[3] < '0' || w[3] > '5' || w[4]) {
		perr(c, *i, "expected an argument arg0..arg5, got %s", ESC(c, *i));
		return false;
	}
	pc->c.arg = (unsigned)(w[3] - '0');
	pc->c.loc = loc_at(c, *i);
	(*i)++;
	if (!need(c, *i, "comparison operator"))
		return false;
	k = c->t[*i].kind;
	if (k == VJ_TOK_AMP) {
		(*i)++;
		if (!parse_value(c, i, NULL, &pc->c.mask))
			return false;
		if (!need(c, *i, "'==' after the mask"))
			return false;
		if (c->t[*i].kind != VJ_TOK_EQ) {
			perr(c, *i, "a masked comparison is 'argN & MASK == VALUE', got %s",
			     ESC(c, *i));
			return false;
		}
		(*i)++;
		pc->c.op = VJ_OP_MASKED_EQ;
		if (!parse_value(c, i, NULL, &pc->c.value))
			return false;
		if (pc->c.value & ~pc->c.mask) {
			perr(c, *i - 1,
			     "value has bits outside the mask: the condition can never hold");
			return false;
		}
		return true;
	}
	if (k == VJ_TOK_WORD && strcmp(c->t[*i].s, "in") == 0) {
		size_t start = *i;
		(*i)++;
		if (!need(c, *i, "'{'") || c->t[*i].kind != VJ_TOK_LBRACE) {
			if (*i < c->n)
				perr(c, *i, "expected '{' after 'in', got %s", ESC(c, *i));
			return false;
		}
		(*i)++;
		pc->c.op = VJ_OP_EQ;
		for (;;) {
			uint64_t v, *nv;
			if (!parse_value(c, i, NULL, &v))
				goto bad_set;
			nv = realloc(pc->set, (pc->nset + 1) * sizeof(*nv));
			if (!nv) {
				perr(c, *i, "out of memory");
				goto bad_set;
			}
			pc->set = nv;
			pc->set[pc->nset++] = v;
			if (*i < c->n && c->t[*i].kind == VJ_TOK_COMMA) {
				(*i)++;
				continue;
			}
			if (*i < c->n && c->t[*i].kind == VJ_TOK_RBRACE) {
				(*i)++;
				return true;
			}
			if (*i < c->n)
				perr(c, *i, "expected ',' or '}', got %s", ESC(c, *i));
			else
				perr(c, start, "unterminated set: missing '}'");
			goto bad_set;
		}
	bad_set:
		free(pc->set);
		pc->set = NULL;
		return false;
	}
	switch (k) {
	case VJ_TOK_EQ:
		pc->c.op = VJ_OP_EQ;
		break;
	case VJ_TOK_NE:
		pc->c.op = VJ_OP_NE;
		break;
	case VJ_TOK_LT:
		pc->c.op = VJ_OP_LT;
		break;
	case VJ_TOK_LE:
		pc->c.op = VJ_OP_LE;
		break;
	case VJ_TOK_GT:
		pc->c.op = VJ_OP_GT;
		break;
	case VJ_TOK_GE:
		pc->c.op = VJ_OP_GE;
		break;
	default:
		perr(c, *i, "expected an operator (== != < <= > >= & in), got %s", ESC(c, *i));
		return false;
	}
	(*i)++;
	return parse_value(c, i, NULL, &pc->c.value);
}

static void add_rules(struct cur *c, const struct vj_action *a, size_t name_at, size_t nnames,
                      struct pcond *pc, size_t npc)
{
	struct vj_seccomp *sc = &c->ps->p->seccomp;
	size_t combos = 1, k, total;

	for (k = 0; k < npc; k++) {
		if (pc[k].set) {
			if (combos > VJ_MAX_RULES / pc[k].nset) {
				combos = VJ_MAX_RULES + 1;
				break;
			}
			combos *= pc[k].nset;
		}
	}
	if (combos > VJ_MAX_RULES || nnames * combos + sc->nrules > VJ_MAX_RULES) {
		perr(c, name_at, "too many seccomp rules (limit %u after expanding 'in' sets)",
		     VJ_MAX_RULES);
		c->ps->fatal = true;
		return;
	}
	total = nnames * combos;
	{
		struct vj_rule *nr = realloc(sc->rules, (sc->nrules + total) * sizeof(*nr));
		if (!nr) {
			perr(c, name_at, "out of memory");
			c->ps->fatal = true;
			return;
		}
		sc->rules = nr;
	}
	for (size_t n = 0; n < nnames; n++) {
		const struct vj_tok *t = &c->t[name_at + n];
		for (size_t combo = 0; combo < combos; combo++) {
			struct vj_rule *r = &sc->rules[sc->nrules++];
			size_t rest = combo;

			memset(r, 0, sizeof(*r));
			r->nr = vj_syscall_nr(t->s);
			memcpy(r->name, t->s, t->len + 1);
			r->action = *a;
			r->loc = loc_at(c, name_at + n);
			r->ncond = (unsigned)npc;
			for (k = 0; k < npc; k++) {
				r->cond[k] = pc[k].c;
				if (pc[k].set) {
					r->cond[k].value = pc[k].set[rest % pc[k].nset];
					rest /= pc[k].nset;
				}
			}
		}
	}
}

static void st_seccomp(struct cur *c)
{
	struct vj_parser *ps = c->ps;
	struct vj_action a;
	struct pcond pc[VJ_MAX_CONDS];
	size_t npc = 0, i = 1, name_at, nnames = 0;
	bool ok = true;

	if (!need(c, 1, "'default' or an action"))
		return;
	if (is_word(c, 1, "default")) {
		i = 2;
		if (!parse_action(c, &i, &a) || !end_at(c, i))
			return;
		if (set_once(c, 1, &ps->def, "seccomp default"))
			ps->p->seccomp.def = a;
		return;
	}
	if (!parse_action(c, &i, &a))
		return;
	name_at = i;
	for (; i < c->n && !is_word(c, i, "if"); i++) {
		const char *w = word(c, i);
		if (!w) {
			perr(c, i, "expected a syscall name, got %s", ESC(c, i));
			return;
		}
		if (strlen(w) >= sizeof(((struct vj_rule *)0)->name) || vj_syscall_nr(w) < 0) {
			perr(c, i, "unknown syscall %s (not an x86_64 syscall)", ESC(c, i));
			ok = false;
		}
		nnames++;
	}
	if (!nnames) {
		perr(c, i, "missing syscall name");
		return;
	}
	if (is_word(c, i, "if")) {
		i++;
		for (;;) {
			if (npc == VJ_MAX_CONDS) {
				perr(
				    c, i,
				    "too many conditions (a rule has at most %d: one per argument)",
				    VJ_MAX_CONDS);
				ok = false;
				break;
			}
			if (!parse_cond(c, &i, &pc[npc])) {
				ok = false;
				break;
			}
			npc++;
			if (i >= c->n)
				break;
			if (!is_word(c, i, "and")) {
				perr(c, i, "expected 'and' or the end of the line, got %s",
				     ESC(c, i));
				ok = false;
				break;
			}
			i++;
		}
	}
	if (ok) {
		if (!ps->any_seccomp.line)
			ps->any_seccomp = loc_at(c, 0);
		add_rules(c, &a, name_at, nnames, pc, npc);
	}
	for (size_t k = 0; k < npc; k++)
		free(pc[k].set);
}

/* ------------------------------------------------------------ dispatch */

void vj_parse_stmt(struct vj_parser *ps, const struct vj_tok *t, size_t n, int dirfd)
{
	struct cur c = {ps, t, n, 0};
	const char *kw = word(&c, 0);

	ps->nstmts++;
	ps->file_stmts++;
	if (!kw) {
		perr(&c, 0, "expected a statement keyword, got %s", ESC(&c, 0));
		return;
	}
	if (strcmp(kw, "version") == 0) {
		st_version(&c);
		return;
	}
	if (!ps->version_ok) {
		perr(&c, 0, "the first statement of a policy must be 'version %d'",
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
		st_namespace(&c);
	else if (strcmp(kw, "mount") == 0)
		st_mount(&c);
	else if (strcmp(kw, "device") == 0)
		st_device(&c);
	else if (strcmp(kw, "bind") == 0)
		st_bind(&c);
	else if (strcmp(kw, "dir") == 0)
		st_dir(&c);
	else if (strcmp(kw, "cgroup") == 0)
		st_cgroup(&c);
	else if (strcmp(kw, "rlimit") == 0)
		st_rlimit(&c);
	else if (strcmp(kw, "landlock") == 0)
		st_landlock(&c);
	else if (strcmp(kw, "socket") == 0)
		st_socket(&c);
	else if (strcmp(kw, "net") == 0)
		st_net(&c);
	else if (strcmp(kw, "sysctl") == 0)
		st_sysctl(&c);
	else if (strcmp(kw, "seccomp") == 0)
		st_seccomp(&c);
	else
		perr(&c, 0, "unknown statement %s", ESC(&c, 0));
}
