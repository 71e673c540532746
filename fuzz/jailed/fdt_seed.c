// SPDX-License-Identifier: Apache-2.0
/*
 * Writes a small device tree (a seed for fuzz/jailed/fdt.c) to stdout with
 * libfdt's sequential-write API: a root with a memory node and /chosen
 * holding bootargs and the harness's "vj,plant" property set to "-" (does
 * nothing), one byte from either planted crash, so a short campaign reaches
 * them through libfdt's parse.  Generated at test time: no binary seed is
 * committed.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>

#define TRY(x)                                                                                     \
	do {                                                                                       \
		int e_ = (x);                                                                      \
		if (e_) {                                                                          \
			fprintf(stderr, "fdt_seed: %s: %s\n", #x, fdt_strerror(e_));               \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

int main(void)
{
	static uint64_t buf[512];
	void *fdt = buf;
	const fdt32_t reg[4] = {0, 0, 0, cpu_to_fdt32(0x08000000)};

	TRY(fdt_create(fdt, sizeof(buf)));
	TRY(fdt_add_reservemap_entry(fdt, 0x1000, 0x1000));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "vmjail,fuzz-seed"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_begin_node(fdt, "memory@0"));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_end_node(fdt));
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", "console=ttyS0"));
	TRY(fdt_property_string(fdt, "vj,plant", "-"));
	TRY(fdt_end_node(fdt));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	if (fwrite(fdt, 1, fdt_totalsize(fdt), stdout) != fdt_totalsize(fdt) || fflush(stdout))
		return 1;
	return 0;
}
