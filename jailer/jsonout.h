/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal JSON output for --json flags of vmjail (the audit stream has its
 * own encoder in audit/). Strings are escaped; bytes >= 0x80 pass through. */
#ifndef VMJAIL_JSONOUT_H
#define VMJAIL_JSONOUT_H

#include <stdio.h>

void vj_json_str(FILE *f, const char *s);

#endif
