// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy diff A B: a semantic diff, layer by layer.  Lines start with
 *   +  B allows something A does not (review this),
 *   -  B allows less than A,
 *   ~  changed both ways, or neither more nor less (a different errno...).
 * Text order, comments, includes and `in {}` spelling do not matter: both
 * policies are compared after parsing, syscall by syscall, with conditions
 * in a canonical order.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/lang/syscalls.h"
#include "policies/tool/tool.h"
#include "policies/tool/view.h"

static const char help[] = "usage: vmjail-policy diff A B\n"
                           "\n"
                           "Compare two policies by meaning, per layer: layers, namespaces and\n"
                           "mounts, devices, binds, dirs, cgroup limits, rlimits, Landlock rules,\n"
                           "socket and net rules, sysctl, and seccomp per syscall (action and\n"
                           "conditions) and default.  Each difference is one line:\n"
                           "  +  B allows what A does not    -  B allows less    ~  changed\n"
                           "\n"
                           "Exit status: 0 same meaning, 1 differences, 2 usage, 3 I/O error\n"
                           "(an invalid policy also gives 1, with its errors on stderr).\n";

struct out {
	unsigned more, less, changed;
};

__attribute__((format(printf, 3, 4))) static void line(struct out *o, char mark, const char *fmt,
                                                       ...)
{
	va_list ap;

	if (mark == '+')
		o->more++;
	else if (mark == '-')
		o->less++;
	else
		o->changed++;
	printf("%c ", mark);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void diff_layers(struct out *o, const struct vj_policy *a, const struct vj_policy *b)
{
	for (int l = 0; l < VJ_LAYER__COUNT; l++)
		if (a->layer[l] != b->layer[l])
			line(o, b->layer[l] < a->layer[l] ? '+' : '-', "layer %s: %s -> %s",
			     vj_layer_name(l), vj_req_name(a->layer[l]), vj_req_name(b->layer[l]));
}

static void onoff(struct out *o, const char *what, bool a, bool b, bool on_is_more)
{
	if (a != b)
		line(o, b == on_is_more ? '+' : '-', "%s: %s -> %s", what, a ? "on" : "off",
		     b ? "on" : "off");
}

static const struct vj_bind *find_bind(const struct vj_policy *p, const char *dst)
{
	for (size_t i = 0; i < p->nbinds; i++)
		if (strcmp(p->binds[i].dst, dst) == 0)
			return &p->binds[i];
	return NULL;
}

/* -1 (unset) is unlimited: the largest. */
static void limit(struct out *o, const char *what, int64_t a, int64_t b)
{
	char as[32], bs[32];

	if (a == b)
		return;
	snprintf(as, sizeof(as), a < 0 ? "unset" : "%lld", (long long)a);
	snprintf(bs, sizeof(bs), b < 0 ? "unset" : "%lld", (long long)b);
	line(o, (b < 0 || (a >= 0 && b > a)) ? '+' : '-', "%s: %s -> %s", what, as, bs);
}

static const char *num(int64_t v, char buf[32])
{
	snprintf(buf, 32, v < 0 ? "unset" : "%lld", (long long)v);
	return buf;
}

static void diff_jail(struct out *o, const struct vj_policy *a, const struct vj_policy *b)
{
	char p1[32], p2[32];

	onoff(o, "namespace user", a->userns, b->userns, true);
	onoff(o, "namespace pid", a->pidns, b->pidns, false);
	onoff(o, "mount proc", a->mount_proc, b->mount_proc, true);
	onoff(o, "mount sys", a->mount_sys, b->mount_sys, true);
	for (int d = 0; d < VJ_DEV__COUNT; d++) {
		bool ia = a->devices & (1u << d), ib = b->devices & (1u << d);
		if (ia != ib)
			line(o, ib ? '+' : '-', "device %s", vj_dev_info(d)->name);
	}
	for (size_t i = 0; i < b->nbinds; i++) {
		const struct vj_bind *x = &b->binds[i], *y = find_bind(a, x->dst);
		if (!y)
			line(o, '+', "bind %s %s%s%s", x->writable ? "rw" : "ro", x->src,
			     strcmp(x->src, x->dst) ? " -> " : "",
			     strcmp(x->src, x->dst) ? x->dst : "");
		else if (strcmp(x->src, y->src) != 0)
			line(o, '~', "bind %s: source %s -> %s", x->dst, y->src, x->src);
		else if (x->writable != y->writable)
			line(o, x->writable ? '+' : '-', "bind %s: %s -> %s", x->dst,
			     y->writable ? "rw" : "ro", x->writable ? "rw" : "ro");
		else if (x->optional != y->optional)
			line(o, '~', "bind %s: %s", x->dst,
			     x->optional ? "now optional" : "now required");
	}
	for (size_t i = 0; i < a->nbinds; i++)
		if (!find_bind(b, a->binds[i].dst))
			line(o, '-', "bind %s %s%s%s", a->binds[i].writable ? "rw" : "ro",
			     a->binds[i].src,
			     strcmp(a->binds[i].src, a->binds[i].dst) ? " -> " : "",
			     strcmp(a->binds[i].src, a->binds[i].dst) ? a->binds[i].dst : "");
	for (size_t i = 0; i < b->ndirs; i++) {
		size_t k;
		for (k = 0; k < a->ndirs && strcmp(a->dirs[k].path, b->dirs[i].path); k++)
			;
		if (k == a->ndirs)
			line(o, '+', "dir %s", b->dirs[i].path);
	}
	for (size_t i = 0; i < a->ndirs; i++) {
		size_t k;
		for (k = 0; k < b->ndirs && strcmp(b->dirs[k].path, a->dirs[i].path); k++)
			;
		if (k == b->ndirs)
			line(o, '-', "dir %s", a->dirs[i].path);
	}
	limit(o, "cgroup memory", a->limits.memory_max, b->limits.memory_max);
	limit(o, "cgroup memory-swap", a->limits.memory_swap_max, b->limits.memory_swap_max);
	limit(o, "cgroup pids", a->limits.pids_max, b->limits.pids_max);
	limit(o, "cgroup cpu quota (us)", a->limits.cpu_quota_us, b->limits.cpu_quota_us);
	if (a->limits.cpu_period_us != b->limits.cpu_period_us)
		line(o, '~', "cgroup cpu-period: %s -> %s", num(a->limits.cpu_period_us, p1),
		     num(b->limits.cpu_period_us, p2));
	if (a->limits.io_weight != b->limits.io_weight)
		line(o, '~', "cgroup io-weight: %s -> %s", num(a->limits.io_weight, p1),
		     num(b->limits.io_weight, p2));
	if (strcmp(a->limits.cpuset_cpus, b->limits.cpuset_cpus) != 0)
		line(o, '~', "cgroup cpuset-cpus: '%s' -> '%s'", a->limits.cpuset_cpus,
		     b->limits.cpuset_cpus);
	if (strcmp(a->limits.cpuset_mems, b->limits.cpuset_mems) != 0)
		line(o, '~', "cgroup cpuset-mems: '%s' -> '%s'", a->limits.cpuset_mems,
		     b->limits.cpuset_mems);
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		const struct vj_rlimit *x = &a->rlimits[r], *y = &b->rlimits[r];
		char what[48];
		uint64_t xa = x->set ? x->max : RLIM_INFINITY, yb = y->set ? y->max : RLIM_INFINITY;
		if (x->set == y->set && (!x->set || (x->cur == y->cur && x->max == y->max)))
			continue;
		snprintf(what, sizeof(what), "rlimit %s (hard)", vj_rlimit_name(r));
		if (xa != yb)
			limit(o, what, xa == RLIM_INFINITY ? -1 : (int64_t)xa,
			      yb == RLIM_INFINITY ? -1 : (int64_t)yb);
		else
			line(o, '~', "rlimit %s: soft limit changed", vj_rlimit_name(r));
	}
}

