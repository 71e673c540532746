// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: vmjaild's subscriber protocol (audit/vmjaild/subs.c),
 * driven through a real listening socket and a real client connection: the
 * client sends the input as its request ("follow\n" or "follow tenant=ID\n"
 * in the protocol), in two writes split where input byte 0 says, then the
 * daemon publishes records of tenants t-1, t-2 and of no tenant into a
 * queue whose size input byte 1 picks (small ones lose records and send
 * loss records).
 *
 * Oracle: a subscriber whose request line is not exactly "follow" or
 * "follow tenant=ID" (ID valid) gets nothing and is dropped; "follow" gets
 * records of every tenant; "follow tenant=ID" only ID's (and loss records);
 * whatever arrives is whole JSON lines, in publishing order; and every
 * subscriber is freed once its client hangs up.  With VJ_FUZZ_SKIP_OPEN set
 * (fuzz/regress/OPEN), a request line with a NUL in it is not judged.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit/vmjaild/vmjaild.h"
#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vjd d;

static void setup(void)
{
	static char path[108];
	struct vj_err e = {0};

	snprintf(path, sizeof(path), "/tmp/fuzz-vmjaild-subs.%d.sock", (int)getpid());
	d.o.sub_path = path;
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0 || vjd_subs_open(&d, &e) < 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		abort();
	}
}

/* What the protocol says this request asks for: 0 refused, 1 everything,
 * 2 one tenant (into id), -1 not decided yet (no newline). */
static int expect(const uint8_t *req, size_t n, char *id, size_t idlen)
{
	const uint8_t *nl = memchr(req, '\n', n < 127 ? n : 127);
	if (!nl)
		return n >= 127 ? 0 : -1;
	size_t l = (size_t)(nl - req);
	if (memchr(req, '\0', l))
		return 0;
	if (l == 6 && memcmp(req, "follow", 6) == 0)
		return 1;
	if (l > 14 && memcmp(req, "follow tenant=", 14) == 0 && l - 14 < idlen) {
		memcpy(id, req + 14, l - 14);
		id[l - 14] = '\0';
		return vj_tenant_id_valid(id, l - 14) ? 2 : 0;
	}
	return 0;
}

static void event(uint32_t ev)
{
	/* The newest subscriber is first in the list. */
	if (d.subs)
		vjd_sub_event(&d, d.subs, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t caps[] = {64, 300, 4096, 1 << 20};
	static const char *const tenants[] = {"t-1", "t-2", NULL};
	char id[128], rx[1 << 16];
	size_t rxn = 0;

	if (size < 2 || size > 300)
		return 0;
	if (!d.epfd)
		setup();
	d.o.sub_buffer = caps[data[1] & 3];
	const uint8_t *req = data + 2;
	size_t n = size - 2, cut = n ? data[0] % (n + 1) : 0;
	int want = expect(req, n, id, sizeof(id));

	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d.o.sub_path);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	vjd_subs_accept(&d);
	FUZZ_CHECK(d.nsubs == 1, "an own-uid client was not accepted");
	if (cut && send(c, req, cut, MSG_NOSIGNAL) != (ssize_t)cut)
		abort();
	if (cut)
		event(EPOLLIN);
	if (n > cut && d.nsubs && send(c, req + cut, n - cut, MSG_NOSIGNAL) != (ssize_t)(n - cut))
		abort();
	if (n > cut)
		event(EPOLLIN);
	const uint8_t *eol = memchr(req, '\n', n);
	if (getenv("VJ_FUZZ_SKIP_OPEN") && eol && memchr(req, '\0', (size_t)(eol - req))) {
		close(c);
		event(EPOLLIN | EPOLLRDHUP);
		event(EPOLLHUP);
		return 0;
	}
	if (want == 0)
		FUZZ_CHECK(d.nsubs == 0, "a bad request was not refused");

	/* Publish: twelve records over three tenants. */
	for (unsigned k = 0; k < 12; k++) {
		char line[256];
		const char *t = tenants[k % 3];
		int m = t ? snprintf(line, sizeof(line),
		                     "{\"schema\":1,\"seq\":%u,\"kind\":\"lifecycle\",\"tenant\":{"
		                     "\"id\":\"%s\"}}\n",
		                     k + 1, t)
		          : snprintf(line, sizeof(line),
		                     "{\"schema\":1,\"seq\":%u,\"kind\":\"host\"}\n", k + 1);
		vjd_subs_write(&d, line, (size_t)m, t);
		event(EPOLLOUT);
		for (ssize_t r; rxn < sizeof(rx) - 1 &&
		                (r = recv(c, rx + rxn, sizeof(rx) - 1 - rxn, MSG_DONTWAIT)) > 0;)
			rxn += (size_t)r;
	}
	rx[rxn] = '\0';

	if (want <= 0)
		FUZZ_CHECK(rxn == 0, "records went to a subscriber that never asked right");
	unsigned last = 0;
	for (char *p = rx, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		FUZZ_CHECK(p[0] == '{' && nl[-1] == '}', "a record that is not a whole JSON line");
		if (strstr(p, "\"type\":\"loss\""))
			continue;
		const char *s = strstr(p, "\"seq\":");
		unsigned seq = s ? (unsigned)strtoul(s + 6, NULL, 10) : 0;
		FUZZ_CHECK(seq > last, "records out of order");
		last = seq;
		if (want == 2) {
			char tag[160];
			snprintf(tag, sizeof(tag), "\"tenant\":{\"id\":\"%s\"}", id);
			FUZZ_CHECK(strstr(p, tag) != NULL,
			           "a filtered subscriber got another's record");
		}
	}
	if (want == 1 && d.o.sub_buffer >= 4096)
		FUZZ_CHECK(last == 12, "a subscriber of everything with room missed records");

	/* The client hangs up (a read of 0, then the hang-up epoll reports):
	 * the subscriber must go. */
	close(c);
	event(EPOLLIN | EPOLLRDHUP);
	event(EPOLLHUP);
	FUZZ_CHECK(d.nsubs == 0 && d.subs == NULL, "a hung-up subscriber was not freed");
	return 0;
}
