// SPDX-License-Identifier: Apache-2.0
#include "policies/tool/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const char *p, *end, *line_start;
	unsigned line;
	size_t nodes;
	struct json_err *err;
};

static int fail(struct jp *j, const char *msg)
{
	if (j->err) {
		j->err->line = j->line;
		j->err->col = (unsigned)(j->p - j->line_start) + 1;
		snprintf(j->err->msg, sizeof(j->err->msg), "%s", msg);
	}
	return -1;
}

static void ws(struct jp *j)
{
	while (j->p < j->end) {
		char c = *j->p;
		if (c == '\n') {
			j->line++;
			j->line_start = j->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		j->p++;
	}
}

static struct json *node(struct jp *j, enum json_type t)
{
	struct json *n;

	if (++j->nodes > JSON_MAX_NODES)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n) {
		n->type = t;
		n->line = j->line;
		n->col = (unsigned)(j->p - j->line_start) + 1;
	}
	return n;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->s);
	free(j);
}

static int hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;

	if (j->end - j->p < 4)
		return fail(j, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(j, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Raw UTF-8 sequence length at p (0 if invalid or truncated). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t n;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static char *string(struct jp *j)
{
	const char *start = ++j->p; /* past the quote */
	size_t cap = 0;
	char *out, *o;

	/* The decoded string is never longer than the raw text. */
	while (j->p < j->end && *j->p != '"') {
		if (*j->p == '\\' && j->end - j->p < 2)
			break;
		j->p += *j->p == '\\' ? 2 : 1;
	}
	if (j->p >= j->end || *j->p != '"') {
		j->p = start - 1; /* report where it opened */
		fail(j, "unterminated string");
		return NULL;
	}
	cap = (size_t)(j->p - start);
	j->p = start;
	out = o = malloc(cap + 1);
	if (!out) {
		fail(j, "out of memory");
		return NULL;
	}
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;
		if (c < 0x20) {
			fail(j, "control character in string");
			goto bad;
		}
		if (c == '\\') {
			unsigned cp;
			j->p++;
			switch (*j->p++) {
			case '"':
				*o++ = '"';
				break;
			case '\\':
				*o++ = '\\';
				break;
			case '/':
				*o++ = '/';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'u':
				if (hex4(j, &cp) < 0)
					goto bad;
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					fail(j, "lone low surrogate");
					goto bad;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned lo;
					if (j->end - j->p < 6 || j->p[0] != '\\' ||
					    j->p[1] != 'u') {
						fail(j, "lone high surrogate");
						goto bad;
					}
					j->p += 2;
					if (hex4(j, &lo) < 0)
						goto bad;
					if (lo < 0xdc00 || lo > 0xdfff) {
						fail(j, "bad surrogate pair");
						goto bad;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (cp == 0) {
					fail(j, "NUL in string");
					goto bad;
				}
				o += put_utf8(o, cp);
				break;
			default:
				j->p--;
				fail(j, "bad escape");
				goto bad;
			}
			continue;
		}
		{
			size_t n =
			    utf8_seq((const unsigned char *)j->p, (const unsigned char *)j->end);
			if (!n) {
				fail(j, "invalid UTF-8 in string");
				goto bad;
			}
			memcpy(o, j->p, n);
			o += n;
			j->p += n;
		}
	}
	j->p++;
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int number(struct jp *j, struct json *n)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return fail(j, "bad number");
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fail(j, "bad fraction");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return fail(j, "bad exponent");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p - s > 64)
		return fail(j, "number too long");
	n->s = strndup(s, (size_t)(j->p - s));
	return n->s ? 0 : fail(j, "out of memory");
}

static int value(struct jp *j, struct json **out, unsigned depth);

static int push(struct jp *j, struct json *parent, struct json *child, char *key)
{
	struct json **ni = realloc(parent->items, (parent->n + 1) * sizeof(*ni));
	if (!ni)
		return fail(j, "out of memory");
	parent->items = ni;
	if (parent->type == JSON_OBJECT) {
		char **nk = realloc(parent->keys, (parent->n + 1) * sizeof(*nk));
		if (!nk)
			return fail(j, "out of memory");
		parent->keys = nk;
		parent->keys[parent->n] = key;
	}
	parent->items[parent->n++] = child;
	return 0;
}

static int container(struct jp *j, struct json *n, unsigned depth)
{
	bool obj = n->type == JSON_OBJECT;
	char close = obj ? '}' : ']';

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct json *child = NULL;

		ws(j);
		if (obj) {
			const char *key_at = j->p;

			if (j->p >= j->end || *j->p != '"')
				return fail(j, "expected a string key");
			key = string(j);
			if (!key)
				return -1;
			for (size_t i = 0; i < n->n; i++) {
				if (strcmp(n->keys[i], key) == 0) {
					free(key);
					j->p = key_at;
					return fail(j, "duplicate key");
				}
			}
			ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				return fail(j, "expected ':'");
			}
			j->p++;
		}
		if (value(j, &child, depth + 1) < 0 || push(j, n, child, key) < 0) {
			json_free(child);
			free(key);
			return -1;
		}
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		return fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int lit(struct jp *j, const char *w)
{
	size_t l = strlen(w);

	if ((size_t)(j->end - j->p) < l || memcmp(j->p, w, l) != 0)
		return fail(j, "unexpected character");
	j->p += l;
	return 0;
}

static int value(struct jp *j, struct json **out, unsigned depth)
{
	struct json *n;
	int r = 0;

	*out = NULL;
	if (depth > JSON_MAX_DEPTH)
		return fail(j, "nested too deeply");
	ws(j);
	if (j->p >= j->end)
		return fail(j, "unexpected end of input");
	switch (*j->p) {
	case '{':
		n = node(j, JSON_OBJECT);
		break;
	case '[':
		n = node(j, JSON_ARRAY);
		break;
	case '"':
		n = node(j, JSON_STRING);
		break;
	case 't':
	case 'f':
		n = node(j, JSON_BOOL);
		break;
	case 'n':
		n = node(j, JSON_NULL);
		break;
	default:
		if (*j->p != '-' && (*j->p < '0' || *j->p > '9'))
			return fail(j, "unexpected character");
		n = node(j, JSON_NUMBER);
		break;
	}
	if (!n)
		return fail(j, j->nodes > JSON_MAX_NODES ? "too many values" : "out of memory");
	switch (n->type) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		r = container(j, n, depth);
		break;
	case JSON_STRING:
		n->s = string(j);
		r = n->s ? 0 : -1;
		break;
	case JSON_BOOL:
		n->b = *j->p == 't';
		r = lit(j, n->b ? "true" : "false");
		break;
	case JSON_NULL:
		r = lit(j, "null");
		break;
	case JSON_NUMBER:
		r = number(j, n);
		break;
	}
	if (r < 0) {
		json_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

int json_parse(const char *buf, size_t len, struct json **out, struct json_err *err)
{
	struct jp j = {buf, buf + len, buf, 1, 0, err};
	struct json *v;

	*out = NULL;
	if (value(&j, &v, 0) < 0)
		return -1;
	ws(&j);
	if (j.p != j.end) {
		json_free(v);
		return fail(&j, "trailing data after the JSON value");
	}
	*out = v;
	return 0;
}

const struct json *json_get(const struct json *j, const char *key)
{
	if (!j || j->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->keys[i], key) == 0)
			return j->items[i];
	return NULL;
}

bool json_u64(const struct json *j, uint64_t *out)
{
	char *end;

	if (!j || j->type != JSON_NUMBER || j->s[0] == '-' || strpbrk(j->s, ".eE"))
		return false;
	errno = 0;
	*out = strtoull(j->s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool json_i64(const struct json *j, int64_t *out)
{
	char *end;

	if (!j || j->type != JSON_NUMBER || strpbrk(j->s, ".eE"))
		return false;
	errno = 0;
	*out = strtoll(j->s, &end, 10);
	return errno == 0 && *end == '\0';
}
