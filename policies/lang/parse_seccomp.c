// SPDX-License-Identifier: Apache-2.0
/* seccomp statements: actions, conditions, `in {}` expansion into rules. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/parse.h"
#include "policies/lang/syscalls.h"

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
	const char *w = vj_p_word(c, *i);
	size_t k;

	if (!vj_p_need(c, *i, "seccomp action"))
		return false;
	for (k = 0; w && k < sizeof(acts) / sizeof(acts[0]); k++)
		if (strcmp(w, acts[k].name) == 0)
			break;
	if (!w || k == sizeof(acts) / sizeof(acts[0])) {
		vj_p_perr(
		    c, *i,
		    "unknown seccomp action %s (actions: allow kill-process kill-thread trap log "
		    "user-notify errno NAME)",
		    ESC(c, *i));
		return false;
	}
	a->kind = acts[k].kind;
	a->errnum = 0;
	(*i)++;
	if (a->kind == VJ_ACT_ERRNO) {
		const char *e = vj_p_word(c, *i);
		uint64_t v;
		int n;

		if (!vj_p_need(c, *i, "errno name or number"))
			return false;
		if (e && vj_p_looks_numeric(e)) {
			if (vj_p_parse_u64(e, &v) != NUM_OK || *e == '-' || v < 1 || v > 4095) {
				vj_p_perr(c, *i, "errno must be 1..4095, got %s", ESC(c, *i));
				return false;
			}
			n = (int)v;
		} else if (!e || (n = vj_errno_from_name(e)) < 0) {
			vj_p_perr(c, *i, "unknown errno name %s", ESC(c, *i));
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
	const char *w = vj_p_word(c, *i);
	enum vj_tok_kind k;

	memset(pc, 0, sizeof(*pc));
	if (!vj_p_need(c, *i, "condition"))
		return false;
	if (!w || strncmp(w, "arg", 3) != 0 || w[3] < '0' || w[3] > '5' || w[4]) {
		vj_p_perr(c, *i, "expected an argument arg0..arg5, got %s", ESC(c, *i));
		return false;
	}
	pc->c.arg = (unsigned)(w[3] - '0');
	pc->c.loc = vj_p_loc_at(c, *i);
	(*i)++;
	if (!vj_p_need(c, *i, "comparison operator"))
		return false;
	k = c->t[*i].kind;
	if (k == VJ_TOK_AMP) {
		(*i)++;
		if (!vj_p_parse_value(c, i, NULL, &pc->c.mask))
			return false;
		if (!vj_p_need(c, *i, "'==' after the mask"))
			return false;
		if (c->t[*i].kind != VJ_TOK_EQ) {
			vj_p_perr(c, *i, "a masked comparison is 'argN & MASK == VALUE', got %s",
			          ESC(c, *i));
			return false;
		}
		(*i)++;
		pc->c.op = VJ_OP_MASKED_EQ;
		if (!vj_p_parse_value(c, i, NULL, &pc->c.value))
			return false;
		if (pc->c.value & ~pc->c.mask) {
			vj_p_perr(c, *i - 1,
			          "value has bits outside the mask: the condition can never hold");
			return false;
		}
		return true;
	}
	if (k == VJ_TOK_WORD && strcmp(c->t[*i].s, "in") == 0) {
		size_t start = *i;
		(*i)++;
		if (!vj_p_need(c, *i, "'{'") || c->t[*i].kind != VJ_TOK_LBRACE) {
			if (*i < c->n)
				vj_p_perr(c, *i, "expected '{' after 'in', got %s", ESC(c, *i));
			return false;
		}
		(*i)++;
		pc->c.op = VJ_OP_EQ;
		for (;;) {
			uint64_t v, *nv;
			if (!vj_p_parse_value(c, i, NULL, &v))
				goto bad_set;
			nv = realloc(pc->set, (pc->nset + 1) * sizeof(*nv));
			if (!nv) {
				vj_p_perr(c, *i, "out of memory");
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
				vj_p_perr(c, *i, "expected ',' or '}', got %s", ESC(c, *i));
			else
				vj_p_perr(c, start, "unterminated set: missing '}'");
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
		vj_p_perr(c, *i, "expected an operator (== != < <= > >= & in), got %s", ESC(c, *i));
		return false;
	}
	(*i)++;
	return vj_p_parse_value(c, i, NULL, &pc->c.value);
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
		vj_p_perr(c, name_at, "too many seccomp rules (limit %u after expanding 'in' sets)",
		          VJ_MAX_RULES);
		c->ps->fatal = true;
		return;
	}
	total = nnames * combos;
	{
		struct vj_rule *nr = realloc(sc->rules, (sc->nrules + total) * sizeof(*nr));
		if (!nr) {
			vj_p_perr(c, name_at, "out of memory");
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
			/* A syscall given by number keeps its name where one is known. */
			if (!(t->s[0] >= '0' && t->s[0] <= '9') ||
			    !vj_syscall_name(r->nr, r->name, sizeof(r->name)))
				memcpy(r->name, t->s, t->len + 1);
			r->action = *a;
			r->loc = vj_p_loc_at(c, name_at + n);
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

void vj_p_st_seccomp(struct cur *c)
{
	struct vj_parser *ps = c->ps;
	struct vj_action a;
	struct pcond pc[VJ_MAX_CONDS];
	size_t npc = 0, i = 1, name_at, nnames = 0;
	bool ok = true;

	if (!vj_p_need(c, 1, "'default' or an action"))
		return;
	if (vj_p_is_word(c, 1, "default")) {
		i = 2;
		if (!parse_action(c, &i, &a) || !vj_p_end_at(c, i))
			return;
		if (vj_p_set_once(c, 1, &ps->def, "seccomp default"))
			ps->p->seccomp.def = a;
		return;
	}
	if (!parse_action(c, &i, &a))
		return;
	name_at = i;
	for (; i < c->n && !vj_p_is_word(c, i, "if"); i++) {
		const char *w = vj_p_word(c, i);
		if (!w) {
			vj_p_perr(c, i, "expected a syscall name, got %s", ESC(c, i));
			return;
		}
		if (strlen(w) >= sizeof(((struct vj_rule *)0)->name) || vj_syscall_nr(w) < 0) {
			vj_p_perr(c, i, "unknown syscall %s (not an x86_64 syscall)", ESC(c, i));
			ok = false;
		}
		nnames++;
	}
	if (!nnames) {
		vj_p_perr(c, i, "missing syscall name");
		return;
	}
	if (vj_p_is_word(c, i, "if")) {
		i++;
		for (;;) {
			if (npc == VJ_MAX_CONDS) {
				vj_p_perr(
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
			if (!vj_p_is_word(c, i, "and")) {
				vj_p_perr(c, i, "expected 'and' or the end of the line, got %s",
				          ESC(c, i));
				ok = false;
				break;
			}
			i++;
		}
	}
	if (ok) {
		if (!ps->any_seccomp.line)
			ps->any_seccomp = vj_p_loc_at(c, 0);
		add_rules(c, &a, name_at, nnames, pc, npc);
	}
	for (size_t k = 0; k < npc; k++)
		free(pc[k].set);
}