static bool has_port(const uint16_t *v, size_t n, uint16_t p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

static void diff_landlock(struct out *o, const struct vj_policy *a, const struct vj_policy *b)
{
	const struct vj_landlock *x = &a->landlock, *y = &b->landlock;

	for (size_t i = 0; i < y->npaths; i++) {
		size_t k;
		for (k = 0; k < x->npaths && strcmp(x->paths[k].path, y->paths[i].path); k++)
			;
		if (k == x->npaths)
			line(o, '+', "landlock path %s (rights 0x%x)", y->paths[i].path,
			     y->paths[i].rights);
		else if (x->paths[k].rights != y->paths[i].rights)
			line(o, (y->paths[i].rights & ~x->paths[k].rights) ? '+' : '-',
			     "landlock path %s: rights 0x%x -> 0x%x", y->paths[i].path,
			     x->paths[k].rights, y->paths[i].rights);
	}
	for (size_t i = 0; i < x->npaths; i++) {
		size_t k;
		for (k = 0; k < y->npaths && strcmp(y->paths[k].path, x->paths[i].path); k++)
			;
		if (k == y->npaths)
			line(o, '-', "landlock path %s", x->paths[i].path);
	}
	for (size_t i = 0; i < y->nbind_ports; i++)
		if (!has_port(x->bind_ports, x->nbind_ports, y->bind_ports[i]))
			line(o, '+', "landlock tcp-bind %u", y->bind_ports[i]);
	for (size_t i = 0; i < x->nbind_ports; i++)
		if (!has_port(y->bind_ports, y->nbind_ports, x->bind_ports[i]))
			line(o, '-', "landlock tcp-bind %u", x->bind_ports[i]);
	for (size_t i = 0; i < y->nconnect_ports; i++)
		if (!has_port(x->connect_ports, x->nconnect_ports, y->connect_ports[i]))
			line(o, '+', "landlock tcp-connect %u", y->connect_ports[i]);
	for (size_t i = 0; i < x->nconnect_ports; i++)
		if (!has_port(y->connect_ports, y->nconnect_ports, x->connect_ports[i]))
			line(o, '-', "landlock tcp-connect %u", x->connect_ports[i]);
	onoff(o, "landlock scope abstract-unix", x->scope_abstract_unix, y->scope_abstract_unix,
	      false);
	onoff(o, "landlock scope signal", x->scope_signal, y->scope_signal, false);
}

static bool same_sock(const struct vj_sockrule *x, const struct vj_sockrule *y)
{
	return x->family == y->family && x->type == y->type && x->protocol == y->protocol;
}

static bool same_net(const struct vj_netrule *x, const struct vj_netrule *y)
{
	return x->op == y->op && x->family == y->family && x->prefix == y->prefix &&
	       !memcmp(x->addr, y->addr, 16) && x->port_lo == y->port_lo &&
	       x->port_hi == y->port_hi;
}

static void diff_cgbpf(struct out *o, const struct vj_policy *a, const struct vj_policy *b)
{
	const struct vj_cgbpf *x = &a->cgbpf, *y = &b->cgbpf;
	char s[160];

	for (int pass = 0; pass < 2; pass++) {
		const struct vj_cgbpf *from = pass ? x : y, *to = pass ? y : x;
		for (size_t i = 0; i < from->nsockets; i++) {
			size_t k;
			for (k = 0;
			     k < to->nsockets && !same_sock(&to->sockets[k], &from->sockets[i]);
			     k++)
				;
			if (k == to->nsockets)
				line(o, pass ? '-' : '+', "socket allow %s",
				     view_sockrule(&from->sockets[i], s, sizeof(s)));
		}
		for (size_t i = 0; i < from->nnet; i++) {
			size_t k;
			for (k = 0; k < to->nnet && !same_net(&to->net[k], &from->net[i]); k++)
				;
			if (k == to->nnet)
				line(o, pass ? '-' : '+', "net %s",
				     view_netrule(&from->net[i], s, sizeof(s)));
		}
	}
	onoff(o, "sysctl read", x->sysctl_read, y->sysctl_read, true);
	onoff(o, "sysctl write", x->sysctl_write, y->sysctl_write, true);
}

static bool act_eq(const struct vj_action *x, const struct vj_action *y)
{
	return x->kind == y->kind && (x->kind != VJ_ACT_ERRNO || x->errnum == y->errnum);
}

/* Canonical text of one rule's conditions (sorted, so order does not count). */
static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

struct side {
	const struct view_sys *v; /* NULL: no rules, the default applies */
	char **conds;             /* canonical condition strings, sorted */
	size_t n;
};

static void side_init(struct side *s, const struct view_sys *v)
{
	s->v = v;
	s->n = 0;
	s->conds = NULL;
	if (!v)
		return;
	s->conds = calloc(v->nrules, sizeof(char *));
	if (!s->conds)
		return;
	for (size_t i = 0; i < v->nrules; i++) {
		struct vj_rule r = *v->rules[i];
		char buf[600];
		/* conditions of a rule in argument order */
		for (unsigned x = 0; x < r.ncond; x++)
			for (unsigned y = x + 1; y < r.ncond; y++)
				if (r.cond[y].arg < r.cond[x].arg) {
					struct vj_cond t = r.cond[x];
					r.cond[x] = r.cond[y];
					r.cond[y] = t;
				}
		tool_conds_str(&r, buf, sizeof(buf));
		s->conds[s->n] = strdup(r.ncond ? buf : "always");
		if (s->conds[s->n])
			s->n++;
	}
	qsort(s->conds, s->n, sizeof(char *), cmp_str);
}

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->conds[i]);
	free(s->conds);
}

