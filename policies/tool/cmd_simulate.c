// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "policies/tool/tool.h"

int cmd_simulate(int argc, char **argv)
{
	fprintf(stderr, "vmjail-policy simulate: not implemented yet\n");
	return EXIT_USAGE;
}
