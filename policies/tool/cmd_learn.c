// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy learn: the seccomp allow lines a run needed, from the
 * seccomp records of a vmjail audit log (JSON lines, audit/SCHEMA.md).  Run a
 * VMM under a policy whose default is `log`, then feed its log here.
 *
 * The syscall number is the truth; a name in the record that disagrees with
 * it is reported and ignored (the record comes from a jail and may lie).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/json.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy learn [--all] LOG...\n"
    "\n"
    "Read vmjail audit logs (JSON lines; '-' for stdin) and print, sorted and\n"
    "without duplicates, the `seccomp allow` lines for every x86_64 syscall\n"
    "that seccomp logged (enforcer \"seccomp\", action \"log\").  ioctl gets\n"
    "`if arg1 in {...}` with the requests seen, by name, when every ioctl\n"
    "record carries its request.\n"
    "\n"
    "  --all   also learn from denied and killed calls (action deny, errno,\n"
    "          kill, trap): what the VMM tried, not only what it ran\n"
    "\n"
    "Exit status: 0 ok, 1 some lines were not valid records (they are listed\n"
    "on stderr and skipped), 2 usage, 3 I/O error.\n";

#define MAX_IOCTLS 4096
#define MAX_LINE   (1u << 20)

struct learn {
	bool seen[VJ_SYSCALL_NR_MAX];
	uint64_t ioctls[MAX_IOCTLS];
	size_t nioctls;
	bool ioctl_unknown; /* an ioctl record without its request */
	unsigned records, bad, foreign;
	bool all;
};

static const struct json *field(const struct json *root, const char *obj, const char *key)
{
	const struct json *o = json_get(root, obj), *v = json_get(o, key);

	return v ? v : json_get(root, key);
}

static const char *str(const struct json *j)
{
	return j && j->type == JSON_STRING ? j->s : NULL;
}

static bool learned_action(const char *a, bool all)
{
	static const char *const denied[] = {"deny",        "errno", "kill", "kill-process",
	                                     "kill-thread", "trap",  NULL};
	if (!a)
		return false;
	if (strcmp(a, "log") == 0)
		return true;
	for (size_t i = 0; all && denied[i]; i++)
		if (strcmp(a, denied[i]) == 0)
			return true;
	return false;
}

static bool parse_request(const struct json *j, uint64_t *out)
{
	char *end;

	if (!j)
		return false;
	if (j->type == JSON_NUMBER)
		return json_u64(j, out);
	if (j->type != JSON_STRING || !j->s[0] || j->s[0] == '-')
		return false;
	errno = 0;
	*out = strtoull(j->s, &end, 0);
	/* The log keeps all 64 bits (SCHEMA.md); the kernel runs the request
	 * in the low 32, and that is what a rule compares. */
	*out &= 0xffffffffu;
	return *end == '\0' && errno == 0;
}

static void warn(const char *file, unsigned lineno, const char *what, const char *detail)
{
	char e[128];

	vj_escape(e, sizeof(e), detail ? detail : "", detail ? strlen(detail) : 0);
	fprintf(stderr, "%s:%u: warning: %s%s%s\n", file, lineno, what, detail ? " " : "",
	        detail ? e : "");
}

static void one_record(struct learn *l, const char *file, unsigned lineno, const struct json *root)
{
	const char *kind = str(json_get(root, "kind")),
	           *enf = str(field(root, "decision", "enforcer"));
	const char *action = str(field(root, "decision", "action"));
	const char *arch = str(field(root, "decision", "arch"));
	const struct json *nrj = field(root, "decision", "syscall_nr");
	const struct json *sj = field(root, "decision", "syscall");
	const char *claimed = str(sj) ? str(sj) : str(field(root, "decision", "hook"));
	int64_t nr = -1;
	char name[64];

	if ((kind && strcmp(kind, "enforcement") != 0) || !enf || strcmp(enf, "seccomp") != 0 ||
	    !learned_action(action, l->all))
		return;
	if (arch && strcmp(arch, "x86_64") != 0) {
		l->foreign++;
		return;
	}
	if (!json_i64(nrj, &nr) && !json_i64(sj, &nr))
		nr = claimed ? vj_syscall_nr(claimed) : -1;
	if (nr >= 0x40000000) { /* x32: killed by every policy */
		l->foreign++;
		return;
	}
	if (nr < 0 || nr >= VJ_SYSCALL_NR_MAX || !vj_syscall_name((int)nr, name, sizeof(name))) {
		warn(file, lineno, "seccomp record without a known x86_64 syscall:", claimed);
		l->bad++;
		return;
	}
	if (claimed && strcmp(claimed, name) != 0)
		warn(file, lineno,
		     "record names a syscall that does not match its number, using the "
		     "number's:",
		     claimed);
	l->records++;
	l->seen[nr] = true;
	if (strcmp(name, "ioctl") == 0) {
		uint64_t req;
		if (!parse_request(field(root, "object", "ioctl"), &req) &&
		    !parse_request(json_get(root, "ioctl_request"), &req)) {
			l->ioctl_unknown = true;
			return;
		}
		for (size_t i = 0; i < l->nioctls; i++)
			if (l->ioctls[i] == req)
				return;
		if (l->nioctls < MAX_IOCTLS)
			l->ioctls[l->nioctls++] = req;
		else
			l->ioctl_unknown = true;
	}
}

