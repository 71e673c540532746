/* SPDX-License-Identifier: Apache-2.0 */
/* Strict check of one JSON-lines record (see audit/lib/jsonvalid.c). */
#ifndef VMJAIL_AUDIT_JSONVALID_H
#define VMJAIL_AUDIT_JSONVALID_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when buf[0..len) is exactly one JSON object followed by one '\n':
 * no other newline, no raw control byte, well-formed UTF-8, no lone
 * surrogate escape, nesting at most 32 deep.
 */
bool vj_json_valid_line(const char *buf, size_t len);

#endif
