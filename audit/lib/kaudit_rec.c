// SPDX-License-Identifier: Apache-2.0
/*
 * Why the tokenizer can trust its own splitting: the kernel never prints a
 * space, a quote or a control byte inside a value it did not encode —
 * untrusted strings are written in double quotes only when they contain
 * none of those, and as hex otherwise.  So a field ends at the next space
 * (or closing quote), and a hostile comm like `x pid=1` arrives as hex and
 * can never become a second pid= field.  Input that breaks these rules is
 * not a kernel record: it is refused, field by field.
 */
#include "audit/lib/kaudit_rec.h"

#include <errno.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal digits at s[*i..n) into *v; at most 20 digits, no overflow. */
static bool dec(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;
	while (*i < n && is_digit(s[*i])) {
		unsigned d = (unsigned)(s[*i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
		(*i)++;
	}
	*v = x;
	return *i > start;
}

int ka_parse_header(const char *text, size_t len, struct ka_hdr *h)
{
	static const char pfx[] = "audit(";
	size_t i = sizeof(pfx) - 1;
	uint64_t ms;
	memset(h, 0, sizeof(*h));
	if (!text || len < i || memcmp(text, pfx, i) != 0)
		return -EBADMSG;
	if (!dec(text, len, &i, &h->sec) || i >= len || text[i] != '.')
		return -EBADMSG;
	i++;
	size_t ms_start = i;
	if (!dec(text, len, &i, &ms) || i - ms_start != 3 || i >= len || text[i] != ':')
		return -EBADMSG;
	h->msec = (unsigned)ms;
	i++;
	if (!dec(text, len, &i, &h->serial) || len - i < 2 || text[i] != ')' || text[i + 1] != ':')
		return -EBADMSG;
	i += 2;
	if (i < len && text[i] == ' ')
		i++;
	/* Some records carry a trailing NUL: it is not part of the fields. */
	size_t end = len;
	while (end > i && text[end - 1] == '\0')
		end--;
	h->body = text + i;
	h->len = end - i;
	return 0;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
	       c == '-';
}

bool ka_field(const char *b, size_t n, const char *key, struct ka_val *v)
{
	size_t kl = strlen(key), i = 0;
	while (i < n) {
		while (i < n && b[i] == ' ')
			i++;
		size_t ks = i;
		while (i < n && key_char(b[i]))
			i++;
		size_t ke = i;
		if (i >= n || b[i] != '=' || ke == ks) {
			/* not a key=value token ("avc:", "{", ...): skip it */
			while (i < n && b[i] != ' ')
				i++;
			continue;
		}
		i++; /* '=' */
		struct ka_val cur = {.quoted = false};
		if (i < n && (b[i] == '"' || b[i] == '\'')) {
			char q = b[i++];
			const char *close = memchr(b + i, q, n - i);
			if (!close)
				return false; /* unterminated: nothing after it can be trusted */
			cur.p = b + i;
			cur.n = (size_t)(close - (b + i));
			cur.quoted = true;
			i = (size_t)(close - b) + 1;
			if (i < n && b[i] != ' ')
				return false; /* junk glued to a closing quote */
		} else {
			cur.p = b + i;
			while (i < n && b[i] != ' ')
				i++;
			cur.n = (size_t)(b + i - cur.p);
		}
		if (ke - ks == kl && memcmp(b + ks, key, kl) == 0) {
			*v = cur;
			return true;
		}
	}
	return false;
}

bool ka_u64(struct ka_val v, uint64_t *out)
{
	size_t i = 0;
	if (v.quoted || v.n == 0 || v.n > 20)
		return false;
	return dec(v.p, v.n, &i, out) && i == v.n;
}

bool ka_i64(struct ka_val v, int64_t *out)
{
	bool neg = v.n > 0 && v.p[0] == '-';
	struct ka_val m = {v.p + neg, v.n - neg, v.quoted};
	uint64_t u;
	if (!ka_u64(m, &u) || u > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

bool ka_hex64(struct ka_val v, uint64_t *out)
{
	size_t i = 0;
	uint64_t x = 0;
	if (v.quoted)
		return false;
	if (v.n > 2 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X'))
		i = 2;
	if (v.n - i == 0 || v.n - i > 16)
		return false;
	for (; i < v.n; i++) {
		int d = hexval(v.p[i]);
		if (d < 0)
			return false;
		x = (x << 4) | (uint64_t)d;
	}
	*out = x;
	return true;
}

static char *arena_alloc(struct ka_arena *a, size_t n)
{
	if (!a || !a->buf || n > a->cap - a->used)
		return NULL;
	char *p = a->buf + a->used;
	a->used += n;
	return p;
}

bool ka_untrusted(struct ka_val v, struct ka_arena *a, struct vj_bytes *out)
{
	if (v.quoted) {
		*out = (struct vj_bytes){v.p, v.n};
		return true;
	}
	if ((v.n == 6 && memcmp(v.p, "(null)", 6) == 0) || (v.n == 1 && v.p[0] == '?') ||
	    (v.n == 6 && memcmp(v.p, "(none)", 6) == 0))
		return false;
	if (v.n == 0 || v.n % 2)
		return false;
	char *d = arena_alloc(a, v.n / 2);
	if (!d)
		return false;
	for (size_t i = 0; i < v.n; i += 2) {
		int hi = hexval(v.p[i]), lo = hexval(v.p[i + 1]);
		if (hi < 0 || lo < 0) {
			a->used -= v.n / 2;
			return false;
		}
		d[i / 2] = (char)(hi << 4 | lo);
	}
	*out = (struct vj_bytes){d, v.n / 2};
	return true;
}

bool ka_token(struct ka_val v, struct ka_arena *a, const char **out)
{
	if (v.n == 0 || v.n > 256)
		return false;
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x21 || (unsigned char)v.p[i] > 0x7e)
			return false;
	char *d = arena_alloc(a, v.n + 1);
	if (!d)
		return false;
	memcpy(d, v.p, v.n);
	d[v.n] = '\0';
	*out = d;
	return true;
}

bool ka_get_u64(const char *b, size_t n, const char *key, uint64_t *out)
{
	struct ka_val v;
	return ka_field(b, n, key, &v) && ka_u64(v, out);
}

bool ka_get_i64(const char *b, size_t n, const char *key, int64_t *out)
{
	struct ka_val v;
	return ka_field(b, n, key, &v) && ka_i64(v, out);
}

bool ka_get_hex(const char *b, size_t n, const char *key, uint64_t *out)
{
	struct ka_val v;
	return ka_field(b, n, key, &v) && ka_hex64(v, out);
}

bool ka_get_str(const char *b, size_t n, const char *key, struct ka_arena *a, struct vj_bytes *out)
{
	struct ka_val v;
	return ka_field(b, n, key, &v) && ka_untrusted(v, a, out);
}

bool ka_get_tok(const char *b, size_t n, const char *key, struct ka_arena *a, const char **out)
{
	struct ka_val v;
	return ka_field(b, n, key, &v) && ka_token(v, a, out);
}
