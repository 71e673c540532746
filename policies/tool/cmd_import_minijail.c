// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy import-minijail: a minijail seccomp policy (crosvm's and
 * ChromeOS's .policy files) as policy text.
 *
 * Meaning, as minijail's compiler gives it: each syscall has its filters in
 * the order written (across @include); the first whose expression holds
 * decides (no expression: always), else the default action.  An expression
 * is clauses joined by ||, each atoms joined by &&; an atom compares all 64
 * bits of argN with == != < <= > >=, `& V` holds when any bit of V is set,
 * `in V` when no bit outside V is.  `1`/allow allows, `return N` is errno N.
 * The language has no first-match and one action per syscall: rules of a
 * less restrictive action than the most restrictive one a syscall has are
 * dropped with a note (fail closed).  `& V` becomes one rule per bit of V
 * (exact).  @include is resolved by file name in the including file's
 * directory (or --include-dir): crosvm's name /usr/share/policy/crosvm/,
 * where a source tree has none.  @frequency only orders a filter: ignored.
 * Nothing is written unless every file is understood.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/import.h"
#include "policies/tool/json.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy import-minijail [--name NAME] [--constants FILE.json]\n"
    "                                     [--include-dir DIR] [--default ACTION] FILE\n"
    "\n"
    "Convert a minijail seccomp policy (crosvm's jail/seccomp/x86_64/*.policy,\n"
    "ChromeOS's .policy files; '-' for stdin, then includes need --include-dir)\n"
    "into vmjail policy text on stdout.  `NAME: 1`, `NAME: EXPR`, `NAME: EXPR;\n"
    "ACTION`, `NAME: return ERRNO`, braces of names or filters, @include (by\n"
    "file name, in the including file's directory or DIR), @default, @denylist\n"
    "(ChromeOS: default allow, return rules only); @frequency is ignored.  Constants come from "
    "FILE.json's \"constants\" object (crosvm's\n"
    "constants.json, what minijail's compiler reads) and then from vmjail's own\n"
    "tables.  `kill` is kill-process (minijail's compiler kills the thread\n"
    "unless --use-kill-process; the process is the stricter), trace and\n"
    "user-notify have no tracer or listener under vmjail and become errno\n"
    "ENOSYS.  Conditions the language cannot say are rewritten exactly where\n"
    "possible, otherwise the rule is dropped (allow) or made unconditional,\n"
    "with a note.  execve is added when the policy lacks it, with exec-once.\n"
    "\n"
    "  --name NAME       the policy's name (default: minijail)\n"
    "  --constants FILE  a JSON object {\"constants\": {NAME: NUMBER, ...}}\n"
    "  --include-dir DIR where @include finds its files\n"
    "  --default ACTION  kill, kill-process, kill-thread or trap (crosvm builds\n"
    "                    with trap), over any @default; kill when neither\n"
    "\n" EXIT_CODES_HELP;

#define MJ_MAX_DEPTH 8
#define MJ_MAX_FILES 64
#define MJ_MAX_LINE  65536
#define MJ_MAX_TOKS  4096
#define MJ_MAX_SPLIT 64 /* rules one clause may become through `& V` */

enum tt {
	T_PUNCT,
	T_IDENT,
	T_NUM,
	T_PATH,
	T_DIRECTIVE,
	T_END
}; /* T_END not 0: a zeroed token is text */

struct tok {
	enum tt t;
	const char *s;
	size_t len;
	unsigned col;
};

struct mj {
	struct imp im;
	const struct json *consts;
	const char *incdir;
	const char *stack[MJ_MAX_DEPTH + 1];
	unsigned depth, files;
	bool uncond[VJ_SYSCALL_NR_MAX];
	bool have_default, trace_note, notify_note;
	bool denylist; /* @denylist: default allow, every rule a return */
	struct vj_action def;
	/* where we are, for messages */
	const char *file;
	unsigned line;
	struct tok *tk;
	size_t ntk, at;
};

/* "FILE:LINE:COL: error: MSG" with the token's text escaped into %s. */
static int err_at(struct mj *m, const struct tok *t, const char *fmt)
{
	if (t && t->t == T_END)
		return imp_error(m->file, m->line, t->col, fmt, "(end of line)", 13);
	return imp_error(m->file, m->line, t ? t->col : 1, fmt, t ? t->s : NULL, t ? t->len : 0);
}

