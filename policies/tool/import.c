// SPDX-License-Identifier: Apache-2.0
/*
 * The importers' shared half (policies/tool/import.h): rules collected from
 * a foreign format, fitted to what the policy language can say, and printed
 * as policy text by one printer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/import.h"
#include "policies/tool/tool.h"
#include "policies/tool/view.h"

/* "# skipped: 'NAME' why" with NAME escaped (it comes from the profile). */
void imp_skipped(const char *s, const char *why)
{
	char e[160];

	vj_escape(e, sizeof(e), s, strlen(s));
	printf("# skipped: '%s' %s\n", e, why);
}

bool imp_act_eq(const struct vj_action *x, const struct vj_action *y)
{
	return x->kind == y->kind && (x->kind != VJ_ACT_ERRNO || x->errnum == y->errnum);
}

bool imp_name_ok(const char *s)
{
	size_t l = strlen(s);

	if (l == 0 || l >= 40)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int imp_add(struct imp *im, const struct irule *r)
{
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		struct irule *nr;
		if (cap > VJ_MAX_CONDS * 4096)
			return -1;
		nr = realloc(im->r, cap * sizeof(*nr));
		if (!nr)
			return -1;
		im->r = nr;
		im->cap = cap;
	}
	im->r[im->n] = *r;
	im->r[im->n].seq = im->n;
	im->n++;
	return 0;
}

const char *imp_cond_text(const struct irule *r, const struct cond *c, char *buf, size_t len)
{
	struct vj_rule vr = {0};
	struct vj_cond vc = {0};

	snprintf(vr.name, sizeof(vr.name), "%s", r->name);
	vc.arg = c->arg;
	vc.op = c->op;
	vc.value = c->value;
	vc.mask = c->mask;
	vc.arg32 = (vj_syscall_arg32_mask(r->name) >> c->arg) & 1;
	tool_cond_str(&vr, &vc, buf, len);
	/* A number with several names is shown as "0x8 (A or B)" for readers;
	 * policy text has no parentheses, so the names go and the number stays. */
	for (char *open; (open = strstr(buf, " (")) != NULL;) {
		char *close = strchr(open, ')');
		if (!close)
			break;
		memmove(open, close + 1, strlen(close + 1) + 1);
	}
	return buf;
}

