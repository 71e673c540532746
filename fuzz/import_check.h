/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The oracle shared by the importers' targets whose output must always be a
 * policy vmjail accepts (import-firecracker, import-minijail): the exit code
 * is one of the documented set; a refused input leaves stdout empty (nothing
 * is written unless the whole file is understood); an accepted one is policy
 * text that vmjail's parser and validator accept with no error at all (these
 * importers add execve themselves, so not even the "VMM could not start"
 * refusal that import-oci's target tolerates).
 */
#ifndef VMJAIL_FUZZ_IMPORT_CHECK_H
#define VMJAIL_FUZZ_IMPORT_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "policies/lang/policy.h"
#include "policies/tool/tool.h"
#include "fuzz/tool_run.h"

#include "fuzz/check.h"

/* io_ok: EXIT_IO is documented too (minijail's @include of a missing file). */
static inline void fuzz_import_check(int (*cmd)(int, char **), const char *name, bool io_ok,
                                     const uint8_t *data, size_t size)
{
	char a0[32], a1[] = "@IN";
	char *argv[] = {a0, a1, NULL};
	char *out;
	size_t len;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;

	snprintf(a0, sizeof(a0), "%s", name);
	int rc = tool_run(cmd, 2, argv, data, size, &out, &len);
	FUZZ_CHECK(rc == EXIT_OK || rc == EXIT_FINDINGS || (io_ok && rc == EXIT_IO),
	           "an exit code outside the documented set");
	FUZZ_CHECK(rc == EXIT_OK || len == 0, "refused an input but wrote to stdout");
	if (rc == EXIT_OK) {
		int lr = vj_policy_load_buffer("imported.policy", out, len, NULL, &p, &d);
		if (lr != 0)
			vj_diag_print(&d, stderr);
		FUZZ_CHECK(lr == 0, "accepted a file, printed a policy vmjail refuses");
		vj_policy_free(p);
		vj_diag_free(&d);
	}
}

#endif
