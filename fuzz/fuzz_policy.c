// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the policy parser and validator on arbitrary bytes, as
 * the embedded-default and stdin paths see them (no include directory), then
 * everything a consumer reads from an accepted policy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct vj_diag d = {0};
	struct vj_policy *p = NULL;
	int r;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	r = vj_policy_load_buffer("fuzz.policy", (const char *)data, size, NULL, &p, &d);
	/* Fail closed: an error code and a policy never come together, and a
	 * refusal always says why. */
	if ((r == 0) != (p != NULL) || (r != 0 && r != -ENOMEM && d.nerrors == 0))
		__builtin_trap();
	if (devnull)
		vj_diag_print(&d, devnull);
	if (p) {
		char hex[65];
		vj_policy_hash_hex(p, hex);
		for (size_t i = 0; i < p->seccomp.nrules; i++) {
			const struct vj_rule *ru = &p->seccomp.rules[i];
			if (ru->nr < 0 || ru->ncond > VJ_MAX_CONDS ||
			    !memchr(ru->name, 0, sizeof(ru->name)))
				__builtin_trap();
			for (unsigned k = 0; k < ru->ncond; k++)
				if (ru->cond[k].arg > 5 ||
				    (ru->cond[k].arg32 &&
				     (ru->cond[k].value >> 32 || ru->cond[k].mask >> 32)))
					__builtin_trap();
		}
		for (size_t i = 0; i < p->nbinds; i++)
			if (p->binds[i].src[0] != '/' || p->binds[i].dst[0] != '/')
				__builtin_trap();
	}
	vj_policy_free(p);
	vj_diag_free(&d);
	return 0;
}
