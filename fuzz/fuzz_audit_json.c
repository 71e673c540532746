// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the schema v1 encoder (audit/lib/json.c).  The input is
 * cut into the event's strings (comm, exe, path, ... split at 0xff bytes) and
 * a few numbers, then encoded into a buffer whose size the input also picks.
 * The output must be -ENOSPC or one valid JSON line, '\n' only at its end,
 * with no raw C1 control or bidi override, never past the buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/event.h"
#include "audit/jsonvalid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 11)
		return 0;
	struct vj_event ev;
	vj_event_init(&ev, (enum vj_ev_kind)(data[0] % 4), "deny");
	size_t cap = ((size_t)data[1] << 8 | data[2]) + 1; /* 1 .. 65536 */
	uint64_t num = 0;
	memcpy(&num, data + 3, sizeof(num)); /* bytes 3..10 */
	ev.seq = num;
	ev.ino = num;
	ev.has_ioctl = data[0] & 8;
	ev.ioctl_request = num;
	ev.time.tv_sec = (time_t)(int64_t)num;
	ev.time.tv_nsec = (long)(num % 2000000000);
	ev.pid = (int)(num & 0xffff);
	ev.uid = (long)(int32_t)num;
	ev.err = (int)(num % 200);
	ev.signal = (int)(num % 70);
	ev.arch = (uint32_t)num;
	ev.family = (int)(num % 50);
	ev.port = (int)(num % 70000) - 1;
	ev.landlock_domain = num;
	struct vj_bytes *b[] = {&ev.comm,   &ev.exe,     &ev.path,     &ev.addr,
	                        &ev.detail, &ev.message, &ev.dev_name, &ev.target_comm};
	/* NUL-terminated copies for the const char * fields */
	char *cs = malloc(size + 1);
	memcpy(cs, data, size);
	cs[size] = '\0';
	const char **c[] = {&ev.type, &ev.tenant, &ev.vmm,  &ev.policy,
	                    &ev.hook, &ev.rule,   &ev.step, &ev.host};
	size_t i = 11, f = 0;
	while (i <= size && f < 16) {
		size_t j = i;
		while (j < size && data[j] != 0xff)
			j++;
		if (f < 8) {
			*b[f] = (struct vj_bytes){(const char *)data + i, j - i};
		} else {
			cs[j < size ? j : size] = '\0';
			*c[f - 8] = cs + i;
		}
		f++;
		i = j + 1;
	}
	char *out = malloc(cap);
	int n = vj_event_to_json(&ev, out, cap);
	if (n == -ENOSPC) {
		if (cap > 4096)
			__builtin_trap(); /* a cut record always fits 4 KiB */
	} else if (n <= 0 || (size_t)n >= cap || out[n] != '\0' ||
	           !vj_json_valid_line(out, (size_t)n) || memchr(out, '\n', (size_t)n - 1) ||
	           memmem(out, (size_t)n, "\xc2\x9b", 2) ||
	           memmem(out, (size_t)n, "\xe2\x80\xae", 3)) {
		__builtin_trap();
	}
	free(out);
	free(cs);
	return 0;
}