static bool in_side(const struct side *s, const char *c)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->conds[i], c) == 0)
			return true;
	return false;
}

static const struct vj_action *side_act(const struct side *s, const struct vj_seccomp *sc)
{
	return s->v ? &s->v->rules[0]->action : &sc->def;
}

static void diff_syscall(struct out *o, const char *name, const struct vj_seccomp *sa,
                         const struct vj_seccomp *sb, const struct side *x, const struct side *y)
{
	const struct vj_action *aa = side_act(x, sa), *ab = side_act(y, sb);
	bool cond_a = x->v && strcmp(x->conds[0], "always") != 0;
	bool cond_b = y->v && strcmp(y->conds[0], "always") != 0;
	char b1[64], b2[64];

	if (!x->v && !y->v)
		return; /* the default line covers it */
	if (act_eq(aa, ab) && x->n == y->n && (!cond_a || act_eq(&sa->def, &sb->def))) {
		bool same = true;
		for (size_t i = 0; i < x->n && same; i++)
			same = strcmp(x->conds[i], y->conds[i]) == 0;
		if (same && (x->v != NULL) == (y->v != NULL))
			return;
	}
	if (!cond_a && !cond_b) {
		bool ma, mb;
		if (act_eq(aa, ab))
			return; /* a rule that spells out the other side's default */
		ma = view_allowish(aa), mb = view_allowish(ab);
		line(o,
		     mb && !ma   ? '+'
		     : ma && !mb ? '-'
		                 : '~',
		     "seccomp %s: %s -> %s%s", name, vj_action_name(aa, b1, sizeof(b1)),
		     vj_action_name(ab, b2, sizeof(b2)),
		     !y->v   ? " (default)"
		     : !x->v ? " (was the default)"
		             : "");
		return;
	}
	if (act_eq(aa, ab) && cond_a && cond_b && act_eq(&sa->def, &sb->def)) {
		/* Same action, different conditions: added conditions widen an
		 * allow and narrow a deny. */
		bool allow = view_allowish(aa);
		for (size_t i = 0; i < y->n; i++)
			if (!in_side(x, y->conds[i]))
				line(o, allow ? '+' : '-', "seccomp %s: %s if %s", name,
				     vj_action_name(ab, b2, sizeof(b2)), y->conds[i]);
		for (size_t i = 0; i < x->n; i++)
			if (!in_side(y, x->conds[i]))
				line(o, allow ? '-' : '+', "seccomp %s: no longer %s if %s", name,
				     vj_action_name(aa, b1, sizeof(b1)), x->conds[i]);
		return;
	}
	{
		/* One side conditional, the other not, same action and default:
		 * the unconditional side lets more through an allow. */
		char mark = '~';
		if (act_eq(aa, ab) && act_eq(&sa->def, &sb->def) && cond_a != cond_b)
			mark = view_allowish(aa) == cond_a ? '+' : '-';
		printf("%c seccomp %s:\n", mark, name);
		if (mark == '+')
			o->more++;
		else if (mark == '-')
			o->less++;
		else
			o->changed++;
	}
	for (int k = 0; k < 2; k++) {
		const struct side *s = k ? y : x;
		const struct vj_seccomp *sc = k ? sb : sa;
		const struct vj_action *act = side_act(s, sc);
		printf("    %c: ", k ? 'B' : 'A');
		if (!s->v || strcmp(s->conds[0], "always") == 0) {
			printf("%s%s\n", vj_action_name(act, b1, sizeof(b1)),
			       s->v ? "" : " (default)");
			continue;
		}
		printf("%s if ", vj_action_name(act, b1, sizeof(b1)));
		for (size_t i = 0; i < s->n; i++)
			printf("%s%s", i ? " | " : "", s->conds[i]);
		printf("; otherwise %s\n", vj_action_name(&sc->def, b2, sizeof(b2)));
	}
}

