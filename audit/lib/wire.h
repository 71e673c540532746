/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The frame a supervisor hands to vmjaild (over run_dir/vmjaild.sock or as a
 * spool file): a fixed header that tells the daemon what it needs without
 * parsing JSON (tenant for subscriber filters, the keys that attribute kernel
 * records to this tenant), then the encoded JSON line itself.
 */
#ifndef VMJAIL_AUDIT_WIRE_H
#define VMJAIL_AUDIT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"

#define VJ_WIRE_MAGIC     0x31574a56u /* "VJW1" */
#define VJ_TENANT_MAX     64
#define VJ_WIRE_F_BIND    1u /* cgroup_id/pid/ses now identify tenant */
#define VJ_WIRE_F_UNBIND  2u /* the tenant is gone (after a grace period) */
#define VJ_WIRE_F_KERNEL  4u /* a kernel record the supervisor read itself (or its loss) */
#define VJ_WIRE_NAME_MAX  64
#define VJ_WIRE_HASH_MAX  128
#define VJ_WIRE_FRAME_MAX (sizeof(struct vj_wire_hdr) + VJ_JSON_LINE_MAX)

struct vj_wire_hdr {
	uint32_t magic;
	uint16_t hdr_len; /* sizeof(struct vj_wire_hdr): lets v2 grow the header */
	uint8_t kind;     /* enum vj_ev_kind */
	uint8_t flags;    /* VJ_WIRE_F_* */
	uint64_t seq;
	uint64_t cgroup_id;
	int32_t pid; /* VMM pid, 0 when none */
	int32_t ses; /* audit session of the VMM, -1 when none */
	uint8_t tenant_len;
	uint8_t pad[3];
	int32_t uid; /* the tenant's uid (unique per tenant), -1 when none */
	char tenant[VJ_TENANT_MAX];
	/* Tenant context vmjaild copies into kernel records it attributes here:
	 * NUL-padded printable ASCII, possibly empty. */
	char vmm[VJ_WIRE_NAME_MAX];
	char policy[VJ_WIRE_NAME_MAX];
	char policy_hash[VJ_WIRE_HASH_MAX];
};

/* The daemon's acknowledgement on the ingest socket (cumulative). */
struct vj_wire_ack {
	uint32_t magic;
	uint32_t pad;
	uint64_t frames; /* frames received on this connection so far */
	uint64_t last_seq;
};

/* Tenant ids: 1-64 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
bool vj_tenant_id_valid(const char *s, size_t n);

/* Copy s into a NUL-padded field if it is printable ASCII that fits; else leave it empty. */
void vj_wire_set_name(char *field, size_t cap, const char *s);

/* Header + line into buf; returns the frame length or -ENOSPC/-EINVAL. */
long vj_wire_pack(char *buf, size_t cap, const struct vj_wire_hdr *h, const char *line, size_t n);

/*
 * Check a frame from the socket or the spool.  On success *h is a copy of the
 * header and line/linelen point at a JSON line that vj_json_valid_line()
 * accepted.  Any inconsistency: -EBADMSG.
 */
int vj_wire_parse(const char *buf, size_t n, struct vj_wire_hdr *h, const char **line,
                  size_t *linelen);

#endif
