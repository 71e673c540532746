// SPDX-License-Identifier: Apache-2.0
/*
 * The audit section's view of the kernel (tests/bench/audit.sh):
 *
 *   auditctr status
 *       the kernel's own audit counters (AUDIT_GET): enabled=, lost=,
 *       backlog=, backlog_limit=, rate_limit=, backlog_wait_time=
 *   auditctr read TYPE MATCH
 *       the reference reader: a trivial NETLINK_AUDIT reader of the
 *       read-only multicast group (what vmjail's kernel source binds, with
 *       the same 8 MiB buffer) that decodes nothing and only counts records
 *       of TYPE whose text contains MATCH, until SIGTERM; then prints
 *       read_records=, read_secs= (first to last match), read_enobufs=
 *       (overflow episodes seen) and read_drops= (the kernel's count of
 *       messages this socket lost, SO_MEMINFO).
 *
 * Only a reference: it must stay the fastest possible reader, so that the
 * ratio of vmjail's rate to it says what vmjail's own work costs.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif
#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int status(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		perror("auditctr: socket");
		return 1;
	}
	struct nlmsghdr req = {.nlmsg_len = NLMSG_LENGTH(0),
	                       .nlmsg_type = AUDIT_GET,
	                       .nlmsg_flags = NLM_F_REQUEST,
	                       .nlmsg_seq = 1};
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, req.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0) {
		perror("auditctr: AUDIT_GET");
		return 1;
	}
	static char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	for (int tries = 0; tries < 16; tries++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			perror("auditctr: recv");
			return 1;
		}
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != AUDIT_GET)
			continue;
		struct audit_status st = {0};
		size_t len = h->nlmsg_len - NLMSG_LENGTH(0);
		memcpy(&st, NLMSG_DATA(h), len < sizeof(st) ? len : sizeof(st));
		printf("enabled=%u\nlost=%u\nbacklog=%u\nbacklog_limit=%u\nrate_limit=%u\n"
		       "backlog_wait_time=%u\n",
		       st.enabled, st.lost, st.backlog, st.backlog_limit, st.rate_limit,
		       st.backlog_wait_time);
		return 0;
	}
	fprintf(stderr, "auditctr: no AUDIT_GET reply\n");
	return 1;
}

static int reader(int type, const char *match)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		perror("auditctr: socket");
		return 1;
	}
	int sz = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	struct sockaddr_nl a = {.nl_family = AF_NETLINK,
	                        .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1)};
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("auditctr: bind READLOG");
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready=1\n");
	fflush(stdout);
	static char buf[1 << 16] __attribute__((aligned(NLMSG_ALIGNTO)));
	unsigned long records = 0, enobufs = 0;
	double first = 0, last = 0;
	size_t mlen = strlen(match);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				enobufs++;
			continue; /* EINTR: the loop checks stop */
		}
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != type)
			continue;
		size_t len = h->nlmsg_len - NLMSG_LENGTH(0);
		if (len > (size_t)n - NLMSG_LENGTH(0))
			len = (size_t)n - NLMSG_LENGTH(0);
		if (!memmem(NLMSG_DATA(h), len, match, mlen))
			continue;
		last = mono();
		if (!records++)
			first = last;
	}
	uint32_t mem[SK_MEMINFO_VARS] = {0};
	socklen_t ml = sizeof(mem);
	long drops = getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &ml) == 0
	                 ? (long)mem[SK_MEMINFO_DROPS]
	                 : -1;
	printf("read_records=%lu\nread_secs=%.3f\nread_enobufs=%lu\nread_drops=%ld\n", records,
	       last - first, enobufs, drops);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status();
	if (argc == 4 && !strcmp(argv[1], "read"))
		return reader(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: auditctr status | auditctr read TYPE MATCH\n");
	return 2;
}
