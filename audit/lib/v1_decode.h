/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema v1 line -> struct vj_event (audit/lib/v1_decode.c), for writing
 * supervisors' records in another format.  Links policies/tool/json.o.
 */
#ifndef VMJAIL_AUDIT_V1_DECODE_H
#define VMJAIL_AUDIT_V1_DECODE_H

#include "audit/event.h"
#include "policies/tool/json.h"

/*
 * 0 with ev filled: its strings point into *tree, which the caller frees with
 * json_free() once ev is encoded.  -EINVAL when the line is not a v1 record
 * the strict parser takes (*tree is then NULL).
 */
int vj_event_from_v1(const char *line, size_t n, struct vj_event *ev, struct json **tree);

#endif
