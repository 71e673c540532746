// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy import-firecracker: Firecracker's seccompiler JSON (a filter
 * per thread category: default_action, filter_action, filter[] of
 * {syscall, args[{index, type, op, val}]}) as policy text.
 *
 * Meaning, as Firecracker's seccompiler gives it to libseccomp: a call that
 * matches any rule of the thread's filter gets filter_action, any other call
 * default_action; a rule matches when all its conditions hold.  `eq` on a
 * dword compares the low 32 bits ((arg & 0xffffffff) == val), on a qword all
 * 64; every other operator compares all 64 bits whatever the type;
 * masked_eq(m) is (arg & m) == val.  vmjail has one filter for the whole
 * process, so the default --thread all merges the threads (a call allowed to
 * one thread is allowed to all, which a note says).  Firecracker still
 * installs its own per-thread filters on top (policies/README.md, "How the
 * filters stack").  Nothing is written unless the whole file is understood.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/lang/policy.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/import.h"
#include "policies/tool/json.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy import-firecracker [--thread NAME|all] [--name NAME] FILE\n"
    "\n"
    "Convert Firecracker's seccomp filters (seccompiler JSON, e.g.\n"
    "resources/seccomp/x86_64-unknown-linux-musl.json; '-' for stdin) into\n"
    "vmjail policy text on stdout.  Actions: allow, trap, kill_thread,\n"
    "kill_process, log, {\"errno\": N}; {\"trace\": N} has no tracer under\n"
    "vmjail and becomes errno ENOSYS (what the kernel answers without one).\n"
    "Conditions the language cannot say are rewritten exactly where possible,\n"
    "otherwise the rule is dropped (allow) or made unconditional (refusal),\n"
    "with a note.  execve is added when the filter lacks it (the VMM is\n"
    "started under vmjail's filter), with layer exec-once.\n"
    "\n"
    "  --thread NAME  one thread category (vmm, api, vcpu...) or all (default):\n"
    "                 their union, since vmjail filters the whole process\n"
    "  --name NAME    the policy's name (default: firecracker)\n"
    "\n" EXIT_CODES_HELP;

struct fc {
	const char *file;
	struct imp im;
	struct vj_action fact; /* filter_action of the threads read so far */
	bool have_act, trace_note;
};

/* "FILE:line:col: error: ..." with what (from the input) escaped into %s */
static int fail(const struct fc *f, const struct json *at, const char *fmt, const char *what)
{
	return imp_error(f->file, at ? at->line : 1, at ? at->col : 1, fmt, what,
	                 what ? strlen(what) : 0);
}

static bool act_of(struct fc *f, const struct json *j, struct vj_action *a)
{
	static const struct {
		const char *s;
		enum vj_act k;
	} simple[] = {{"allow", VJ_ACT_ALLOW},
	              {"trap", VJ_ACT_TRAP},
	              {"kill_thread", VJ_ACT_KILL_THREAD},
	              {"kill_process", VJ_ACT_KILL_PROCESS},
	              {"kill", VJ_ACT_KILL_PROCESS},
	              {"log", VJ_ACT_LOG}};
	uint64_t n;

	memset(a, 0, sizeof(*a));
	if (j && j->type == JSON_STRING) {
		for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
			if (strcmp(j->s, simple[i].s) == 0) {
				a->kind = simple[i].k;
				return true;
			}
		return false;
	}
	if (!j || j->type != JSON_OBJECT || j->n != 1)
		return false;
	if (json_u64(json_get(j, "errno"), &n) && n >= 1 && n <= 4095) {
		a->kind = VJ_ACT_ERRNO;
		a->errnum = (int)n;
		return true;
	}
	if (json_u64(json_get(j, "trace"), &n) && n <= 0xffff) {
		/* SECCOMP_RET_TRACE with no tracer: the kernel answers ENOSYS. */
		a->kind = VJ_ACT_ERRNO;
		a->errnum = 38;
		f->trace_note = true;
		return true;
	}
	return false;
}

/* One condition; false with *never when it can never hold. */
static int cond_of(struct fc *f, struct irule *r, const struct json *a)
{
	static const struct {
		const char *s;
		enum vj_op op;
	} ops[] = {{"eq", VJ_OP_EQ}, {"ne", VJ_OP_NE}, {"lt", VJ_OP_LT},
	           {"le", VJ_OP_LE}, {"gt", VJ_OP_GT}, {"ge", VJ_OP_GE}};
	const struct json *op = json_get(a, "op"), *ty = json_get(a, "type");
	uint64_t idx, val, mask = 0;
	struct cond *c = &r->c[r->nc];
	bool dword;
	size_t k;

	if (!a || a->type != JSON_OBJECT)
		return fail(f, a, "a condition is not an object%s", NULL);
	if (!json_u64(json_get(a, "index"), &idx) || idx > 5)
		return fail(f, a, "index: a number 0..5 is required%s", NULL);
	if (!json_u64(json_get(a, "val"), &val))
		return fail(f, a, "val: an unsigned 64-bit number is required%s", NULL);
	if (!ty || ty->type != JSON_STRING ||
	    (strcmp(ty->s, "dword") != 0 && strcmp(ty->s, "qword") != 0))
		return fail(f, ty ? ty : a, "type: dword or qword is required%s", NULL);
	dword = strcmp(ty->s, "dword") == 0;
	if (op && op->type == JSON_STRING) {
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (strcmp(op->s, ops[k].s) == 0)
				break;
		if (k == sizeof(ops) / sizeof(ops[0]))
			return fail(f, op, "op: unknown operator '%s'", op->s);
		c->op = ops[k].op;
	} else if (op && op->type == JSON_OBJECT && op->n == 1 &&
	           json_u64(json_get(op, "masked_eq"), &mask)) {
		c->op = VJ_OP_MASKED_EQ;
	} else {
		return fail(f, op ? op : a, "op: eq ne lt le gt ge or {\"masked_eq\": MASK}%s",
		            NULL);
	}
	if (r->nc == VJ_MAX_CONDS)
		return fail(f, a, "more than 6 conditions in one rule%s", NULL);
	c->arg = (unsigned)idx;
	c->value = val;
	c->mask = mask;
	r->nc++;
	if (c->op == VJ_OP_MASKED_EQ && (val & ~mask))
		r->why = "val has bits outside the mask, the rule never matches";
	else if (c->op == VJ_OP_EQ && dword && (val >> 32))
		r->why = "a dword eq with a value above 32 bits never matches";
	else if (c->op == VJ_OP_EQ && dword && !((vj_syscall_arg32_mask(r->name) >> idx) & 1)) {
		/* the low 32 bits of a 64-bit argument: a masked comparison */
		c->op = VJ_OP_MASKED_EQ;
		c->mask = 0xffffffffu;
	}
	return 0;
}

static int rule_of(struct fc *f, const char *thread, size_t i, const struct json *ent,
                   const struct vj_action *act)
{
	const struct json *sc = json_get(ent, "syscall"), *args = json_get(ent, "args");
	struct irule r = {0};

	if (!ent || ent->type != JSON_OBJECT)
		return fail(f, ent, "%s: a filter entry is not an object", thread);
	if (!sc || sc->type != JSON_STRING)
		return fail(f, ent, "%s: a filter entry without a syscall name", thread);
	if (args && args->type != JSON_ARRAY && args->type != JSON_NULL)
		return fail(f, args, "%s: args is not an array", thread);
	snprintf(r.origin, sizeof(r.origin), "%s.filter[%zu]", thread, i);
	r.act = *act;
	if (!imp_name_ok(sc->s) || (r.nr = vj_syscall_nr(sc->s)) < 0) {
		/* the call falls to the default (stricter), and a note says so */
		vj_escape(r.name, sizeof(r.name), sc->s, strlen(sc->s));
		r.dead = true;
		r.why = "not an x86_64 syscall";
		return imp_add(&f->im, &r) < 0 ? fail(f, ent, "too many rules%s", NULL) : 0;
	}
	snprintf(r.name, sizeof(r.name), "%s", sc->s);
	for (size_t k = 0; args && args->type == JSON_ARRAY && k < args->n; k++)
		if (cond_of(f, &r, args->items[k]) < 0)
			return -1;
	if (r.why)
		r.dead = true;
	else
		imp_fold32(&r);
	if (imp_add(&f->im, &r) < 0)
		return fail(f, ent, "too many rules%s", NULL);
	return 0;
}

static bool thread_name_ok(const char *s)
{
	size_t l = strlen(s);

	if (l == 0 || l > 32)
		return false;
	for (size_t i = 0; i < l; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", s[i]))
			return false;
	return true;
}

static int thread_of(struct fc *f, const char *name, const struct json *t)
{
	const struct json *da = json_get(t, "default_action"), *fa = json_get(t, "filter_action"),
	                  *flt = json_get(t, "filter");
	struct vj_action d, a;

	if (!thread_name_ok(name))
		return fail(f, t, "thread name '%s' is not 1 to 32 of [a-z0-9_-]", name);
	if (!t || t->type != JSON_OBJECT)
		return fail(f, t, "thread '%s' is not an object", name);
	/* seccompiler's later spelling */
	if (!da)
		da = json_get(t, "mismatch_action");
	if (!fa)
		fa = json_get(t, "match_action");
	if (!act_of(f, da, &d))
		return fail(f, da ? da : t, "%s: missing or unknown default_action", name);
	if (!act_of(f, fa, &a))
		return fail(f, fa ? fa : t, "%s: missing or unknown filter_action", name);
	if (!flt || flt->type != JSON_ARRAY)
		return fail(f, flt ? flt : t, "%s: filter is not an array", name);
	if (f->have_act && (!imp_act_eq(&d, &f->im.def) || !imp_act_eq(&a, &f->fact)))
		return fail(f, t,
		            "%s: its actions differ from the other threads', which one filter "
		            "cannot merge: import one thread with --thread",
		            name);
	f->im.def = d;
	f->fact = a;
	f->have_act = true;
	for (size_t i = 0; i < flt->n; i++)
		if (rule_of(f, name, i, flt->items[i], &a) < 0)
			return -1;
	return 0;
}

int cmd_import_firecracker(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"thread", required_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *name = "firecracker", *thread = "all";
	struct fc f = {0};
	struct json *root = NULL;
	struct json_err jerr = {0};
	char *buf = NULL, e[80];
	size_t len;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 't':
			thread = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("import-firecracker", "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("import-firecracker", "expected one FILE");
	if (!imp_policy_name_ok(name))
		return tool_usage_error("import-firecracker",
		                        "--name is 1 to 63 of [A-Za-z0-9._-]");
	if (strcmp(thread, "all") != 0 && !thread_name_ok(thread))
		return tool_usage_error("import-firecracker",
		                        "--thread is all or 1 to 32 of [a-z0-9_-]");
	f.file = argv[optind];
	rc = tool_read_all(f.file, 16u << 20, &buf, &len);
	if (rc)
		return rc;
	rc = EXIT_FINDINGS;
	if (json_parse(buf, len, &root, &jerr) < 0) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", f.file, jerr.line, jerr.col, jerr.msg);
		goto out;
	}
	if (root->type != JSON_OBJECT || root->n == 0) {
		fail(&f, root, "the top level is not an object of thread filters%s", NULL);
		goto out;
	}
	if (strcmp(thread, "all") == 0) {
		for (size_t i = 0; i < root->n; i++)
			if (thread_of(&f, root->keys[i], root->items[i]) < 0)
				goto out;
	} else if (!json_get(root, thread)) {
		fail(&f, root, "no thread '%s' in the file", thread);
		goto out;
	} else if (thread_of(&f, thread, json_get(root, thread)) < 0) {
		goto out;
	}
	/* Understood: from here on only output. */
	printf("# Imported by vmjail-policy import-firecracker (seccompiler JSON), thread%s ",
	       strcmp(thread, "all") == 0 && root->n > 1 ? "s" : "");
	for (size_t i = 0, first = 1; i < root->n; i++) {
		if (strcmp(thread, "all") != 0 && strcmp(thread, root->keys[i]) != 0)
			continue;
		vj_escape(e, sizeof(e), root->keys[i], strlen(root->keys[i]));
		printf("%s%s", first ? "" : ", ", e);
		first = 0;
	}
	printf(".  Review before use.\n# The JSON names no architecture: its syscall names and "
	       "arguments are read as x86_64's\n# (Firecracker's "
	       "x86_64-unknown-linux-musl.json).\n");
	if (strcmp(thread, "all") == 0 && root->n > 1)
		printf("# Threads merged: any thread may make a call any one of them may (vmjail "
		       "filters the\n# whole process; Firecracker's own per-thread filters still "
		       "narrow each thread).\n");
	if (f.trace_note)
		printf("# trace has no tracer under vmjail: imported as errno ENOSYS, what the "
		       "kernel answers\n");
	imp_print_dropped(&f.im);
	imp_tidy(&f.im);
	imp_allow_exec(&f.im);
	imp_print(&f.im, name);
	rc = EXIT_OK;
out:
	free(f.im.r);
	json_free(root);
	free(buf);
	return rc;
}
