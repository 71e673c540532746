// SPDX-License-Identifier: Apache-2.0
/*
 * libvmjail example: jail one VMM, wait for it, print how it ended.
 *   cc example.c $(pkg-config --cflags --libs vmjail) -o vmjail-example
 *   vmjail-example ID EXEC_FILE UID BASE_DIR [VMM-ARGS...]
 * (as root; tests/pkg-lib.t builds and runs it from an installed DESTDIR)
 */
#include <stdio.h>
#include <stdlib.h>
#include <vmjail.h>

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s ID EXEC_FILE UID BASE_DIR [VMM-ARGS...]\n", argv[0]);
		return 2;
	}
	unsigned id = (unsigned)strtoul(argv[3], NULL, 10);
	struct vmjail_launch l = {
	    .id = argv[1],
	    .exec_file = argv[2],
	    .uid = id,
	    .gid = id,
	    .base_dir = argv[4],
	    .ttl = "5m",
	    .vmm_args = (const char *const *)&argv[5],
	};
	fprintf(stderr, "libvmjail %s (API %d)\n", vmjail_version(), VMJAIL_API_VERSION);
	int status = vmjail_launch(&l);
	fprintf(stderr, "vmjail_launch: %d\n", status);
	return status;
}
