// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "policies/tool/tool.h"

int cmd_explain(int argc, char **argv)
{
	fprintf(stderr, "vmjail-policy explain: not implemented yet\n");
	return EXIT_USAGE;
}
