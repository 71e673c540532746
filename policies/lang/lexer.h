/* SPDX-License-Identifier: Apache-2.0 */
/* Tokens of one policy line.  The language is line oriented, so the lexer
 * never looks past a newline and a bad line cannot confuse the next one. */
#ifndef VMJAIL_POLICY_LEXER_H
#define VMJAIL_POLICY_LEXER_H

#include <stddef.h>

#define VJ_MAX_TOKENS 1024

enum vj_tok_kind {
	VJ_TOK_WORD,   /* keyword, name, number, constant, path */
	VJ_TOK_STRING, /* "..." without the quotes */
	VJ_TOK_EQ,     /* == */
	VJ_TOK_NE,     /* != */
	VJ_TOK_LT,
	VJ_TOK_LE,
	VJ_TOK_GT,
	VJ_TOK_GE,
	VJ_TOK_AMP,  /* & */
	VJ_TOK_PIPE, /* | */
	VJ_TOK_LBRACE,
	VJ_TOK_RBRACE,
	VJ_TOK_COMMA,
};

struct vj_tok {
	enum vj_tok_kind kind;
	const char *s; /* NUL-terminated copy */
	size_t len;
	unsigned col; /* 1-based byte column */
};

struct vj_lexed {
	char store[2 * 4096 + 8]; /* token texts, NUL-separated */
	struct vj_tok tok[VJ_MAX_TOKENS];
	size_t n;
};

/*
 * Split one line (without its newline; at most 4096 bytes) into tokens,
 * dropping a `#` comment.  Returns 0, or -1 with *errcol and errmsg set.
 */
int vj_lex_line(struct vj_lexed *out, const char *line, size_t len, unsigned *errcol, char *errmsg,
                size_t errlen);

/* "==", "word", ... for messages. */
const char *vj_tok_kind_name(enum vj_tok_kind k);

#endif
