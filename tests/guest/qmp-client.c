/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qmp-client: run QMP commands on a QEMU monitor socket.
 *
 *   qmp-client [-t SECONDS] [-v] SOCKET [--fd=N] COMMAND...
 *
 * COMMAND is a JSON object ({"execute": ..., "arguments": ...}) or a bare
 * command name (query-status is {"execute":"query-status"}).  The client
 * connects (retrying while the socket does not exist yet or refuses, up to
 * the timeout, so it can be started right after QEMU), reads the greeting,
 * negotiates capabilities, then sends each command and prints its response
 * line ({"return": ...} or {"error": ...}) on stdout.  Events are skipped
 * (printed on stderr with -v).
 *
 * --fd=N passes the open file descriptor N to QEMU with SCM_RIGHTS, in the
 * same sendmsg as the next command; that is how "getfd" receives a file, e.g.
 *   qmp-client S --fd=3 '{"execute":"getfd","arguments":{"fdname":"st"}}' \
 *       '{"execute":"migrate","arguments":{"uri":"fd:st"}}' 3>state.bin
 *
 * Exit: 0 all commands returned, 1 a command returned an error, 2 usage,
 * connection or protocol failure, or timeout.
 *
 * Why C and not socat/python: neither is on CI, and the fd passing needs
 * sendmsg anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int verbose;
static double deadline;
static char buf[1 << 20];
static size_t buf_len;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: qmp-client [-t SECONDS] [-v] SOCKET [--fd=N] COMMAND...\n");
	return 2;
}

static int connect_retry(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "qmp-client: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0) {
			perror("qmp-client: socket");
			return -1;
		}
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return s;
		int e = errno;
		close(s);
		if ((e != ENOENT && e != ECONNREFUSED) || now() >= deadline) {
			fprintf(stderr, "qmp-client: connect %s: %s\n", path, strerror(e));
			return -1;
		}
		struct timespec d = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
		nanosleep(&d, NULL);
	}
}

/* Read one line (without "\r\n") into line; 0 on success, -1 on EOF,
 * error or timeout. */
static int read_line(int s, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(buf, '\n', buf_len);
		if (nl) {
			size_t n = (size_t)(nl - buf);
			size_t keep = n;
			if (keep && buf[keep - 1] == '\r')
				keep--;
			if (keep >= size) {
				fprintf(stderr, "qmp-client: response line too long\n");
				return -1;
			}
			memcpy(line, buf, keep);
			line[keep] = 0;
			memmove(buf, nl + 1, buf_len - n - 1);
			buf_len -= n + 1;
			return 0;
		}
		if (buf_len == sizeof(buf)) {
			fprintf(stderr, "qmp-client: response line too long\n");
			return -1;
		}
		double left = deadline - now();
		if (left <= 0) {
			fprintf(stderr, "qmp-client: timeout waiting for QEMU\n");
			return -1;
		}
		struct pollfd p = {.fd = s, .events = POLLIN};
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue; /* the deadline check above ends it */
		ssize_t got = read(s, buf + buf_len, sizeof(buf) - buf_len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			fprintf(stderr, "qmp-client: QEMU closed the connection\n");
			return -1;
		}
		buf_len += (size_t)got;
	}
}

static int starts_with_key(const char *line, const char *key)
{
	while (*line == ' ')
		line++;
	if (*line++ != '{')
		return 0;
	while (*line == ' ')
		line++;
	return strncmp(line, key, strlen(key)) == 0;
}

/* Wait for the response to the last command: 0 "return", 1 "error", -1 I/O. */
static int read_response(int s, int print)
{
	static char line[sizeof(buf)];
	for (;;) {
		if (read_line(s, line, sizeof(line)) < 0)
			return -1;
		int ret = starts_with_key(line, "\"return\"");
		int err = starts_with_key(line, "\"error\"");
		if (ret || err) {
			if (print) {
				printf("%s\n", line);
				fflush(stdout);
			} else if (err) {
				fprintf(stderr, "qmp-client: %s\n", line);
			}
			return err;
		}
		if (verbose)
			fprintf(stderr, "qmp-client: skipped: %s\n", line);
	}
}

static int send_all(int s, const char *msg, int fd)
{
	size_t len = strlen(msg), off = 0;
	while (off < len) {
		struct iovec iov = {.iov_base = (char *)msg + off, .iov_len = len - off};
		union {
			struct cmsghdr h;
			char space[CMSG_SPACE(sizeof(int))];
		} ctl;
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		if (fd >= 0 && off == 0) {
			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.space;
			mh.msg_controllen = sizeof(ctl.space);
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(int));
		}
		ssize_t n = sendmsg(s, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("qmp-client: send");
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* A bare name is shorthand for a command without arguments. */
static int send_command(int s, const char *arg, int fd)
{
	static char msg[65536];
	if (arg[0] == '{') {
		if (snprintf(msg, sizeof(msg), "%s\n", arg) >= (int)sizeof(msg))
			goto too_long;
	} else {
		for (const char *p = arg; *p; p++) {
			if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') ||
			      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
				fprintf(stderr,
				        "qmp-client: not a JSON object or command name: %s\n", arg);
				return -1;
			}
		}
		if (snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\n", arg) >= (int)sizeof(msg))
			goto too_long;
	}
	return send_all(s, msg, fd);
too_long:
	fprintf(stderr, "qmp-client: command too long\n");
	return -1;
}

int main(int argc, char **argv)
{
	double timeout = 10;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '-'; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			char *end;
			timeout = strtod(argv[++i], &end);
			if (*end || timeout <= 0)
				return usage();
		} else {
			return usage();
		}
	}
	if (i + 1 >= argc)
		return usage();
	const char *path = argv[i++];
	deadline = now() + timeout;

	int s = connect_retry(path);
	if (s < 0)
		return 2;
	static char greeting[sizeof(buf)];
	if (read_line(s, greeting, sizeof(greeting)) < 0)
		return 2;
	if (!starts_with_key(greeting, "\"QMP\"")) {
		fprintf(stderr, "qmp-client: not a QMP greeting: %s\n", greeting);
		return 2;
	}
	if (send_command(s, "qmp_capabilities", -1) < 0 || read_response(s, 0) != 0)
		return 2;

	int status = 0, fd = -1;
	for (; i < argc; i++) {
		if (!strncmp(argv[i], "--fd=", 5)) {
			char *end;
			long v = strtol(argv[i] + 5, &end, 10);
			if (*end || v < 0 || v > 1000000 || fcntl((int)v, F_GETFD) < 0) {
				fprintf(stderr, "qmp-client: %s: not an open file descriptor\n",
				        argv[i]);
				return 2;
			}
			fd = (int)v;
			continue;
		}
		if (send_command(s, argv[i], fd) < 0)
			return 2;
		fd = -1;
		int r = read_response(s, 1);
		if (r < 0)
			return 2;
		if (r > 0)
			status = 1;
	}
	if (fd >= 0) {
		fprintf(stderr, "qmp-client: --fd without a command after it\n");
		return 2;
	}
	close(s);
	return status;
}
