// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: vmjaild's OCSF path.  The input is a schema v1 line (as a
 * supervisor would send it); the first byte picks the output buffer size.
 * It is decoded (audit/lib/v1_decode.c) and encoded as OCSF, or kept as raw
 * data when it does not decode.  The output must be -ENOSPC or one valid
 * JSON line with '\n' only at its end, never past the buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/jsonvalid.h"
#include "audit/lib/ocsf.h"
#include "audit/lib/v1_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *buf, int n, size_t cap)
{
	if (n == -ENOSPC)
		return;
	if (n <= 0 || (size_t)n >= cap || buf[n] != '\0' || buf[n - 1] != '\n' ||
	    memchr(buf, '\n', (size_t)n - 1) || !vj_json_valid_line(buf, (size_t)n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static char out[VJ_JSON_LINE_MAX + 1];
	size_t cap = data[0] & 1 ? sizeof(out) : (size_t)data[0] * 64 + 3;
	const char *line = (const char *)data + 1;
	size_t n = size - 1;
	/* a guard byte past the buffer the encoder is given */
	out[cap < sizeof(out) ? cap : sizeof(out) - 1] = 'G';
	struct vj_event ev;
	struct json *tree;
	int m;
	if (vj_event_from_v1(line, n, &ev, &tree) == 0) {
		m = vj_event_to_ocsf(&ev, out, cap < sizeof(out) ? cap : sizeof(out) - 1);
		json_free(tree);
	} else {
		struct timespec now = {1764329641, 0};
		m = vj_ocsf_raw(line, n, "host", now, out,
		                cap < sizeof(out) ? cap : sizeof(out) - 1);
	}
	check(out, m, cap < sizeof(out) ? cap : sizeof(out) - 1);
	if (cap < sizeof(out) && out[cap] != 'G')
		abort();
	return 0;
}
