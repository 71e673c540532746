/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small strict JSON parser (RFC 8259) for the inputs vmjail-policy reads:
 * OCI seccomp profiles and audit logs.  Strict: no comments, no trailing
 * commas, no duplicate keys, no leading zeros, valid UTF-8 and escapes only,
 * no NUL inside strings; depth and size are bounded.  Fuzzed by
 * fuzz/fuzz_policy_json.c.
 */
#ifndef VMJAIL_POLICY_JSON_H
#define VMJAIL_POLICY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_NODES 1000000

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	bool b;
	char *s;             /* string value (NUL-terminated, no NUL inside), or number text */
	size_t n;            /* array/object element count */
	struct json **items; /* array elements / object values */
	char **keys;         /* object keys */
	unsigned line, col;  /* where the value starts */
};

struct json_err {
	unsigned line, col;
	char msg[128];
};

/* 0 and *out, or -1 with err filled. */
int json_parse(const char *buf, size_t len, struct json **out, struct json_err *err);
void json_free(struct json *j);

/* Object member by key, or NULL (also when j is not an object). */
const struct json *json_get(const struct json *j, const char *key);

/* An integral number that fits; false for fractions, exponents, overflow. */
bool json_u64(const struct json *j, uint64_t *out);
bool json_i64(const struct json *j, int64_t *out);

#endif
