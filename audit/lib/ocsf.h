/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The second output format: OCSF (Open Cybersecurity Schema Framework)
 * 1.3.0 events, one JSON object per line, for collectors and SIEMs that
 * ingest OCSF natively (Amazon Security Lake, Splunk, ...).  Schema v1
 * (audit/SCHEMA.md) stays the stream's own format: vmjaild and its
 * subscribers always speak v1; OCSF is chosen per output (vmjail
 * --audit-log, vmjaild --log/--stdout) with --audit-format ocsf.
 *
 * The mapping (class, activity and severity per record type) is the table in
 * audit/SCHEMA.md, "Mapping to OCSF and ECS"; tests/audit-ocsf.t checks every
 * record type against the OCSF required fields.
 */
#ifndef VMJAIL_AUDIT_OCSF_H
#define VMJAIL_AUDIT_OCSF_H

#include <stddef.h>
#include <time.h>

#include "audit/event.h"

#define VJ_OCSF_VERSION "1.3.0"

enum vj_audit_format {
	VJ_AUDIT_FMT_V1 = 0, /* schema v1, the default */
	VJ_AUDIT_FMT_OCSF,
};

/* "v1" or "ocsf"; -EINVAL for anything else. */
int vj_audit_format_parse(const char *s, enum vj_audit_format *out);
const char *vj_audit_format_name(enum vj_audit_format f);

/*
 * One OCSF event, '\n' and NUL included; the same guarantees as
 * vj_event_to_json (hostile strings escaped by the same function, cut when
 * too long).  Returns the length or -ENOSPC.
 */
int vj_event_to_ocsf(const struct vj_event *ev, char *buf, size_t len);

/*
 * A schema v1 line that could not be decoded (vmjaild converting a
 * supervisor's record): a Base Event carrying the line as raw_data, so the
 * record is not lost.  host and boot_id may be NULL.
 */
int vj_ocsf_raw(const char *v1, size_t n, const char *host, struct timespec now, char *buf,
                size_t len);

/* vj_event_to_json or vj_event_to_ocsf. */
int vj_event_encode(enum vj_audit_format f, const struct vj_event *ev, char *buf, size_t len);

#endif
