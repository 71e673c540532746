// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "policies/tool/tool.h"

int cmd_lint(int argc, char **argv)
{
	fprintf(stderr, "vmjail-policy lint: not implemented yet\n");
	return EXIT_USAGE;
}
