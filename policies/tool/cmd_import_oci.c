// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy import-oci: a Docker/OCI seccomp profile (JSON) as policy
 * text.  The profile's model is richer than the language in two ways, and
 * both are resolved deterministically and in the fail-closed direction, with
 * a comment in the output for every decision:
 *   - several actions for one syscall: the most restrictive group is kept
 *     (the others fall to the default);
 *   - conditions the language refuses (ordering or != on 32-bit arguments,
 *     one argument twice): an allow rule on one 32-bit argument is
 *     rewritten exactly as `in {...}` of the values it admits when they are
 *     few (socket families up to AF_MAX, or at most 256 values); otherwise
 *     an allow rule is dropped and a deny rule becomes unconditional.
 * Entries for other architectures, entries that need a capability (the VMM
 * has none) and names x86_64 does not have are skipped with a comment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/import.h"
#include "policies/tool/json.h"
#include "policies/tool/tool.h"
#include "policies/tool/view.h"

static const char help[] =
    "usage: vmjail-policy import-oci [--name NAME] FILE\n"
    "\n"
    "Convert a Docker/OCI seccomp profile (JSON; '-' for stdin) into vmjail\n"
    "policy text on stdout: defaultAction/defaultErrnoRet, syscalls[] with\n"
    "names, action, errnoRet, args {index, value, valueTwo, op} and\n"
    "includes/excludes (arches: x86_64 entries are kept; caps: the VMM is\n"
    "assumed to hold none; minKernel: assumed met).  Decisions the language\n"
    "forces (mixed actions for one syscall, conditions it cannot express)\n"
    "are made in the fail-closed direction and explained in comments.\n"
    "Docker's own profile is profiles/seccomp/default.json in the moby\n"
    "repository.\n"
    "\n"
    "  --name NAME  the policy's name (default: oci)\n"
    "\n" EXIT_CODES_HELP;

