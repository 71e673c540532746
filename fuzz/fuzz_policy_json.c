// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target: the strict JSON parser vmjail-policy uses for OCI
 * seccomp profiles and audit logs. */
#include <stdint.h>
#include <string.h>

#include "policies/tool/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct json *j, unsigned depth)
{
	uint64_t u;
	int64_t i;

	if (depth > JSON_MAX_DEPTH + 1)
		__builtin_trap();
	if (j->type == JSON_STRING && strlen(j->s) > 4 * (size_t)1 << 22)
		__builtin_trap();
	(void)json_u64(j, &u);
	(void)json_i64(j, &i);
	for (size_t k = 0; k < j->n; k++) {
		walk(j->items[k], depth + 1);
		if (j->type == JSON_OBJECT && json_get(j, j->keys[k]) != j->items[k])
			__builtin_trap(); /* keys are unique */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json *j = NULL;
	struct json_err err;

	if (json_parse((const char *)data, size, &j, &err) == 0) {
		walk(j, 0);
		json_free(j);
	} else if (j || !err.msg[0]) {
		__builtin_trap();
	}
	return 0;
}
