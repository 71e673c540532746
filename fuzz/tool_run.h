/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For the targets that drive a vmjail-policy subcommand as a whole (the
 * importers read a FILE and print policy text): the input goes to a memfd
 * named as /proc/self/fd/N, stdout to another memfd that is read back, so
 * the subcommand runs exactly as from the command line, with no refactoring
 * of it and no files on disk.  stderr (diagnostics) is left alone; campaigns
 * run with -close_fd_mask=3.
 */
#ifndef VMJAIL_FUZZ_TOOL_RUN_H
#define VMJAIL_FUZZ_TOOL_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Runs cmd(argc, argv) with "@IN" in argv replaced by the input's path;
 * returns its exit code and its stdout in *out (NUL-terminated, static). */
static inline int tool_run(int (*cmd)(int, char **), int argc, char **argv, const uint8_t *data,
                           size_t size, char **out, size_t *outlen)
{
	static int in = -1, ofd = -1, saved = -1;
	static char *buf;
	static size_t cap;
	static char path[64];

	if (in < 0 && ((in = memfd_create("fuzz-in", MFD_CLOEXEC)) < 0 ||
	               (ofd = memfd_create("fuzz-out", MFD_CLOEXEC)) < 0 || (saved = dup(1)) < 0))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in);
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "@IN") == 0)
			argv[i] = path;
	if (ftruncate(in, 0) < 0 || pwrite(in, data, size, 0) != (ssize_t)size ||
	    ftruncate(ofd, 0) < 0 || lseek(ofd, 0, SEEK_SET) < 0)
		abort();
	fflush(stdout);
	dup2(ofd, 1);
	int rc = cmd(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	off_t n = lseek(ofd, 0, SEEK_END);
	if (n < 0)
		abort();
	if ((size_t)n + 1 > cap) {
		cap = (size_t)n + 1;
		buf = realloc(buf, cap);
		if (!buf)
			abort();
	}
	if (pread(ofd, buf, (size_t)n, 0) != n)
		abort();
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
	return rc;
}

#endif
