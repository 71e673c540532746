// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `vmjail-policy import-minijail` (policies/tool/
 * cmd_import_minijail.c, policies/tool/import.c) on a hostile minijail
 * .policy file, run as from the command line; oracle in fuzz/import_check.h.
 * EXIT_IO is documented here: an @include names a file that is not there (the
 * input is a memfd, so every include is looked for in /proc/self/fd).
 */
#include "fuzz/import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import_check(cmd_import_minijail, "import-minijail", true, data, size);
	return 0;
}
