// SPDX-License-Identifier: Apache-2.0
/* vmjail-policy check: parse and validate, report located diagnostics. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy check [--json] [--quiet] FILE...\n"
    "\n"
    "Parse and validate each policy (and the files it includes).  Errors and\n"
    "warnings are printed as FILE:LINE:COL: SEVERITY: MESSAGE on stderr; a\n"
    "valid policy prints its name, SHA-256 and rule count on stdout.\n"
    "\n"
    "  --json   one JSON object per FILE on stdout: file, valid, name, sha256,\n"
    "           seccomp_rules, diagnostics [{severity, file, line, col, message}]\n"
    "  --quiet  print nothing; only the exit status tells\n"
    "\n" EXIT_CODES_HELP;

static void print_json(const char *file, const struct vj_policy *p, const struct vj_diag *d)
{
	char hex[65];

	printf("{\"file\":");
	vj_json_str(stdout, file);
	printf(",\"valid\":%s", p ? "true" : "false");
	if (p) {
		printf(",\"name\":");
		vj_json_str(stdout, p->name);
		printf(",\"sha256\":\"%s\",\"seccomp_rules\":%zu", vj_policy_hash_hex(p, hex),
		       p->seccomp.nrules);
	}
	printf(",\"diagnostics\":[");
	for (size_t i = 0; i < d->n; i++) {
		const struct vj_diag_entry *e = &d->v[i];
		static const char *const sev[] = {"error", "warning", "note"};
		printf("%s{\"severity\":\"%s\",\"file\":", i ? "," : "", sev[e->sev]);
		vj_json_str(stdout, e->file);
		printf(",\"line\":%u,\"col\":%u,\"message\":", e->line, e->col);
		vj_json_str(stdout, e->msg);
		printf("}");
	}
	printf("]}\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"quiet", no_argument, NULL, 'q'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	bool json = false, quiet = false;
	int c, worst = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("check", "bad option");
		}
	}
	if (optind >= argc)
		return tool_usage_error("check", "missing FILE");
	for (int i = optind; i < argc; i++) {
		struct vj_diag d = {0};
		struct vj_policy *p = NULL;
		int rc = tool_load(argv[i], &p, &d, quiet || json);
		char hex[65];

		if (json && rc != EXIT_IO)
			print_json(argv[i], p, &d);
		else if (!quiet && p)
			printf("%s: ok: policy %s, sha256 %s, %zu seccomp rules\n", argv[i],
			       p->name[0] ? p->name : "(unnamed)", vj_policy_hash_hex(p, hex),
			       p->seccomp.nrules);
		if (rc == EXIT_IO && json)
			fprintf(stderr, "vmjail-policy check: %s: cannot read\n", argv[i]);
		/* I/O trumps findings: the input was not even judged. */
		if (rc == EXIT_IO || (rc > worst && worst != EXIT_IO))
			worst = rc;
		vj_policy_free(p);
		vj_diag_free(&d);
	}
	return worst;
}
