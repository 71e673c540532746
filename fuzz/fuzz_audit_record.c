// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the kernel audit record decoder (audit/lib/kaudit_rec.c,
 * kaudit_map.c, the grouping in kaudit.c) on arbitrary records, and the
 * encoder on whatever events come out.
 *
 * Input: lines "<type> <record text>", '\n'-separated (a line without a type
 * is fed as a seccomp record, 1326), so seeds read like the kernel's own
 * output.  Every event must encode to exactly one valid JSON line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/event.h"
#include "audit/jsonvalid.h"
#include "audit/kaudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char line[VJ_JSON_LINE_MAX];

static void check(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	(void)ctx;
	(void)at;
	int n = vj_event_to_json(ev, line, sizeof(line));
	if (n <= 0 || !vj_json_valid_line(line, (size_t)n) || memchr(line, '\n', (size_t)n - 1))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vj_kaudit *k;
	struct vj_err e = {0};
	if (vj_kaudit_new(&k, check, NULL, &e) < 0)
		return 0;
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int type = 0;
		const char *q = p;
		while (q < le && q - p < 5 && *q >= '0' && *q <= '9')
			type = type * 10 + (*q++ - '0');
		if (q > p && q < le && *q == ' ')
			q++;
		else
			type = 1326, q = p;
		vj_kaudit_feed(k, type, q, (size_t)(le - q));
		p = nl ? nl + 1 : end;
	}
	vj_kaudit_flush(k);
	vj_kaudit_close(k);
	return 0;
}
