/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel audit record text, piece by piece: the audit(sec.msec:serial)
 * header, key=value fields, and the value formats the kernel uses (decimal,
 * hex, quoted or hex-encoded untrusted strings).  Internal to the kaudit
 * decoder; every function refuses rather than guesses.
 */
#ifndef VMJAIL_AUDIT_KAUDIT_REC_H
#define VMJAIL_AUDIT_KAUDIT_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/event.h"

/* Longest record the kernel sends (MAX_AUDIT_MESSAGE_LENGTH) plus slack. */
#define KA_REC_MAX 9000

struct ka_hdr {
	uint64_t sec, serial;
	unsigned msec;
	const char *body; /* fields after "): " */
	size_t len;
};

struct ka_val {
	const char *p;
	size_t n;
	bool quoted;
};

/* Bump allocator for decoded strings; lives for one dispatch. */
struct ka_arena {
	char *buf;
	size_t cap, used;
};

int ka_parse_header(const char *text, size_t len, struct ka_hdr *h);

/* First field named key; false when absent or its value is malformed. */
bool ka_field(const char *body, size_t len, const char *key, struct ka_val *v);

bool ka_u64(struct ka_val v, uint64_t *out);   /* decimal */
bool ka_i64(struct ka_val v, int64_t *out);    /* decimal, optional '-' */
bool ka_hex64(struct ka_val v, uint64_t *out); /* hex, optional 0x */

/*
 * An untrusted string (audit_log_untrustedstring): "quoted" as is, hex
 * decoded, "(null)" / "?" absent.  Decoded bytes may be anything.
 */
bool ka_untrusted(struct ka_val v, struct ka_arena *a, struct vj_bytes *out);

/*
 * A kernel-chosen token (blockers, operation, profile...) as a C string:
 * printable ASCII only, at most 256 bytes, else false.
 */
bool ka_token(struct ka_val v, struct ka_arena *a, const char **out);

/* Convenience: field + conversion. */
bool ka_get_u64(const char *b, size_t n, const char *key, uint64_t *out);
bool ka_get_i64(const char *b, size_t n, const char *key, int64_t *out);
bool ka_get_hex(const char *b, size_t n, const char *key, uint64_t *out);
bool ka_get_str(const char *b, size_t n, const char *key, struct ka_arena *a, struct vj_bytes *out);
bool ka_get_tok(const char *b, size_t n, const char *key, struct ka_arena *a, const char **out);

#endif