const char *imp_rule_text(const struct irule *r, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->nc && o < len; i++) {
		char one[512];
		int w = snprintf(buf + o, len - o, "%s%s", i ? " and " : "",
		                 imp_cond_text(r, &r->c[i], one, sizeof(one)));
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

/* Can the language say this rule exactly?  Returns NULL or why not. */
const char *imp_inexpressible(const struct irule *r)
{
	unsigned m32 = vj_syscall_arg32_mask(r->name);

	for (unsigned i = 0; i < r->nc; i++) {
		for (unsigned k = 0; k < i; k++)
			if (r->c[k].arg == r->c[i].arg)
				return "names one argument twice";
		if ((m32 >> r->c[i].arg) & 1) {
			uint64_t v = r->c[i].value, m = r->c[i].mask;
			if (r->c[i].op != VJ_OP_EQ && r->c[i].op != VJ_OP_MASKED_EQ)
				return "compares a 32-bit argument with an operator other than == "
				       "or "
				       "masked ==";
			if (v >> 32 || m >> 32)
				return "compares a 32-bit argument with a value above 32 bits";
		}
	}
	return NULL;
}

bool imp_same_conds(const struct irule *a, const struct irule *b)
{
	if (a->nc != b->nc)
		return false;
	for (unsigned i = 0; i < a->nc; i++) {
		unsigned k;
		for (k = 0; k < b->nc; k++)
			if (a->c[i].arg == b->c[k].arg && a->c[i].op == b->c[k].op &&
			    a->c[i].value == b->c[k].value && a->c[i].mask == b->c[k].mask)
				break;
		if (k == b->nc)
			return false;
	}
	return true;
}

void imp_emit_rule(const struct irule *r)
{
	char a[64], conds[4096];

	vj_action_name(&r->act, a, sizeof(a));
	if (r->nc)
		printf("seccomp %s %s if %s\n", a, r->name, imp_rule_text(r, conds, sizeof(conds)));
	else
		printf("seccomp %s %s\n", a, r->name);
}

/*
 * An ordering or != on a 32-bit argument (Docker's `socket arg0 < AF_ALG`,
 * `arg0 > AF_VSOCK`, `arg0 != AF_NETLINK`) can be said exactly as the list
 * of values it admits when that list is short: the values below the bound
 * the kernel itself enforces (socket families: AF_MAX, the kernel answers
 * EAFNOSUPPORT from there on), at most ENUM_MAX of them.
 */
uint64_t imp_enum_bound(const struct irule *r)
{
	uint64_t afmax = 46;

	if (r->c[0].arg == 0 &&
	    (strcmp(r->name, "socket") == 0 || strcmp(r->name, "socketpair") == 0)) {
		vj_const_lookup("AF_MAX", &afmax);
		return afmax;
	}
	return 1ull << 32;
}

/* The values [lo, hi) an enumerable rule's condition may take; false when
 * the rule is not one condition on a 32-bit argument with a short range. */
bool imp_enum_range(const struct irule *r, uint64_t *lo, uint64_t *hi)
{
	uint64_t bound, v;

	if (r->nc != 1 || !((vj_syscall_arg32_mask(r->name) >> r->c[0].arg) & 1) ||
	    !view_allowish(&r->act))
		return false;
	bound = imp_enum_bound(r);
	v = r->c[0].value;
	switch (r->c[0].op) {
	case VJ_OP_LT:
		*lo = 0, *hi = v < bound ? v : bound;
		break;
	case VJ_OP_LE:
		*lo = 0, *hi = v < bound ? v + 1 : bound;
		break;
	case VJ_OP_GT:
		*lo = v + 1, *hi = bound;
		break;
	case VJ_OP_GE:
		*lo = v, *hi = bound;
		break;
	case VJ_OP_NE:
		*lo = 0, *hi = bound;
		break;
	default:
		return false;
	}
	return *hi <= *lo || *hi - *lo <= ENUM_MAX + (r->c[0].op == VJ_OP_NE);
}

bool imp_cond_holds(const struct cond *c, uint64_t v)
{
	return vj_op_holds(c->op, v, c->value, c->mask);
}

/* Is value v of argument arg already said by another rule of r's syscall: a
 * plain `argN == v`, or an enumerated rule printed before r?  The validator
 * refuses a rule said twice, `in {}` included. */
static bool said_elsewhere(const struct imp *im, size_t self, unsigned arg, uint64_t v)
{
	const struct irule *r = &im->r[self];

	for (size_t k = 0; k < im->n; k++) {
		const struct irule *o = &im->r[k];
		uint64_t lo, hi;
		if (k == self || o->dead || o->nc != 1 || o->c[0].arg != arg ||
		    strcmp(o->name, r->name) != 0 || !imp_act_eq(&o->act, &r->act))
			continue;
		if (!o->enumerated && o->c[0].op == VJ_OP_EQ && o->c[0].value == v)
			return true;
		if (o->enumerated && k < self && imp_enum_range(o, &lo, &hi) && v >= lo && v < hi &&
		    imp_cond_holds(&o->c[0], v) && !(o->no_vsock && v == AF_VSOCK))
			return true;
	}
	return false;
}

void imp_emit_enumerated(const struct imp *im, size_t i)
{
	static const char *const af[] = {"AF_", NULL};
	const struct irule *r = &im->r[i];
	uint64_t lo, hi;
	bool isaf = imp_enum_bound(r) != 1ull << 32;
	char a[64], list[(ENUM_MAX + 2) * 24];
	size_t o = 0;

	if (!imp_enum_range(r, &lo, &hi) || hi <= lo)
		return; /* admits nothing: the default answers */
	list[0] = '\0';
	for (uint64_t v = lo; v < hi && o < sizeof(list); v++) {
		const char *n = isaf ? vj_const_name(af, v) : NULL;
		int w;
		if (!imp_cond_holds(&r->c[0], v) || (r->no_vsock && v == AF_VSOCK) ||
		    said_elsewhere(im, i, r->c[0].arg, v))
			continue;
		if (n)
			w = snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "", n);
		else
			w = snprintf(list + o, sizeof(list) - o, "%s%llu", o ? ", " : "",
			             (unsigned long long)v);
		if (w > 0)
			o += (size_t)w;
	}
	if (o) /* nothing left: every value is said by another rule */
		printf("seccomp %s %s if arg%u in {%s}\n", vj_action_name(&r->act, a, sizeof(a)),
		       r->name, r->c[0].arg, list);
}