static void diff_seccomp(struct out *o, const struct vj_policy *a, const struct vj_policy *b)
{
	size_t na, nb;
	struct view_sys *va = view_syscalls(&a->seccomp, &na),
	                *vb = view_syscalls(&b->seccomp, &nb);
	char b1[64], b2[64];

	if (!va || !vb) {
		fprintf(stderr, "vmjail-policy diff: out of memory\n");
		goto out;
	}
	if (!act_eq(&a->seccomp.def, &b->seccomp.def)) {
		bool ma = view_allowish(&a->seccomp.def), mb = view_allowish(&b->seccomp.def);
		line(o,
		     mb && !ma   ? '+'
		     : ma && !mb ? '-'
		                 : '~',
		     "seccomp default: %s -> %s", vj_action_name(&a->seccomp.def, b1, sizeof(b1)),
		     vj_action_name(&b->seccomp.def, b2, sizeof(b2)));
	}
	for (int nr = 0; nr < VJ_SYSCALL_NR_MAX; nr++) {
		const struct view_sys *x = view_find(va, na, nr), *y = view_find(vb, nb, nr);
		struct side sx, sy;
		char name[64];
		if (!x && !y)
			continue;
		if (!vj_syscall_name(nr, name, sizeof(name)))
			snprintf(name, sizeof(name), "%d", nr);
		side_init(&sx, x);
		side_init(&sy, y);
		if ((!x || sx.n) && (!y || sy.n))
			diff_syscall(o, name, &a->seccomp, &b->seccomp, &sx, &sy);
		side_free(&sx);
		side_free(&sy);
	}
out:
	view_syscalls_free(va, na);
	view_syscalls_free(vb, nb);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct vj_policy *a = NULL, *b = NULL;
	struct out o = {0};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		return tool_usage_error("diff", "bad option");
	}
	if (argc - optind != 2)
		return tool_usage_error("diff", "expected two FILEs");
	rc = tool_load(argv[optind], &a, NULL, false);
	if (!rc)
		rc = tool_load(argv[optind + 1], &b, NULL, false);
	if (rc) {
		vj_policy_free(a);
		return rc;
	}
	printf("--- %s\n+++ %s\n", argv[optind], argv[optind + 1]);
	diff_layers(&o, a, b);
	diff_jail(&o, a, b);
	diff_landlock(&o, a, b);
	diff_cgbpf(&o, a, b);
	diff_seccomp(&o, a, b);
	if (o.more + o.less + o.changed == 0)
		printf("same meaning\n");
	else
		printf("%u difference%s: %u allow more in B, %u allow less, %u changed\n",
		       o.more + o.less + o.changed, o.more + o.less + o.changed == 1 ? "" : "s",
		       o.more, o.less, o.changed);
	vj_policy_free(a);
	vj_policy_free(b);
	return o.more + o.less + o.changed ? EXIT_FINDINGS : EXIT_OK;
}
