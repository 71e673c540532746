// SPDX-License-Identifier: Apache-2.0
#include "policies/tool/view.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"

static int cmp_name(const void *a, const void *b)
{
	const struct view_sys *x = a, *y = b;
	return strcmp(x->name, y->name);
}

struct view_sys *view_syscalls(const struct vj_seccomp *sc, size_t *n)
{
	struct view_sys *v = calloc(sc->nrules + 1, sizeof(*v));
	size_t nv = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		size_t k;
		const struct vj_rule **nr;
		for (k = 0; k < nv; k++)
			if (v[k].nr == r->nr)
				break;
		if (k == nv) {
			v[nv].nr = r->nr;
			v[nv].name = r->name;
			nv++;
		}
		nr = realloc(v[k].rules, (v[k].nrules + 1) * sizeof(*nr));
		if (!nr) {
			view_syscalls_free(v, nv);
			return NULL;
		}
		v[k].rules = nr;
		v[k].rules[v[k].nrules++] = r;
	}
	qsort(v, nv, sizeof(*v), cmp_name);
	*n = nv;
	return v;
}

void view_syscalls_free(struct view_sys *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].rules);
	free(v);
}

const struct view_sys *view_find(const struct view_sys *v, size_t n, int nr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].nr == nr)
			return &v[i];
	return NULL;
}

const char *view_sockrule(const struct vj_sockrule *s, char *buf, size_t len)
{
	static const char *const af[] = {"AF_", NULL}, *const st[] = {"SOCK_", NULL},
	                         *const pr[] = {"IPPROTO_", NULL};
	const char *f = vj_const_name(af, (uint64_t)s->family);
	const char *t = s->type >= 0 ? vj_const_name(st, (uint64_t)s->type) : "any";
	const char *p = s->protocol >= 0 ? vj_const_name(pr, (uint64_t)s->protocol) : "any";
	char fb[16], tb[16], pb[16];

	if (!f)
		snprintf(fb, sizeof(fb), "%d", s->family), f = fb;
	if (!t)
		snprintf(tb, sizeof(tb), "%d", s->type), t = tb;
	if (!p)
		snprintf(pb, sizeof(pb), "%d", s->protocol), p = pb;
	snprintf(buf, len, "%s %s %s", f, t, p);
	return buf;
}

const char *view_netrule(const struct vj_netrule *r, char *buf, size_t len)
{
	static const char *const ops[] = {"connect", "bind", "sendmsg"};
	char addr[INET6_ADDRSTRLEN] = "?";

	inet_ntop(r->family, r->addr, addr, sizeof(addr));
	if (r->port_lo == r->port_hi)
		snprintf(buf, len, "%s allow %s/%u port %u", ops[r->op], addr, r->prefix,
		         r->port_lo);
	else
		snprintf(buf, len, "%s allow %s/%u port %u-%u", ops[r->op], addr, r->prefix,
		         r->port_lo, r->port_hi);
	return buf;
}

bool view_allowish(const struct vj_action *a)
{
	return a->kind == VJ_ACT_ALLOW || a->kind == VJ_ACT_LOG || a->kind == VJ_ACT_USER_NOTIF;
}
