// SPDX-License-Identifier: Apache-2.0
/* vmjail-policy apparmor: the AppArmor profile vmjail generates for a policy,
 * for review (jailer/apparmor_profile.c writes it). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "jailer/apparmor_profile.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy apparmor [--name NAME] [--exec PATH] FILE\n"
    "\n"
    "Print the AppArmor profile vmjail loads for a tenant of this policy: the\n"
    "jail's paths as its binds, dirs and devices say, network families from its\n"
    "socket rules, signals and ptrace only within the profile, no capabilities,\n"
    "mounts or execs.  At launch the name is vmjail-<id> and the VMM's libraries\n"
    "are added (read and map).\n"
    "\n"
    "  --name NAME  profile name (default vmjail-TENANT)\n"
    "  --exec PATH  the VMM's path in the jail (default /vmm)\n"
    "\n" EXIT_CODES_HELP;

int cmd_apparmor(int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"exec", required_argument, NULL, 'e'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *name = "vmjail-TENANT", *exec = "/vmm";
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'e':
			exec = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	struct vj_policy *p = NULL;
	int rc = tool_load(argv[optind], &p, NULL, false);
	if (rc != EXIT_OK)
		return rc;
	struct vj_aa_input in = {.name = name,
	                         .exec_jail = exec,
	                         .mount_proc = p->mount_proc,
	                         .mount_sys = p->mount_sys};
	struct vj_err e = {0};
	if (vj_aa_profile(p, &in, stdout, &e) < 0) {
		fprintf(stderr, "vmjail-policy apparmor: %s\n", e.msg);
		rc = EXIT_FINDINGS;
	}
	vj_policy_free(p);
	return rc;
}
