// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `vmjail-policy learn` (policies/tool/cmd_learn.c) on a
 * hostile audit log: the records come out of a jail, so a VMM writes what
 * they say.  Input byte 0, bit 0: --all.  Oracle: the printed lines, under
 * a policy header, always form a valid policy (learning must never emit a
 * line the parser refuses, or a name the record made up; the header is the
 * log-by-default policy a learning run uses), and the exit code
 * is one of the documented ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policies/lang/policy.h"
#include "policies/tool/tool.h"
#include "fuzz/tool_run.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] = "version 1\nname learned\nlayer seccomp required\n"
                             "seccomp default log\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pol[1 << 20];
	char a0[] = "learn", a1[] = "--all", a2[] = "@IN";
	char *argv[] = {a0, a1, a2, NULL};
	char *out;
	size_t len;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;

	if (size < 1)
		return 0;
	int all = data[0] & 1;
	if (!all)
		argv[1] = a2, argv[2] = NULL;
	int rc = tool_run(cmd_learn, all ? 3 : 2, argv, data + 1, size - 1, &out, &len);
	FUZZ_CHECK(rc == EXIT_OK || rc == EXIT_FINDINGS, "an exit code outside the documented set");
	if (sizeof(header) - 1 + len >= sizeof(pol))
		return 0;
	memcpy(pol, header, sizeof(header) - 1);
	memcpy(pol + sizeof(header) - 1, out, len);
	if (vj_policy_load_buffer("learned.policy", pol, sizeof(header) - 1 + len, NULL, &p, &d) !=
	    0) {
		vj_diag_print(&d, stderr);
		FUZZ_CHECK(0, "learned a line the policy language refuses");
	}
	vj_policy_free(p);
	vj_diag_free(&d);
	return 0;
}
