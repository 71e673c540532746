// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "policies/tool/tool.h"

int cmd_diff(int argc, char **argv)
{
	fprintf(stderr, "vmjail-policy diff: not implemented yet\n");
	return EXIT_USAGE;
}
