// SPDX-License-Identifier: Apache-2.0
#include "policies/lang/lexer.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Printable ASCII except the characters the grammar uses as punctuation, so
 * `arg1==KVM_RUN` and `{A,B}` split without blanks.  Paths with any of them
 * must be quoted. */
static bool word_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("#\"{},|&=!<>()'\\;", c);
}

const char *vj_tok_kind_name(enum vj_tok_kind k)
{
	switch (k) {
	case VJ_TOK_WORD:
		return "word";
	case VJ_TOK_STRING:
		return "string";
	case VJ_TOK_EQ:
		return "'=='";
	case VJ_TOK_NE:
		return "'!='";
	case VJ_TOK_LT:
		return "'<'";
	case VJ_TOK_LE:
		return "'<='";
	case VJ_TOK_GT:
		return "'>'";
	case VJ_TOK_GE:
		return "'>='";
	case VJ_TOK_AMP:
		return "'&'";
	case VJ_TOK_PIPE:
		return "'|'";
	case VJ_TOK_LBRACE:
		return "'{'";
	case VJ_TOK_RBRACE:
		return "'}'";
	case VJ_TOK_COMMA:
		return "','";
	}
	return "token";
}

static int fail(unsigned *errcol, char *errmsg, size_t errlen, size_t i, const char *msg,
                unsigned char c)
{
	*errcol = (unsigned)i + 1;
	if (c >= 0x21 && c < 0x7f)
		snprintf(errmsg, errlen, "%s '%c'", msg, c);
	else if (c)
		snprintf(errmsg, errlen, "%s (byte 0x%02x)", msg, c);
	else
		snprintf(errmsg, errlen, "%s", msg);
	return -1;
}

int vj_lex_line(struct vj_lexed *out, const char *line, size_t len, unsigned *errcol, char *errmsg,
                size_t errlen)
{
	size_t i = 0, o = 0;

	out->n = 0;
	if (len > 4096)
		return fail(errcol, errmsg, errlen, 4096, "line too long (limit 4096 bytes)", 0);
	while (i < len) {
		unsigned char c = (unsigned char)line[i];
		struct vj_tok *t;
		size_t start = i;

		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#')
			break; /* comment: anything but NUL (the loader refuses NULs) */
		if (out->n == VJ_MAX_TOKENS)
			return fail(errcol, errmsg, errlen, i, "too many tokens on one line", 0);
		t = &out->tok[out->n];
		t->col = (unsigned)i + 1;
		t->s = out->store + o;
		if (word_char(c)) {
			while (i < len && word_char((unsigned char)line[i]))
				out->store[o++] = line[i++];
			t->kind = VJ_TOK_WORD;
		} else if (c == '"') {
			i++;
			while (i < len && line[i] != '"') {
				unsigned char d = (unsigned char)line[i];
				if (d < 0x20 || d >= 0x7f || d == '\\')
					return fail(errcol, errmsg, errlen, i,
					            "character not allowed in a string", d);
				out->store[o++] = line[i++];
			}
			if (i == len)
				return fail(errcol, errmsg, errlen, start, "unterminated string",
				            0);
			i++;
			t->kind = VJ_TOK_STRING;
		} else {
			char n1 = i + 1 < len ? line[i + 1] : 0;
			switch (c) {
			case '=':
				if (n1 != '=')
					return fail(errcol, errmsg, errlen, i,
					            "expected '==' (comparison), got", c);
				t->kind = VJ_TOK_EQ;
				break;
			case '!':
				if (n1 != '=')
					return fail(errcol, errmsg, errlen, i, "expected '!=', got",
					            c);
				t->kind = VJ_TOK_NE;
				break;
			case '<':
				t->kind = n1 == '=' ? VJ_TOK_LE : VJ_TOK_LT;
				break;
			case '>':
				t->kind = n1 == '=' ? VJ_TOK_GE : VJ_TOK_GT;
				break;
			case '&':
				t->kind = VJ_TOK_AMP;
				break;
			case '|':
				t->kind = VJ_TOK_PIPE;
				break;
			case '{':
				t->kind = VJ_TOK_LBRACE;
				break;
			case '}':
				t->kind = VJ_TOK_RBRACE;
				break;
			case ',':
				t->kind = VJ_TOK_COMMA;
				break;
			default:
				return fail(errcol, errmsg, errlen, i, "unexpected character", c);
			}
			if (t->kind == VJ_TOK_EQ || t->kind == VJ_TOK_NE || t->kind == VJ_TOK_LE ||
			    t->kind == VJ_TOK_GE) {
				out->store[o++] = line[i++];
			}
			out->store[o++] = line[i++];
		}
		t->len = (size_t)(out->store + o - t->s);
		out->store[o++] = '\0';
		out->n++;
	}
	return 0;
}
