// SPDX-License-Identifier: Apache-2.0
/*
 * `vmjaild follow [--tenant ID]`: print the host stream (one tenant's part of
 * it) as vmjaild writes it.  The filter runs in the daemon, so a client that
 * watches one tenant is not sent, and cannot read, the others' records.
 */
#include "audit/vmjaild/vmjaild.h"
#include "audit/lib/rundir.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char follow_usage[] =
    "Usage: vmjaild follow [--tenant ID] [--run-dir DIR | --socket PATH]\n"
    "Print the host audit stream as JSON lines until the daemon stops.\n"
    "Exit status: 0 the daemon closed the stream, 1 cannot connect or read,\n"
    "2 usage error.\n";

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int vjd_follow(int argc, char **argv)
{
	const char *tenant = NULL, *run_dir = VJ_RUN_DIR_DEFAULT, *sock = NULL;
	static const struct option lo[] = {{"tenant", required_argument, 0, 't'},
	                                   {"run-dir", required_argument, 0, 'r'},
	                                   {"socket", required_argument, 0, 's'},
	                                   {"help", no_argument, 0, 'h'},
	                                   {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			tenant = optarg;
			break;
		case 'r':
			run_dir = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'h':
			fputs(follow_usage, stdout);
			return VJD_EXIT_OK;
		default:
			fputs(follow_usage, stderr);
			return VJD_EXIT_USAGE;
		}
	}
	if (optind != argc || (tenant && !vj_tenant_id_valid(tenant, strlen(tenant)))) {
		fputs(follow_usage, stderr);
		return VJD_EXIT_USAGE;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int n =
	    sock ? snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock)
	         : snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", run_dir, VJ_RUN_EVENTS_SOCK);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vmjaild follow: socket path too long\n");
		return VJD_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vmjaild follow: connect %s: %s\n", sa.sun_path, strerror(errno));
		return VJD_EXIT_RUNTIME;
	}
	char req[128];
	int rl = tenant ? snprintf(req, sizeof(req), "follow tenant=%s\n", tenant)
	                : snprintf(req, sizeof(req), "follow\n");
	if (write_all(fd, req, (size_t)rl) < 0) {
		fprintf(stderr, "vmjaild follow: %s\n", strerror(errno));
		return VJD_EXIT_RUNTIME;
	}
	static char buf[65536];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "vmjaild follow: %s\n", strerror(errno));
			return VJD_EXIT_RUNTIME;
		}
		if (r == 0)
			return VJD_EXIT_OK;
		if (write_all(STDOUT_FILENO, buf, (size_t)r) < 0)
			return VJD_EXIT_OK; /* our reader went away (e.g. `| head`) */
	}
}