static bool parse_action(const char *s, const struct json *errno_ret, struct vj_action *a,
                         const char **note)
{
	uint64_t e = 1;

	*note = NULL;
	memset(a, 0, sizeof(*a));
	if (errno_ret && (!json_u64(errno_ret, &e) || e < 1 || e > 4095))
		return false;
	if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
		a->kind = VJ_ACT_ALLOW;
	else if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
		a->kind = VJ_ACT_ERRNO, a->errnum = (int)e;
	else if (strcmp(s, "SCMP_ACT_KILL") == 0 || strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
		a->kind = VJ_ACT_KILL_THREAD;
	else if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
		a->kind = VJ_ACT_KILL_PROCESS;
	else if (strcmp(s, "SCMP_ACT_TRAP") == 0)
		a->kind = VJ_ACT_TRAP;
	else if (strcmp(s, "SCMP_ACT_LOG") == 0)
		a->kind = VJ_ACT_LOG;
	else if (strcmp(s, "SCMP_ACT_NOTIFY") == 0) {
		/* No listener answers under vmjail either (see validate.c). */
		a->kind = VJ_ACT_ERRNO, a->errnum = 38;
		*note = "SCMP_ACT_NOTIFY has no listener under vmjail: imported as errno ENOSYS";
	} else if (strcmp(s, "SCMP_ACT_TRACE") == 0) {
		/* Without a tracer the kernel answers ENOSYS. */
		a->kind = VJ_ACT_ERRNO, a->errnum = 38;
		*note = "SCMP_ACT_TRACE has no tracer under vmjail: imported as errno ENOSYS";
	} else
		return false;
	return true;
}

static bool str_in(const struct json *arr, const char *const *want)
{
	if (!arr || arr->type != JSON_ARRAY)
		return false;
	for (size_t i = 0; i < arr->n; i++)
		for (size_t k = 0; want[k]; k++)
			if (arr->items[i]->type == JSON_STRING &&
			    strcmp(arr->items[i]->s, want[k]) == 0)
				return true;
	return false;
}

static bool nonempty(const struct json *arr)
{
	return arr && arr->type == JSON_ARRAY && arr->n > 0;
}

/* Does an entry apply to x86_64 with no capabilities? */
static bool applies(struct imp *im, const struct json *ent)
{
	static const char *const x86[] = {"amd64", "x86_64", "SCMP_ARCH_X86_64", NULL};
	const struct json *inc = json_get(ent, "includes"), *exc = json_get(ent, "excludes");

	if (nonempty(json_get(inc, "arches")) && !str_in(json_get(inc, "arches"), x86)) {
		im->skipped_arch++;
		return false;
	}
	if (str_in(json_get(exc, "arches"), x86)) {
		im->skipped_arch++;
		return false;
	}
	if (nonempty(json_get(inc, "caps"))) {
		im->skipped_caps++;
		return false;
	}
	return true;
}

static int parse_args(const struct json *args, struct cond *c, unsigned *nc)
{
	static const struct {
		const char *name;
		enum vj_op op;
	} ops[] = {{"SCMP_CMP_EQ", VJ_OP_EQ},
	           {"SCMP_CMP_NE", VJ_OP_NE},
	           {"SCMP_CMP_LT", VJ_OP_LT},
	           {"SCMP_CMP_LE", VJ_OP_LE},
	           {"SCMP_CMP_GT", VJ_OP_GT},
	           {"SCMP_CMP_GE", VJ_OP_GE},
	           {"SCMP_CMP_MASKED_EQ", VJ_OP_MASKED_EQ}};

	*nc = 0;
	if (!args || args->type == JSON_NULL)
		return 0;
	if (args->type != JSON_ARRAY || args->n > VJ_MAX_CONDS)
		return -1;
	for (size_t i = 0; i < args->n; i++) {
		const struct json *a = args->items[i], *op = json_get(a, "op");
		uint64_t idx, v, v2 = 0;
		size_t k;
		if (!json_u64(json_get(a, "index"), &idx) || idx > 5 ||
		    !json_u64(json_get(a, "value"), &v) || !op || op->type != JSON_STRING)
			return -1;
		if (json_get(a, "valueTwo") && !json_u64(json_get(a, "valueTwo"), &v2))
			return -1;
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (strcmp(op->s, ops[k].name) == 0)
				break;
		if (k == sizeof(ops) / sizeof(ops[0]))
			return -1;
		c[*nc].arg = (unsigned)idx;
		c[*nc].op = ops[k].op;
		/* libseccomp's masked compare: value is the mask, valueTwo the datum */
		if (ops[k].op == VJ_OP_MASKED_EQ) {
			c[*nc].mask = v;
			c[*nc].value = v2 & v;
		} else {
			c[*nc].value = v;
			c[*nc].mask = 0;
		}
		(*nc)++;
	}
	return 0;
}

/* Does a live allow-ish rule of syscall group [i, j) admit these args? */
static const struct irule *admits(const struct imp *im, size_t i, size_t j, const uint64_t *args)
{
	for (size_t k = i; k < j; k++) {
		const struct irule *r = &im->r[k];
		unsigned c;
		if (r->dead || !view_allowish(&r->act))
			continue;
		for (c = 0; c < r->nc; c++)
			if (!imp_cond_holds(&r->c[c], args[r->c[c].arg]))
				break;
		if (c == r->nc && !(r->enumerated && args[r->c[0].arg] >= imp_enum_bound(r)))
			return r;
	}
	return NULL;
}

/* A deny rule whose conditions are all == says one call: its witness. */
static bool witness(const struct irule *r, uint64_t *args)
{
	memset(args, 0, 6 * sizeof(*args));
	for (unsigned c = 0; c < r->nc; c++) {
		if (r->c[c].op != VJ_OP_EQ)
			return false;
		args[r->c[c].arg] = r->c[c].value;
	}
	return r->nc > 0;
}

/*
 * vmjail's floor: whatever the profile says, an imported policy never gives
 * a VMM a user namespace (clone/unshare with CLONE_NEWUSER or any namespace
 * flag, clone3 whose flags seccomp cannot read, setns) or an AF_VSOCK socket
 * (the host's own vsock services).  Container profiles allow some of these
 * for containers (containers/common allows clone, unshare and clone3
 * unconditionally); a jailed VMM needs none.  Each change is a comment.
 */
static void vmjail_floor(struct imp *im)
{
	uint64_t vsock = AF_VSOCK, ns = 0, v;
	static const char *const nsflags[] = {
	    "CLONE_NEWUSER", "CLONE_NEWNS",  "CLONE_NEWPID",    "CLONE_NEWNET",
	    "CLONE_NEWIPC",  "CLONE_NEWUTS", "CLONE_NEWCGROUP", NULL};

	for (size_t i = 0; nsflags[i]; i++)
		if (vj_const_lookup(nsflags[i], &v))
			ns |= v;
	for (size_t i = 0; i < im->n; i++) {
		struct irule *r = &im->r[i];
		if (r->dead || !view_allowish(&r->act))
			continue;
		if ((strcmp(r->name, "clone") == 0 || strcmp(r->name, "unshare") == 0) &&
		    r->nc < VJ_MAX_CONDS) {
			bool has = false;
			for (unsigned c = 0; c < r->nc; c++)
				has =
				    has || (r->c[c].arg == 0 && r->c[c].op == VJ_OP_MASKED_EQ &&
				            (r->c[c].mask & ns) == ns && (r->c[c].value & ns) == 0);
			if (has)
				continue;
			bool other0 = false;
			for (unsigned c = 0; c < r->nc; c++)
				other0 = other0 || r->c[c].arg == 0;
			if (other0) {
				/* one condition per argument: the floor cannot be added to
				 * the profile's own test of the flags, so the rule goes */
				r->dead = true;
				printf("# vmjail floor: %s refused (the profile tests its flags "
				       "otherwise, and the namespace flags cannot be added)\n",
				       r->name);
				continue;
			}
			r->c[r->nc++] = (struct cond){.arg = 0, .op = VJ_OP_MASKED_EQ, .mask = ns};
			printf(
			    "# vmjail floor: %s only without namespace flags (the profile allows "
			    "more)\n",
			    r->name);
		} else if (strcmp(r->name, "clone3") == 0 || strcmp(r->name, "setns") == 0) {
			bool c3 = strcmp(r->name, "clone3") == 0;
			r->act = (struct vj_action){.kind = VJ_ACT_ERRNO, .errnum = c3 ? 38 : 1};
			r->nc = 0;
			r->dead = imp_act_eq(&r->act, &im->def); /* the default says it already */
			printf("# vmjail floor: %s refused (%s; the profile allows it)\n", r->name,
			       c3 ? "its flags are out of seccomp's sight; ENOSYS, libc falls back "
			            "to clone"
			          : "no joining other namespaces; EPERM");
		} else if (strcmp(r->name, "socket") == 0 || strcmp(r->name, "socketpair") == 0) {
			uint64_t w[6] = {vsock, 0, 0, 0, 0, 0};
			if (r->enumerated) {
				uint64_t lo, hi;
				if (!imp_enum_range(r, &lo, &hi) || vsock < lo || vsock >= hi ||
				    !imp_cond_holds(&r->c[0], vsock))
					continue; /* admits no AF_VSOCK anyway */
				r->no_vsock = true;
			} else if (!r->nc) {
				r->c[0] = (struct cond){.arg = 0, .op = VJ_OP_NE, .value = vsock};
				r->nc = 1;
				r->enumerated = true;
			} else if (r->nc == 1 && r->c[0].arg == 0 &&
			           imp_cond_holds(&r->c[0], w[0])) {
				r->dead = true;
			} else {
				continue;
			}
			printf(
			    "# vmjail floor: %s never for AF_VSOCK (the host's vsock services; the "
			    "profile allows it)\n",
			    r->name);
		}
	}
}

/* Per syscall: one action, no duplicates, unconditional wins. */
static void resolve(struct imp *im)
{
	char a[64], b[64], conds[4096];

	if (im->n)
		qsort(im->r, im->n, sizeof(im->r[0]), imp_cmp_rules);
	for (size_t i = 0; i < im->n;) {
		size_t j = i, k;
		const struct vj_action *keep;
		while (j < im->n && strcmp(im->r[j].name, im->r[i].name) == 0)
			j++;
		/* Sorted by action kind: im->r[i] has the most restrictive.  When the
		 * restrictive rules each name one exact call (containers/common:
		 * socket errno EINVAL if AF_NETLINK and NETLINK_AUDIT) and the
		 * allow rules are around them, the profile means "allow all but
		 * those": keep the allow rules and let the exact calls fall to the
		 * default (a refusal too), checked below call by call. */
		keep = &im->r[i].act;
		bool allow_wins = false;
		if (!view_allowish(keep)) {
			bool exact = true, allows = false;
			uint64_t w[6];
			for (k = i; k < j; k++) {
				if (view_allowish(&im->r[k].act))
					allows = allows || im->r[k].nc;
				else if (!witness(&im->r[k], w))
					exact = false;
			}
			allow_wins = exact && allows;
		}
		for (k = i; k < j; k++) {
			if (allow_wins ? view_allowish(&im->r[k].act)
			               : imp_act_eq(&im->r[k].act, keep))
				continue;
			if (allow_wins && !view_allowish(&im->r[k].act)) {
				im->r[k].refused = true;
				printf(
				    "# conflict: %s %s if %s: that call falls to the default "
				    "instead "
				    "(the language gives one syscall one action; the allow rules "
				    "around it are kept, as the profile means)\n",
				    vj_action_name(&im->r[k].act, b, sizeof(b)), im->r[k].name,
				    imp_rule_text(&im->r[k], conds, sizeof(conds)));
				im->r[k].dead = true;
				continue;
			}
			im->r[k].dead = true;
			printf("# conflict: %s has rules with %s and %s; kept %s (the more "
			       "restrictive), dropped: %s%s%s\n",
			       im->r[k].name, vj_action_name(keep, a, sizeof(a)),
			       vj_action_name(&im->r[k].act, b, sizeof(b)), a, b,
			       im->r[k].nc ? " if " : "",
			       imp_rule_text(&im->r[k], conds, sizeof(conds)));
		}
		if (allow_wins)
			keep = &im->r[j - 1].act;
		for (k = i; k < j; k++)
			imp_fit(&im->r[k]);
		for (k = i; k < j; k++) {
			if (im->r[k].dead || im->r[k].nc)
				continue;
			/* an unconditional rule: every other rule of the syscall is moot */
			for (size_t m = i; m < j; m++) {
				if (m == k || im->r[m].dead)
					continue;
				if (im->r[m].nc)
					printf(
					    "# %s: conditional rule dropped, an unconditional %s "
					    "rule covers it\n",
					    im->r[m].name, vj_action_name(keep, a, sizeof(a)));
				im->r[m].dead = true;
			}
			break;
		}
		/* A refused call must stay refused: an allow rule that admits it
		 * (after the rewrites above) goes too, fail closed. */
		for (k = i; k < j; k++) {
			uint64_t w[6];
			const struct irule *r;
			if (!im->r[k].refused || !witness(&im->r[k], w))
				continue;
			while ((r = admits(im, i, j, w))) {
				printf(
				    "# %s %s%s%s: dropped, it admits a call the profile refuses\n",
				    vj_action_name(&r->act, a, sizeof(a)), r->name,
				    r->nc ? " if " : "", imp_rule_text(r, conds, sizeof(conds)));
				((struct irule *)r)->dead = true;
			}
		}
		for (k = i; k < j; k++)
			for (size_t m = i; m < k; m++)
				if (!im->r[k].dead && !im->r[m].dead &&
				    imp_same_conds(&im->r[k], &im->r[m]))
					im->r[k].dead = true;
		for (k = i; k < j; k++)
			if (!im->r[k].dead && imp_act_eq(&im->r[k].act, &im->def))
				im->r[k].dead = true; /* says what the default says */
		i = j;
	}
}

int cmd_import_oci(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *name = "oci", *note;
	char *buf = NULL;
	size_t len;
	struct json *root = NULL;
	struct json_err jerr = {0};
	const struct json *da, *scs;
	struct imp im = {0};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("import-oci", "bad option");
		}
	}
	if (argc - optind != 1)
		return tool_usage_error("import-oci", "expected one FILE");
	if (!imp_policy_name_ok(name))
		return tool_usage_error("import-oci", "--name is 1 to 63 of [A-Za-z0-9._-]");
	rc = tool_read_all(argv[optind], 16u << 20, &buf, &len);
	if (rc)
		return rc;
	if (json_parse(buf, len, &root, &jerr) < 0) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", argv[optind], jerr.line, jerr.col,
		        jerr.msg);
		free(buf);
		return EXIT_FINDINGS;
	}
	rc = EXIT_FINDINGS;
	da = json_get(root, "defaultAction");
	if (!da || da->type != JSON_STRING ||
	    !parse_action(da->s, json_get(root, "defaultErrnoRet"), &im.def, &note)) {
		fprintf(stderr, "%s: error: missing or unknown defaultAction/defaultErrnoRet\n",
		        argv[optind]);
		goto out;
	}
	{
		/* A profile for other architectures only is refused, not imported
		 * as if it were for x86_64 (its numbers and arguments differ). */
		static const char *const x86_64[] = {"SCMP_ARCH_X86_64", NULL};
		const struct json *arches = json_get(root, "architectures"),
		                  *map = json_get(root, "archMap");
		bool listed = false, has = str_in(arches, x86_64);
		listed = arches && arches->type == JSON_ARRAY && arches->n;
		if (map && map->type == JSON_ARRAY)
			for (size_t i = 0; i < map->n; i++) {
				const struct json *arch = json_get(map->items[i], "architecture");
				listed = true;
				if (arch && arch->type == JSON_STRING &&
				    strcmp(arch->s, x86_64[0]) == 0)
					has = true;
			}
		if (listed && !has) {
			fprintf(stderr,
			        "%s: error: the profile names its architectures and x86_64 is not "
			        "among them: vmjail's filters are for x86_64 (every other "
			        "architecture is killed), so it cannot be imported\n",
			        argv[optind]);
			goto out;
		}
	}
	scs = json_get(root, "syscalls");
	if (scs && scs->type != JSON_ARRAY && scs->type != JSON_NULL) {
		fprintf(stderr, "%s: error: syscalls is not an array\n", argv[optind]);
		goto out;
	}
	printf("# Imported by vmjail-policy import-oci; for x86_64, with no capabilities,\n"
	       "# minKernel conditions assumed met.  Review before use.\n");
	if (note)
		printf("# default: %s\n", note);
	for (size_t i = 0; scs && i < scs->n; i++) {
		const struct json *ent = scs->items[i], *names = json_get(ent, "names"),
		                  *act = json_get(ent, "action"), *one = json_get(ent, "name");
		struct irule r = {0};
		if (!act || act->type != JSON_STRING ||
		    !parse_action(act->s, json_get(ent, "errnoRet"), &r.act, &note)) {
			fprintf(stderr,
			        "%s:%u:%u: error: syscalls[%zu]: missing or unknown action\n",
			        argv[optind], ent->line, ent->col, i);
			goto out;
		}
		if (parse_args(json_get(ent, "args"), r.c, &r.nc) < 0) {
			fprintf(stderr, "%s:%u:%u: error: syscalls[%zu]: bad args\n", argv[optind],
			        ent->line, ent->col, i);
			goto out;
		}
		if (!applies(&im, ent))
			continue;
		if (note)
			printf("# syscalls[%zu]: %s\n", i, note);
		if ((!names || names->type != JSON_ARRAY) && (!one || one->type != JSON_STRING)) {
			fprintf(stderr, "%s:%u:%u: error: syscalls[%zu]: no names\n", argv[optind],
			        ent->line, ent->col, i);
			goto out;
		}
		for (size_t k = 0; k < (names && names->type == JSON_ARRAY ? names->n : 1); k++) {
			const struct json *nm =
			    names && names->type == JSON_ARRAY ? names->items[k] : one;
			if (nm->type != JSON_STRING) {
				fprintf(stderr,
				        "%s: error: syscalls[%zu]: a name is not a string\n",
				        argv[optind], i);
				goto out;
			}
			if (!imp_name_ok(nm->s) || (r.nr = vj_syscall_nr(nm->s)) < 0) {
				imp_skipped(nm->s, "is not an x86_64 syscall");
				continue;
			}
			snprintf(r.name, sizeof(r.name), "%s", nm->s);
			if (imp_add(&im, &r) < 0) {
				fprintf(stderr, "%s: error: too many rules\n", argv[optind]);
				goto out;
			}
		}
	}
	if (im.skipped_arch)
		printf("# skipped %u entries for other architectures\n", im.skipped_arch);
	if (im.skipped_caps)
		printf("# skipped %u entries that need a capability\n", im.skipped_caps);
	resolve(&im);
	vmjail_floor(&im);
	imp_print(&im, name);
	rc = EXIT_OK;
out:
	free(im.r);
	json_free(root);
	free(buf);
	return rc;
}