void imp_note(const struct irule *r, const char *fmt, ...)
{
	va_list ap;
	char e[200];

	if (r && r->origin[0]) {
		vj_escape(e, sizeof(e), r->origin, strlen(r->origin));
		printf("# note: %s (%s): ", r->name, e);
	} else {
		printf("# ");
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void imp_fold32(struct irule *r)
{
	unsigned m32 = vj_syscall_arg32_mask(r->name);

	for (unsigned i = 0; i < r->nc; i++) {
		struct cond *c = &r->c[i];
		if (!((m32 >> c->arg) & 1))
			continue;
		if (c->op == VJ_OP_MASKED_EQ) {
			if (!(c->value >> 32))
				c->mask &= 0xffffffffu;
		} else if (c->value >> 32 == 0xffffffffu && (c->value & 0x80000000u)) {
			c->value &= 0xffffffffu;
		}
	}
}

void imp_fit(struct irule *r)
{
	const char *why = imp_inexpressible(r);
	char a[64], conds[4096];
	uint64_t lo, hi;

	if (r->dead || !why)
		return;
	imp_rule_text(r, conds, sizeof(conds));
	vj_action_name(&r->act, a, sizeof(a));
	if (imp_enum_range(r, &lo, &hi)) {
		imp_note(r, "%s if %s: rewritten as the list of the values it admits%s", r->name,
		         conds,
		         imp_enum_bound(r) != 1ull << 32
		             ? " (families from AF_MAX up fail in the kernel)"
		             : "");
		r->enumerated = true;
	} else if (r->act.kind == VJ_ACT_ALLOW || r->act.kind == VJ_ACT_LOG) {
		imp_note(r,
		         "%s %s if %s: %s; dropped (the syscall falls to the default for these "
		         "calls)",
		         a, r->name, conds, why);
		r->dead = true;
	} else {
		imp_note(r, "%s %s if %s: %s; made unconditional (fail closed)", a, r->name, conds,
		         why);
		r->nc = 0;
	}
}

int imp_cmp_rules(const void *x, const void *y)
{
	const struct irule *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (a->act.kind != b->act.kind)
		return a->act.kind < b->act.kind ? -1 : 1;
	if (a->act.errnum != b->act.errnum)
		return a->act.errnum < b->act.errnum ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void imp_tidy(struct imp *im)
{
	char a[64], b[64], conds[4096];

	if (im->n)
		qsort(im->r, im->n, sizeof(im->r[0]), imp_cmp_rules);
	for (size_t i = 0, j; i < im->n; i = j) {
		const struct vj_action *keep = NULL;
		for (j = i; j < im->n && strcmp(im->r[j].name, im->r[i].name) == 0; j++)
			if (!keep && !im->r[j].dead)
				keep = &im->r[j].act;
		if (!keep)
			continue;
		for (size_t k = i; k < j; k++) {
			struct irule *r = &im->r[k];
			if (r->dead || imp_act_eq(&r->act, keep))
				continue;
			imp_note(r,
			         "%s %s%s%s: dropped, %s also has %s rules (the language gives one "
			         "syscall one action; the more restrictive is kept, these calls "
			         "fall to it or to the default)",
			         vj_action_name(&r->act, a, sizeof(a)), r->name,
			         r->nc ? " if " : "", imp_rule_text(r, conds, sizeof(conds)),
			         r->name, vj_action_name(keep, b, sizeof(b)));
			r->dead = true;
		}
		for (size_t k = i; k < j; k++)
			imp_fit(&im->r[k]);
		for (size_t k = i; k < j; k++) {
			if (im->r[k].dead || im->r[k].nc)
				continue;
			/* an unconditional rule: the others of the syscall add nothing */
			for (size_t m = i; m < j; m++)
				if (m != k)
					im->r[m].dead = true;
			break;
		}
		for (size_t k = i; k < j; k++)
			for (size_t m = i; m < k; m++)
				if (!im->r[k].dead && !im->r[m].dead &&
				    im->r[k].enumerated == im->r[m].enumerated &&
				    imp_same_conds(&im->r[k], &im->r[m]))
					im->r[k].dead = true;
		for (size_t k = i; k < j; k++)
			if (!im->r[k].dead && imp_act_eq(&im->r[k].act, &im->def))
				im->r[k].dead = true; /* says what the default says */
	}
}

void imp_allow_exec(struct imp *im)
{
	bool allowed = false, uncond = false;
	struct irule add = {0};

	for (size_t i = 0; i < im->n; i++) {
		const struct irule *r = &im->r[i];
		if (r->dead || strcmp(r->name, "execve") != 0)
			continue;
		allowed = allowed || view_allowish(&r->act);
		uncond = uncond || !r->nc;
	}
	if (allowed || (!uncond && view_allowish(&im->def)))
		return;
	for (size_t i = 0; i < im->n; i++)
		if (strcmp(im->r[i].name, "execve") == 0)
			im->r[i].dead = true;
	add.nr = vj_syscall_nr("execve");
	snprintf(add.name, sizeof(add.name), "execve");
	snprintf(add.origin, sizeof(add.origin), "added");
	add.act.kind = VJ_ACT_ALLOW;
	imp_note(&add, "the source does not allow execve (its filter is installed after the "
	               "VMM started); vmjail starts the VMM with execve under this filter, so it "
	               "is allowed and layer exec-once refuses every later exec.  The rest of "
	               "the start-up is not in the source either (lint: cannot-start); the "
	               "shipped VMM policies add it");
	if (imp_add(im, &add) == 0)
		im->exec_once = true;
}

void imp_print(struct imp *im, const char *name)
{
	char a[64];

	printf("version 1\nname %s\nlayer seccomp required\n", name);
	if (im->exec_once)
		printf("layer exec-once required\n");
	printf("seccomp default %s\n", vj_action_name(&im->def, a, sizeof(a)));
	/* Unconditional rules of one action on one line, then the rest. */
	for (size_t i = 0; i < im->n; i++) {
		size_t col;
		if (im->r[i].dead || im->r[i].nc)
			continue;
		col = (size_t)printf("seccomp %s %s", vj_action_name(&im->r[i].act, a, sizeof(a)),
		                     im->r[i].name);
		im->r[i].dead = true;
		for (size_t k = i + 1; k < im->n; k++) {
			if (im->r[k].dead || im->r[k].nc ||
			    !imp_act_eq(&im->r[k].act, &im->r[i].act))
				continue;
			if (col + strlen(im->r[k].name) > 98)
				col = (size_t)printf("\nseccomp %s %s", a, im->r[k].name) - 1;
			else
				col += (size_t)printf(" %s", im->r[k].name);
			im->r[k].dead = true;
		}
		printf("\n");
	}
	for (size_t i = 0; i < im->n; i++) {
		if (im->r[i].dead)
			continue;
		if (im->r[i].enumerated)
			imp_emit_enumerated(im, i);
		else
			imp_emit_rule(&im->r[i]);
	}
	for (size_t i = 0; i < im->n; i++)
		im->r[i].dead = true;
}

bool imp_policy_name_ok(const char *name)
{
	size_t l = strlen(name);

	if (l == 0 || l > 63)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
		            name[i]))
			return false;
	return true;
}

void imp_print_dropped(const struct imp *im)
{
	char conds[4096];

	for (size_t i = 0; i < im->n; i++)
		if (im->r[i].dead && im->r[i].why)
			imp_note(&im->r[i], "%s%s%s: %s; dropped", im->r[i].name,
			         im->r[i].nc ? " if " : "",
			         imp_rule_text(&im->r[i], conds, sizeof(conds)), im->r[i].why);
}

int imp_error(const char *file, unsigned line, unsigned col, const char *msg, const char *text,
              size_t n)
{
	char e[300], f[300];
	const char *pct = strstr(msg, "%s");

	vj_escape(e, sizeof(e), text ? text : "", text ? (n > 64 ? 64 : n) : 0);
	vj_escape(f, sizeof(f), file, strlen(file));
	fprintf(stderr, "%s:%u:%u: error: ", f, line, col);
	if (pct)
		fprintf(stderr, "%.*s%s%s\n", (int)(pct - msg), msg, e, pct + 2);
	else
		fprintf(stderr, "%s\n", msg);
	return -1;
}
