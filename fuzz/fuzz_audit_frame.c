// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: vmjaild's frame check (audit/lib/wire.c), which stands
 * between what arrives on RUN_DIR/vmjaild.sock or in RUN_DIR/spool and the
 * host stream.  Whatever it accepts must be one valid JSON line, a valid
 * tenant id and NUL-terminated names.
 */
#include <stdint.h>
#include <string.h>

#include "audit/jsonvalid.h"
#include "audit/lib/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vj_wire_hdr h;
	const char *line;
	size_t ll;
	static char buf[VJ_WIRE_FRAME_MAX];
	/* The input is the JSON part; a second pass also fuzzes the header. */
	struct vj_wire_hdr mk = {.kind = 1, .tenant_len = 3, .tenant = "t-1"};
	long n = vj_wire_pack(buf, sizeof(buf), &mk, (const char *)data, size);
	for (int pass = 0; pass < 2; pass++) {
		const char *f = pass ? (const char *)data : buf;
		size_t fl = pass ? size : (n > 0 ? (size_t)n : 0);
		if (vj_wire_parse(f, fl, &h, &line, &ll) != 0)
			continue;
		if (!vj_json_valid_line(line, ll) || line + ll != f + fl ||
		    (h.tenant_len && !vj_tenant_id_valid(h.tenant, h.tenant_len)) ||
		    !memchr(h.vmm, 0, sizeof(h.vmm)) || !memchr(h.policy, 0, sizeof(h.policy)) ||
		    !memchr(h.policy_hash, 0, sizeof(h.policy_hash)))
			__builtin_trap();
	}
	return 0;
}
