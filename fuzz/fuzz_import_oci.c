// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `vmjail-policy import-oci` (policies/tool/
 * cmd_import_oci.c) on a hostile OCI/Docker seccomp profile, run as from the
 * command line.  Oracle: whatever it accepts (exit 0) it must turn into a
 * policy that vmjail's own parser and validator accept, since an operator
 * pipes one into the other; and it never exits with a code outside its
 * documented set.  One refusal is not the importer's: a profile that does not
 * allow execve converts faithfully into a policy the validator refuses
 * because the VMM could not start under it; the operator is told so there.
 */
#include <stdint.h>
#include <string.h>

#include "policies/lang/policy.h"
#include "policies/tool/tool.h"
#include "fuzz/tool_run.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every error is the validator's "execve is not allowed". */
static int only_execve_refused(const struct vj_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == VJ_SEV_ERROR && !strstr(d->v[i].msg, "execve is not allowed"))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a0[] = "import-oci", a1[] = "@IN";
	char *argv[] = {a0, a1, NULL};
	char *out;
	size_t len;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;

	int rc = tool_run(cmd_import_oci, 2, argv, data, size, &out, &len);
	FUZZ_CHECK(rc == EXIT_OK || rc == EXIT_FINDINGS, "an exit code outside the documented set");
	if (rc == EXIT_OK) {
		int lr = vj_policy_load_buffer("imported.policy", out, len, NULL, &p, &d);
		if (lr != 0 && !only_execve_refused(&d))
			vj_diag_print(&d, stderr);
		FUZZ_CHECK(lr == 0 || only_execve_refused(&d),
		           "accepted a profile, printed a policy vmjail refuses");
		vj_policy_free(p);
		vj_diag_free(&d);
	}
	return 0;
}
