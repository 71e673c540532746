// SPDX-License-Identifier: Apache-2.0
/*
 * A harness from outside the project, of the kind a VMM's fuzzing team
 * brings to jailed fuzzing (docs/fuzzing.md): Debian's libfdt (package
 * libfdt-dev, .ci/fuzz-deps), the flattened device tree library VMMs use for
 * guest device trees, linked from the system (-lfdt) and not instrumented:
 * libFuzzer's coverage comes from this wrapper's walk, as it does when a
 * team fuzzes a distribution library it cannot rebuild.  vmjail binds the
 * shared library into the jail from the worker's ELF closure.
 *
 * The wrapper does what a VMM does with a device tree a guest or an operator
 * hands it: check the header, check the whole blob, then walk every node
 * and property, look up /chosen's bootargs and the memory reservations.
 *
 * Planted crashes, for proving the jailed mode's labels with a real parser
 * in the way: a property "vj,plant" whose value begins with
 *   'A'  aborts (SIGABRT, no policy wall: labelled `contained`);
 *   'S'  first calls uselib, which every shipped policy forbids (seccomp
 *        kills it, SIGSYS, with an audit record: labelled `hit-policy`).
 * They are reached only through libfdt's parse (the input must be a tree
 * libfdt accepts); a real device tree never has that property.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libfdt reads the blob through aligned 32-bit loads: give it an aligned copy,
 * as a VMM does when it loads a tree into guest memory. */
#define MAX_FDT (64 * 1024)
static uint64_t blob[MAX_FDT / sizeof(uint64_t)];
static volatile unsigned sink;

static void plant(const char *val, int len)
{
	if (len < 1)
		return;
	if (val[0] == 'A')
		abort();
	if (val[0] == 'S') {
		syscall(SYS_uselib, NULL);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *fdt = blob;
	unsigned sum = 0;

	if (size < sizeof(struct fdt_header) || size > MAX_FDT)
		return 0;
	memcpy(blob, data, size);
	if (fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > size)
		return 0;
	/* A VMM that checks the whole tree first walks only what passed. */
	if (fdt_check_full(fdt, size) != 0)
		return 0;
	int depth = 0, nodes = 0;
	for (int node = 0; node >= 0 && depth >= 0 && nodes < 4096;
	     node = fdt_next_node(fdt, node, &depth), nodes++) {
		int len, prop;
		const char *name = fdt_get_name(fdt, node, &len);
		if (name)
			sum += (unsigned)len;
		sum += fdt_get_phandle(fdt, node);
		fdt_for_each_property_offset(prop, fdt, node)
		{
			const char *pname;
			const char *val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
			if (!val || !pname)
				continue;
			sum += (unsigned)len;
			if (strcmp(pname, "vj,plant") == 0)
				plant(val, len);
		}
	}
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		int len;
		const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
		if (args && len > 0)
			sum += (unsigned)strnlen(args, (size_t)len);
	}
	for (int i = 0; i < fdt_num_mem_rsv(fdt) && i < 4096; i++) {
		uint64_t addr, sz;
		if (fdt_get_mem_rsv(fdt, i, &addr, &sz) == 0)
			sum += (unsigned)(addr ^ sz);
	}
	sink = sum; /* the walk's results are used: the compiler keeps the calls */
	return 0;
}
