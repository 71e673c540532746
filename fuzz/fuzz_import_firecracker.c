// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `vmjail-policy import-firecracker` (policies/tool/
 * cmd_import_firecracker.c, policies/tool/import.c) on hostile seccompiler
 * JSON, run as from the command line; oracle in fuzz/import_check.h.
 */
#include "fuzz/import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import_check(cmd_import_firecracker, "import-firecracker", false, data, size);
	return 0;
}