static int read_log(struct learn *l, const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;

	if (!f) {
		perror(file);
		return EXIT_IO;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct json *root = NULL;
		struct json_err err;
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((size_t)n > MAX_LINE || json_parse(line, (size_t)n, &root, &err) < 0 ||
		    root->type != JSON_OBJECT) {
			warn(file, lineno, "not a JSON object record; skipped", NULL);
			l->bad++;
			json_free(root);
			continue;
		}
		one_record(l, file, lineno, root);
		json_free(root);
	}
	free(line);
	if (ferror(f)) {
		perror(file);
		if (f != stdin)
			fclose(f);
		return EXIT_IO;
	}
	if (f != stdin)
		fclose(f);
	return EXIT_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_learn(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct learn *l = calloc(1, sizeof(*l));
	char *names[VJ_SYSCALL_NR_MAX];
	size_t nn = 0;
	int c, rc = EXIT_OK;

	if (!l)
		return EXIT_IO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ah", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			l->all = true;
			break;
		case 'h':
			fputs(help, stdout);
			free(l);
			return EXIT_OK;
		default:
			free(l);
			return tool_usage_error("learn", "bad option");
		}
	}
	if (optind >= argc) {
		free(l);
		return tool_usage_error("learn", "missing LOG");
	}
	for (int i = optind; i < argc && !rc; i++)
		rc = read_log(l, argv[i]);
	if (rc) {
		free(l);
		return rc;
	}
	printf("# learned by vmjail-policy learn from %u seccomp record%s%s\n", l->records,
	       l->records == 1 ? "" : "s", l->all ? " (including denied calls)" : "");
	/* vmjail's own exec of the VMM runs under the filter but is never
	 * logged: exec-once's user notification outranks the log action.  A
	 * policy without it could start nothing (the validator says so). */
	printf("# execve: vmjail's exec of the VMM (never logged: exec-once answers it)\n");
	l->seen[vj_syscall_nr("execve")] = true;
	if (l->foreign)
		printf("# ignored %u records of other architectures or x32 (killed by every policy)\n",
		       l->foreign);
	for (int nr = 0; nr < VJ_SYSCALL_NR_MAX; nr++) {
		char name[64];
		if (l->seen[nr] && vj_syscall_name(nr, name, sizeof(name)) &&
		    (names[nn] = strdup(name)))
			nn++;
	}
	qsort(names, nn, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < nn; i++) {
		if (strcmp(names[i], "ioctl") == 0 && !l->ioctl_unknown && l->nioctls) {
			qsort(l->ioctls, l->nioctls, sizeof(l->ioctls[0]), cmp_u64);
			printf("seccomp allow ioctl if arg1 in {");
			for (size_t k = 0; k < l->nioctls; k++) {
				const char *n = vj_const_name(vj_ioctl_prefixes, l->ioctls[k]);
				if (n)
					printf("%s%s", k ? ", " : "", n);
				else
					printf("%s0x%llx", k ? ", " : "",
					       (unsigned long long)l->ioctls[k]);
			}
			printf("}\n");
		} else {
			printf("seccomp allow %s\n", names[i]);
		}
		free(names[i]);
	}
	rc = l->bad ? EXIT_FINDINGS : EXIT_OK;
	free(l);
	return rc;
}
