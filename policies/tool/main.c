// SPDX-License-Identifier: Apache-2.0
/* vmjail-policy: check, compile, explain, lint, diff, import, learn and
 * simulate vmjail policies.  Each subcommand lives in its own cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "policies/tool/tool.h"

static const struct tool_cmd cmds[] = {
    {"check", "parse and validate a policy", cmd_check},
    {"compile", "write the seccomp BPF program of a policy", cmd_compile},
    {"explain", "what a policy allows, layer by layer", cmd_explain},
    {"lint", "findings and an exposure score (0 best .. 10 worst)", cmd_lint},
    {"diff", "what one policy allows that the other does not", cmd_diff},
    {"import-oci", "convert a Docker/OCI seccomp profile (JSON) into policy text", cmd_import_oci},
    {"import-firecracker", "convert Firecracker's seccomp filters (JSON) into policy text",
     cmd_import_firecracker},
    {"import-minijail", "convert a minijail/crosvm .policy file into policy text",
     cmd_import_minijail},
    {"learn", "seccomp allow lines from a vmjail audit log", cmd_learn},
    {"simulate", "verdict of a policy for one syscall", cmd_simulate},
    {"apparmor", "the AppArmor profile vmjail generates for a policy", cmd_apparmor},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vmjail-policy COMMAND [OPTIONS] ARGS...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-18s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n`vmjail-policy COMMAND --help` describes each command.\n"
	           "A FILE argument may be '-' (stdin, no includes) or '@default' (the "
	           "policy built into vmjail).\n" EXIT_CODES_HELP);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vmjail-policy %s (policy language %d)\n", VMJAIL_VERSION,
		       VJ_POLICY_LANG_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vmjail-policy: unknown command '%.64s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
