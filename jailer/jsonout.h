/* SPDX-License-Identifier: Apache-2.0 */
/* JSON strings for the --json output of vmjail and vmjail-policy (the audit
 * stream has its own encoder in audit/): quotes, backslashes and control
 * bytes escaped, valid UTF-8 kept, every invalid byte U+FFFD, so the output
 * is valid JSON whatever a path or name holds. */
#ifndef VMJAIL_JSONOUT_H
#define VMJAIL_JSONOUT_H

#include <stdio.h>

void vj_json_str(FILE *f, const char *s);

#endif
