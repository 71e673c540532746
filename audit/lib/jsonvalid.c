// SPDX-License-Identifier: Apache-2.0
/*
 * A strict RFC 8259 checker for one JSON-lines record: exactly one object,
 * followed by exactly one '\n', with no raw control byte and only
 * well-formed UTF-8 inside.  vmjaild runs it on every line a supervisor hands
 * over before the line joins the host stream (one broken producer must not
 * corrupt every consumer's parser), and the encoder's fuzzer runs it on every
 * encoder output.  It builds nothing, so it needs no memory and no recursion
 * limit beyond its own depth counter.
 */
#include "audit/jsonvalid.h"

#include <stdint.h>

#define MAX_DEPTH 32

struct jp {
	const unsigned char *s;
	size_t n, i;
};

static int peek(const struct jp *p)
{
	return p->i < p->n ? p->s[p->i] : -1;
}

static void ws(struct jp *p)
{
	/* '\n' is not skipped: inside a record it cannot appear at all. */
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r'))
		p->i++;
}

static bool hex4(struct jp *p, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		int c = peek(p);
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		*v = (*v << 4) | d;
		p->i++;
	}
	return true;
}

static bool utf8(struct jp *p)
{
	unsigned c = p->s[p->i];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else
		return false;
	if (p->n - p->i < len)
		return false;
	for (size_t k = 1; k < len; k++) {
		unsigned b = p->s[p->i + k];
		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
			return false;
	}
	p->i += len;
	return true;
}

static bool string(struct jp *p)
{
	if (peek(p) != '"')
		return false;
	p->i++;
	for (;;) {
		int c = peek(p);
		if (c < 0 || c < 0x20)
			return false;
		if (c == '"') {
			p->i++;
			return true;
		}
		if (c == '\\') {
			p->i++;
			c = peek(p);
			p->i++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				break;
			case 'u': {
				unsigned v;
				if (!hex4(p, &v))
					return false;
				/* A lone surrogate is not a character: refuse it. */
				if (v >= 0xdc00 && v <= 0xdfff)
					return false;
				if (v >= 0xd800 && v <= 0xdbff) {
					unsigned v2;
					if (peek(p) != '\\')
						return false;
					p->i++;
					if (peek(p) != 'u')
						return false;
					p->i++;
					if (!hex4(p, &v2) || v2 < 0xdc00 || v2 > 0xdfff)
						return false;
				}
				break;
			}
			default:
				return false;
			}
			continue;
		}
		if (c < 0x80) {
			p->i++;
			continue;
		}
		if (!utf8(p))
			return false;
	}
}

static bool digits(struct jp *p)
{
	size_t start = p->i;
	while (peek(p) >= '0' && peek(p) <= '9')
		p->i++;
	return p->i > start;
}

static bool number(struct jp *p)
{
	if (peek(p) == '-')
		p->i++;
	if (peek(p) == '0')
		p->i++;
	else if (!digits(p))
		return false;
	if (peek(p) == '.') {
		p->i++;
		if (!digits(p))
			return false;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->i++;
		if (peek(p) == '+' || peek(p) == '-')
			p->i++;
		if (!digits(p))
			return false;
	}
	return true;
}

static bool literal(struct jp *p, const char *lit)
{
	for (; *lit; lit++, p->i++)
		if (peek(p) != (unsigned char)*lit)
			return false;
	return true;
}

static bool value(struct jp *p, int depth);

static bool container(struct jp *p, int depth, char open, char close)
{
	if (depth >= MAX_DEPTH)
		return false;
	p->i++; /* open */
	ws(p);
	if (peek(p) == close) {
		p->i++;
		return true;
	}
	for (;;) {
		ws(p);
		if (open == '{') {
			if (!string(p))
				return false;
			ws(p);
			if (peek(p) != ':')
				return false;
			p->i++;
			ws(p);
		}
		if (!value(p, depth + 1))
			return false;
		ws(p);
		int c = peek(p);
		p->i++;
		if (c == close)
			return true;
		if (c != ',')
			return false;
	}
}

static bool value(struct jp *p, int depth)
{
	switch (peek(p)) {
	case '{':
		return container(p, depth, '{', '}');
	case '[':
		return container(p, depth, '[', ']');
	case '"':
		return string(p);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	default:
		return number(p);
	}
}

bool vj_json_valid_line(const char *buf, size_t len)
{
	struct jp p = {.s = (const unsigned char *)buf, .n = len};
	if (!buf || len < 3 || buf[len - 1] != '\n')
		return false;
	p.n = len - 1; /* the record proper, without its terminator */
	if (peek(&p) != '{')
		return false;
	if (!container(&p, 0, '{', '}'))
		return false;
	return p.i == p.n;
}
