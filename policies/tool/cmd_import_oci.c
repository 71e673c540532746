// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "policies/tool/tool.h"

int cmd_import_oci(int argc, char **argv)
{
	fprintf(stderr, "vmjail-policy import-oci: not implemented yet\n");
	return EXIT_USAGE;
}
