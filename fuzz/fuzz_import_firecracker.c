// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `vmjail-policy import-firecracker` (policies/tool/
 * cmd_import_firecracker.c, policies/tool/import.c) on hostile seccompiler
 * JSON, run as from the command line.  Oracles: the exit code is one of the
 * documented set; a refused input leaves stdout empty (nothing is written
 * unless the whole file is understood); an accepted one is policy text that
 * vmjail's parser and validator accept with no error at all (the importer
 * adds execve itself, so not even the "VMM could not start" refusal that
 * import-oci's target tolerates).
 */
#include <stdint.h>
#include <string.h>

#include "policies/lang/policy.h"
#include "policies/tool/tool.h"
#include "fuzz/tool_run.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a0[] = "import-firecracker", a1[] = "@IN";
	char *argv[] = {a0, a1, NULL};
	char *out;
	size_t len;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;

	int rc = tool_run(cmd_import_firecracker, 2, argv, data, size, &out, &len);
	FUZZ_CHECK(rc == EXIT_OK || rc == EXIT_FINDINGS, "an exit code outside the documented set");
	FUZZ_CHECK(rc == EXIT_OK || len == 0, "refused an input but wrote to stdout");
	if (rc == EXIT_OK) {
		int lr = vj_policy_load_buffer("imported.policy", out, len, NULL, &p, &d);
		if (lr != 0)
			vj_diag_print(&d, stderr);
		FUZZ_CHECK(lr == 0, "accepted a file, printed a policy vmjail refuses");
		vj_policy_free(p);
		vj_diag_free(&d);
	}
	return 0;
}