static bool is_ident0(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident(char c)
{
	return is_ident0(c) || (c >= '0' && c <= '9') || c == '-' || c == '@';
}

static bool is(const struct tok *t, const char *s);

static int lex(struct mj *m, const char *s, size_t n)
{
	static const char *const two[] = {"||", "&&", "==", "!=", "<=", ">="};
	size_t i = 0;

	m->ntk = m->at = 0;
	while (i < n) {
		struct tok t = {.s = s + i, .col = (unsigned)i + 1};
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (m->ntk == MJ_MAX_TOKS - 1)
			return err_at(m, &t, "more than 4096 tokens in one statement%s");
		if (m->ntk && m->tk[m->ntk - 1].t == T_DIRECTIVE &&
		    (is(&m->tk[m->ntk - 1], "@include") || is(&m->tk[m->ntk - 1], "@frequency"))) {
			while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
				i++;
			t.t = T_PATH;
		} else if (c == '@') {
			for (i++; i < n && is_ident(s[i]); i++)
				;
			t.t = T_DIRECTIVE;
		} else if ((c >= '0' && c <= '9') ||
		           (c == '-' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			for (i++; i < n &&
			          ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			           (s[i] >= 'A' && s[i] <= 'F') || s[i] == 'x' || s[i] == 'X');
			     i++)
				;
			t.t = T_NUM;
		} else if (is_ident0(c)) {
			for (i++; i < n && is_ident(s[i]); i++)
				;
			t.t = T_IDENT;
		} else {
			t.t = T_PUNCT;
			i++;
			for (size_t k = 0; k < sizeof(two) / sizeof(two[0]); k++)
				if (i < n && c == two[k][0] && s[i] == two[k][1]) {
					i++;
					break;
				}
			t.len = (size_t)(s + i - t.s);
			if (t.len == 1 && !strchr(":;,~(){}[]|&<>=", c))
				return err_at(m, &t, "unexpected character '%s'");
		}
		t.len = (size_t)(s + i - t.s);
		m->tk[m->ntk++] = t;
	}
	m->tk[m->ntk] = (struct tok){.t = T_END, .col = (unsigned)n + 1};
	return 0;
}

static const struct tok *peek(struct mj *m)
{
	return &m->tk[m->at];
}

static bool is(const struct tok *t, const char *s)
{
	return t->t != T_END && t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static bool accept(struct mj *m, const char *s)
{
	if (!is(peek(m), s))
		return false;
	m->at++;
	return true;
}

static bool lookup(struct mj *m, const char *name, uint64_t *v)
{
	int64_t sv;
	int e;

	if (m->consts) {
		const struct json *j = json_get(m->consts, name);
		if (j && json_i64(j, &sv)) {
			*v = (uint64_t)sv;
			return true;
		}
		if (j && json_u64(j, v))
			return true;
	}
	if (vj_const_lookup(name, v))
		return true;
	if ((e = vj_errno_from_name(name)) > 0) {
		*v = (uint64_t)e;
		return true;
	}
	return false;
}

static int single_const(struct mj *m, uint64_t *v)
{
	const struct tok *t = peek(m);
	char b[128];

	if ((t->t != T_IDENT && t->t != T_NUM) || t->len >= sizeof(b))
		return err_at(m, t, "expected a constant, found '%s'");
	memcpy(b, t->s, t->len);
	b[t->len] = '\0';
	if (t->t == T_NUM) {
		char *end;
		errno = 0;
		if (b[0] == '-')
			*v = (uint64_t)strtoll(b, &end, 0);
		else
			*v = strtoull(b, &end, 0);
		if (errno || *end)
			return err_at(m, t, "bad number '%s'");
	} else if (!lookup(m, b, v)) {
		return err_at(m, t, "unknown constant '%s' (give --constants)");
	}
	m->at++;
	return 0;
}

/* value = constant { '|' constant }; constant = ['~'] ( '(' value ')' | single ) */
static int value(struct mj *m, uint64_t *out, unsigned nest)
{
	*out = 0;
	do {
		bool neg = accept(m, "~");
		uint64_t v;
		if (nest > 16)
			return err_at(m, peek(m), "parentheses nested too deep at '%s'");
		if (accept(m, "(")) {
			if (value(m, &v, nest + 1) < 0)
				return -1;
			if (!accept(m, ")"))
				return err_at(m, peek(m), "expected ')', found '%s'");
		} else if (single_const(m, &v) < 0) {
			return -1;
		}
		*out |= neg ? ~v : v;
	} while (accept(m, "|"));
	return 0;
}

static int action(struct mj *m, struct vj_action *a, bool dflt)
{
	const struct tok *t = peek(m);
	uint64_t v;

	memset(a, 0, sizeof(*a));
	if (m->denylist && !dflt && !is(t, "return"))
		return err_at(m, t,
		              "a @denylist policy refuses with return ERRNO only, found '%s'");
	if (is(t, "kill") || is(t, "kill-process"))
		a->kind = VJ_ACT_KILL_PROCESS;
	else if (is(t, "kill-thread"))
		a->kind = VJ_ACT_KILL_THREAD;
	else if (is(t, "trap"))
		a->kind = VJ_ACT_TRAP;
	else if (!dflt && (is(t, "allow") || is(t, "1")))
		a->kind = VJ_ACT_ALLOW;
	else if (!dflt && is(t, "log"))
		a->kind = VJ_ACT_LOG;
	else if (is(t, "trace") || is(t, "user-notify")) {
		/* no tracer, no listener under vmjail: the kernel answers ENOSYS */
		a->kind = VJ_ACT_ERRNO;
		a->errnum = 38;
		if (is(t, "trace"))
			m->trace_note = true;
		else
			m->notify_note = true;
	} else if (!dflt && is(t, "return")) {
		m->at++;
		t = peek(m);
		if (single_const(m, &v) < 0)
			return -1;
		if (v < 1 || v > 4095)
			return err_at(m, t, "return '%s': an errno 1..4095 is required");
		a->kind = VJ_ACT_ERRNO;
		a->errnum = (int)v;
		return 0;
	} else {
		return err_at(m, t, "expected an action, found '%s'");
	}
	m->at++;
	return 0;
}

/* Add a condition to a rule that has room (a rule refused already stays so). */
static void add_cond(struct irule *r, struct cond c)
{
	if (r->dead)
		return;
	if (r->nc == VJ_MAX_CONDS) {
		r->dead = true;
		r->why = "more than 6 conditions";
		return;
	}
	r->c[r->nc++] = c;
}

/* One clause (atoms joined by &&) as rules appended to out[]. */
static int clause(struct mj *m, struct irule *out, size_t *n, const struct irule *proto)
{
	size_t k;

	out[0] = *proto;
	*n = 1;
	do {
		const struct tok *t = peek(m), *op;
		unsigned long arg;
		uint64_t v;
		char *end;
		if (t->t != T_IDENT || t->len < 4 || memcmp(t->s, "arg", 3) != 0 ||
		    (arg = strtoul(t->s + 3, &end, 10), end != t->s + t->len) || arg > 5)
			return err_at(m, t, "expected arg0..arg5, found '%s'");
		m->at++;
		op = peek(m);
		if (!(is(op, "==") || is(op, "!=") || is(op, "<") || is(op, "<=") || is(op, ">") ||
		      is(op, ">=") || is(op, "&") || is(op, "in")))
			return err_at(m, op, "expected an operator, found '%s'");
		m->at++;
		if (value(m, &v, 0) < 0)
			return -1;
		if (is(op, "&")) {
			/* any bit of v: one rule per bit */
			size_t bits = (size_t)__builtin_popcountll(v), nn = 0;
			if (*n * bits > MJ_MAX_SPLIT || !bits) {
				out[0].why = bits ? "`&` splits into more than 64 rules"
				                  : "`& 0` never holds";
				*n = 1;
				out[0].dead = true;
			} else {
				struct irule tmp[MJ_MAX_SPLIT];
				memcpy(tmp, out, *n * sizeof(*out));
				for (k = 0; k < *n; k++)
					for (unsigned b = 0; b < 64; b++)
						if (v >> b & 1) {
							out[nn] = tmp[k];
							add_cond(
							    &out[nn],
							    (struct cond){.arg = (unsigned)arg,
							                  .op = VJ_OP_MASKED_EQ,
							                  .mask = 1ull << b,
							                  .value = 1ull << b});
							nn++;
						}
				*n = nn;
			}
		} else {
			struct cond c = {.arg = (unsigned)arg, .value = v};
			if (is(op, "=="))
				c.op = VJ_OP_EQ;
			else if (is(op, "!="))
				c.op = VJ_OP_NE;
			else if (is(op, "<"))
				c.op = VJ_OP_LT;
			else if (is(op, "<="))
				c.op = VJ_OP_LE;
			else if (is(op, ">"))
				c.op = VJ_OP_GT;
			else if (is(op, ">="))
				c.op = VJ_OP_GE;
			else
				c = (struct cond){
				    .arg = (unsigned)arg, .op = VJ_OP_MASKED_EQ, .mask = ~v};
			for (k = 0; k < *n; k++)
				add_cond(&out[k], c);
		}
	} while (accept(m, "&&"));
	return 0;
}

/* single-filter = action | expr [';' action], for syscalls nrs[0..nn) */
static int filter(struct mj *m, const int *nrs, size_t nn, const struct tok *const *names)
{
	static struct irule rules[MJ_MAX_SPLIT * 8];
	struct irule proto = {0};
	size_t nr_rules = 0;
	const struct tok *t0 = peek(m);
	bool cond = t0->t == T_IDENT && t0->len > 3 && memcmp(t0->s, "arg", 3) == 0 &&
	            t0->s[3] >= '0' && t0->s[3] <= '9';
	struct vj_action a = {.kind = VJ_ACT_ALLOW};

	snprintf(proto.origin, sizeof(proto.origin), "%.50s:%u",
	         strrchr(m->file, '/') ? strrchr(m->file, '/') + 1 : m->file, m->line);
	if (cond) {
		do {
			size_t n;
			if (nr_rules + MJ_MAX_SPLIT > sizeof(rules) / sizeof(rules[0]))
				return err_at(m, peek(m), "too many clauses at '%s'");
			if (clause(m, rules + nr_rules, &n, &proto) < 0)
				return -1;
			nr_rules += n;
		} while (accept(m, "||"));
		if (accept(m, ";") && action(m, &a, false) < 0)
			return -1;
	} else {
		if (action(m, &a, false) < 0)
			return -1;
		rules[0] = proto;
		nr_rules = 1;
	}
	for (size_t i = 0; i < nn; i++) {
		if (m->uncond[nrs[i]])
			return err_at(m, names[i],
			              "'%s' already had an unconditional action (minijail refuses "
			              "this too)");
		if (!cond)
			m->uncond[nrs[i]] = true;
		for (size_t k = 0; k < nr_rules; k++) {
			struct irule r = rules[k];
			memcpy(r.name, names[i]->s, names[i]->len);
			r.name[names[i]->len] = '\0';
			r.nr = nrs[i];
			r.act = a;
			if (!r.dead)
				imp_fold32(&r);
			if (imp_add(&m->im, &r) < 0)
				return err_at(m, names[i], "too many rules at '%s'");
		}
	}
	return 0;
}

static int statement(struct mj *m)
{
	const struct tok *names[64];
	int nrs[64];
	size_t nn = 0;
	bool brace = accept(m, "{");

	do {
		const struct tok *t = peek(m);
		char b[40];
		if (t->t != T_IDENT)
			return err_at(m, t, "expected a syscall name, found '%s'");
		if (memchr(t->s, '@', t->len))
			return err_at(m, t, "syscall groups ('%s') are not supported");
		if (t->len >= sizeof(b))
			return err_at(m, t, "not an x86_64 syscall: '%s'");
		memcpy(b, t->s, t->len);
		b[t->len] = '\0';
		if (!imp_name_ok(b) || (nrs[nn] = vj_syscall_nr(b)) < 0 ||
		    nrs[nn] >= VJ_SYSCALL_NR_MAX)
			return err_at(m, t, "not an x86_64 syscall: '%s'");
		if (nn == 64)
			return err_at(m, t, "more than 64 syscalls in braces at '%s'");
		names[nn++] = t;
		m->at++;
		if (is(peek(m), "["))
			return err_at(m, peek(m), "metadata ('%s') is not supported");
	} while (brace && accept(m, ","));
	if (brace && !accept(m, "}"))
		return err_at(m, peek(m), "expected '}', found '%s'");
	if (!accept(m, ":"))
		return err_at(m, peek(m), "expected ':', found '%s'");
	if (accept(m, "{")) {
		do {
			if (filter(m, nrs, nn, names) < 0)
				return -1;
		} while (accept(m, ","));
		if (!accept(m, "}"))
			return err_at(m, peek(m), "expected '}', found '%s'");
	} else if (filter(m, nrs, nn, names) < 0) {
		return -1;
	}
	if (peek(m)->t != T_END)
		return err_at(m, peek(m), "extra text at '%s'");
	return 0;
}

static int read_file(struct mj *m, const char *path);

static int include(struct mj *m, const struct tok *p)
{
	const char *base = p->s, *slash;
	char name[256], path[4096];
	size_t l;

	for (slash = p->s; slash < p->s + p->len; slash++)
		if (*slash == '/')
			base = slash + 1;
	l = (size_t)(p->s + p->len - base);
	if (l == 0 || l >= sizeof(name) || base[0] == '.' || l < 8 ||
	    memcmp(base + l - 7, ".policy", 7) != 0)
		return err_at(m, p, "@include '%s': a NAME.policy file is expected");
	for (size_t i = 0; i < l; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
		            base[i]))
			return err_at(m, p, "@include '%s': a NAME.policy file is expected");
	memcpy(name, base, l);
	name[l] = '\0';
	if (!m->incdir)
		return err_at(m, p, "@include '%s' from stdin needs --include-dir");
	for (unsigned i = 0; i < m->depth; i++)
		if (strcmp(m->stack[i], name) == 0)
			return err_at(m, p, "@include '%s' includes itself");
	if (m->depth == MJ_MAX_DEPTH)
		return err_at(m, p, "@include '%s' nested deeper than 8");
	if (++m->files > MJ_MAX_FILES)
		return err_at(m, p, "@include '%s': more than 64 files");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", m->incdir, name) >= sizeof(path))
		return err_at(m, p, "@include '%s': path too long");
	return read_file(m, path);
}

static int directive(struct mj *m)
{
	const struct tok *t = peek(m);

	m->at++;
	if (is(t, "@include") || is(t, "@frequency")) {
		const struct tok *p = peek(m);
		if (p->t != T_PATH)
			return err_at(m, p, "a path is expected after the directive%s");
		m->at++;
		if (peek(m)->t != T_END)
			return err_at(m, peek(m), "extra text at '%s'");
		return is(t, "@include") ? include(m, p) : 0;
	}
	if (is(t, "@default")) {
		if (action(m, &m->def, true) < 0)
			return -1;
		m->have_default = true;
		if (peek(m)->t != T_END)
			return err_at(m, peek(m), "extra text at '%s'");
		return 0;
	}
	if (is(t, "@denylist")) {
		/* ChromeOS's denylists: everything else is allowed (as minijail
		 * compiles them with --denylist) */
		if (m->im.n)
			return err_at(m, t, "'%s' must come before the rules it governs");
		m->denylist = true;
		if (peek(m)->t != T_END)
			return err_at(m, peek(m), "extra text at '%s'");
		return 0;
	}
	return err_at(m, t,
	              "unsupported directive '%s' (@include, @frequency, @default, @denylist)");
}

static int read_file(struct mj *m, const char *path)
{
	const char *save_file = m->file;
	unsigned save_line = m->line;
	char *buf = NULL, *logical = NULL;
	size_t len, ll = 0;
	int rc = -1;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (tool_read_all(path, 1u << 20, &buf, &len) != EXIT_OK)
		return -2;
	logical = malloc(MJ_MAX_LINE);
	if (!logical)
		goto out;
	m->stack[m->depth++] = base;
	m->file = path;
	m->line = 0;
	for (size_t i = 0, start_line = 1; i <= len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (buf + i)) : len - i;
		bool cont;
		m->line++;
		for (size_t k = 0; k < l; k++) {
			unsigned char c = (unsigned char)buf[i + k];
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
				struct tok t = {.s = buf + i + k, .len = 1, .col = (unsigned)k + 1};
				err_at(m, &t, "a control character ('%s')");
				goto pop;
			}
		}
		if (ll == 0)
			start_line = m->line;
		cont = l && buf[i + l - 1] == '\\';
		if (ll + l >= MJ_MAX_LINE) {
			err_at(m, NULL, "a statement longer than 64 KiB%s");
			goto pop;
		}
		memcpy(logical + ll, buf + i, cont ? l - 1 : l);
		ll += cont ? l - 1 : l;
		if (cont && nl) {
			logical[ll++] = ' ';
		} else {
			unsigned end_line = m->line;
			m->line = (unsigned)start_line;
			if (lex(m, logical, ll) < 0)
				goto pop;
			if (peek(m)->t == T_DIRECTIVE) {
				int r = directive(m);
				m->file = path;
				if (r == -2)
					rc = -2;
				if (r < 0)
					goto pop;
			} else if (peek(m)->t != T_END && statement(m) < 0) {
				goto pop;
			}
			m->line = end_line;
			ll = 0;
		}
		if (!nl)
			break;
		i += l + 1;
	}
	rc = 0;
