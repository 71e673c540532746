// SPDX-License-Identifier: Apache-2.0
/*
 * Replay driver: runs a libFuzzer target's LLVMFuzzerTestOneInput over files
 * (and the files in directories) named on the command line, without
 * libFuzzer, so the checked-in corpora run in every `make check` and under
 * the normal ASan build.  Exit 0 when every input ran; a crash is a crash.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (4u << 20)

static int run_file(const char *path, unsigned *count)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t len = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: %s: %s\n", path, fd < 0 ? strerror(errno) : "too large");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* An exact-size heap copy: ASan then catches a read one past the end. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -1;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int n = scandir(argv[i], &ents, NULL, alphasort);
			if (n < 0) {
				bad = 1;
				continue;
			}
			for (int k = 0; k < n; k++) {
				char p[4096];
				if (ents[k]->d_name[0] != '.') {
					snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
					if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
					    run_file(p, &count) < 0)
						bad = 1;
				}
				free(ents[k]);
			}
			free(ents);
		} else if (run_file(argv[i], &count) < 0) {
			bad = 1;
		}
	}
	printf("replayed %u inputs\n", count);
	return bad;
}
