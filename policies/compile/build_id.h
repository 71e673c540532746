/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The running program's GNU build ID.  Everything vmjail caches across runs
 * (compiled seccomp programs, probe results) is keyed by it, so a rebuilt
 * binary never trusts what another build wrote, even at the same version.
 */
#ifndef VMJAIL_POLICIES_BUILD_ID_H
#define VMJAIL_POLICIES_BUILD_ID_H

#include <stddef.h>
#include <stdint.h>

/* The main program's build ID bytes (*len 0 when it has none). */
const uint8_t *vj_build_id(size_t *len);

/* The same as lowercase hex ("none" when absent), always NUL-terminated. */
void vj_build_id_hex(char *out, size_t outlen);

#endif
