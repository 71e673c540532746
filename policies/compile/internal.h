/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by the codegen files only (not part of the API). */
#ifndef VMJAIL_SECCOMP_INTERNAL_H
#define VMJAIL_SECCOMP_INTERNAL_H

#include "policies/compile/seccomp.h"

/* A growing instruction buffer; oom latches the first allocation failure. */
struct vj_insns {
	struct sock_filter *v;
	size_t n, cap;
	int oom;
};

void vj_insns_emit(struct vj_insns *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k);
void vj_insns_free(struct vj_insns *b);

/*
 * Append the argument checks of one syscall (argcode.c): its rules in order,
 * each a conjunction; the first rule that holds returns ret_match, none
 * holding returns ret_default.  Entered with nothing assumed about A or X.
 * Returns 0 or -ENOMEM.
 */
int vj_argcode_block(struct vj_insns *b, const struct vj_rule *const *rules, size_t nrules,
                     uint32_t ret_match, uint32_t ret_default);

#endif