pop:
	m->depth--;
	m->file = save_file;
	m->line = save_line;
out:
	free(logical);
	free(buf);
	return rc;
}

int cmd_import_minijail(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"constants", required_argument, NULL, 'c'},
	                                     {"include-dir", required_argument, NULL, 'I'},
	                                     {"default", required_argument, NULL, 'd'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *name = "minijail", *cfile = NULL, *dflt = NULL;
	struct mj m = {0};
	struct vj_action cli = {.kind = VJ_ACT_KILL_PROCESS};
	struct json *croot = NULL;
	struct json_err jerr = {0};
	struct tok *tk = NULL;
	char *cbuf = NULL, *dir = NULL;
	size_t clen;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:c:I:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'c':
			cfile = optarg;
			break;
		case 'I':
			m.incdir = optarg;
			break;
		case 'd':
			dflt = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("import-minijail", "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("import-minijail", "expected one FILE");
	if (!imp_policy_name_ok(name))
		return tool_usage_error("import-minijail", "--name is 1 to 63 of [A-Za-z0-9._-]");
	if (dflt) {
		if (strcmp(dflt, "kill") == 0 || strcmp(dflt, "kill-process") == 0)
			cli.kind = VJ_ACT_KILL_PROCESS;
		else if (strcmp(dflt, "kill-thread") == 0)
			cli.kind = VJ_ACT_KILL_THREAD;
		else if (strcmp(dflt, "trap") == 0)
			cli.kind = VJ_ACT_TRAP;
		else
			return tool_usage_error(
			    "import-minijail",
			    "--default is kill, kill-process, kill-thread or trap");
	}
	rc = EXIT_FINDINGS;
	if (cfile) {
		if ((rc = tool_read_all(cfile, 16u << 20, &cbuf, &clen)) != EXIT_OK)
			goto out;
		rc = EXIT_FINDINGS;
		if (json_parse(cbuf, clen, &croot, &jerr) < 0) {
			fprintf(stderr, "%s:%u:%u: error: %s\n", cfile, jerr.line, jerr.col,
			        jerr.msg);
			goto out;
		}
		m.consts = json_get(croot, "constants");
		if (!m.consts || m.consts->type != JSON_OBJECT) {
			fprintf(stderr, "%s: error: no \"constants\" object\n", cfile);
			goto out;
		}
	}
	if (!m.incdir && strcmp(argv[optind], "-") != 0) {
		char *slash;
		dir = strdup(argv[optind]);
		if (!dir)
			goto out;
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		m.incdir = slash ? (*dir ? dir : "/") : ".";
	}
	tk = calloc(MJ_MAX_TOKS, sizeof(*tk));
	if (!tk)
		goto out;
	m.tk = tk;
	m.file = argv[optind];
	m.files = 1;
	{
		int r = read_file(&m, argv[optind]);
		if (r == -2)
			rc = EXIT_IO;
		if (r < 0)
			goto out;
	}
	/* Understood: from here on only output. */
	/* --default, else @default, else allow for a @denylist, else kill (the process) */
	if (dflt || (!m.have_default && !m.denylist))
		m.im.def = cli;
	else if (m.have_default)
		m.im.def = m.def;
	else
		m.im.def = (struct vj_action){.kind = VJ_ACT_ALLOW};
	printf("# Imported by vmjail-policy import-minijail.  Review before use.\n");
	if (m.trace_note)
		printf("# trace has no tracer under vmjail: imported as errno ENOSYS, what the "
		       "kernel answers\n");
	if (m.notify_note)
		printf("# user-notify has no listener under vmjail: imported as errno ENOSYS\n");
	imp_print_dropped(&m.im);
	imp_tidy(&m.im);
	imp_allow_exec(&m.im);
	imp_print(&m.im, name);
	rc = EXIT_OK;
out:
	free(tk);
	free(dir);
	free(m.im.r);
	json_free(croot);
	free(cbuf);
	return rc;
}
