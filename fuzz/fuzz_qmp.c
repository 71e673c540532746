// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the QMP reply reader (jailer/qmp.c) on whatever the
 * tenant's QEMU writes to its monitor socket.  The input is what "QEMU"
 * says, written to the other end of a socketpair before vmjail's command
 * goes out, then that end is shut for writing (the VMM hung up), so every
 * read ends at once; the first input byte picks the reply buffer size.
 *
 * Must hold: the result is 0, -EREMOTEIO, or one of the bounded failures
 * (line too long, hang-up, time-out); 0 only for a line whose first key is
 * "return", -EREMOTEIO only for "error"; the copied reply is one line,
 * NUL-terminated within its buffer; a failure always says why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jailer/qmp.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int first_key_is(const char *line, const char *key)
{
	const char *p = line + strspn(line, " \t\r");
	size_t n = strlen(key);
	if (*p++ != '{')
		return 0;
	p += strspn(p, " \t\r");
	return *p == '"' && strncmp(p + 1, key, n) == 0 && p[1 + n] == '"';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vj_qmp q;
	static const size_t lens[] = {1, 16, 256, 8192};
	char reply[8192 + 1];
	struct vj_err e = {0};
	int sv[2];

	if (size < 1 || size > 120000) /* stays within a socketpair's buffer */
		return 0;
	size_t rlen = lens[data[0] & 3];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	for (size_t off = 1; off < size;) {
		ssize_t w = write(sv[1], data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	shutdown(sv[1], SHUT_WR);
	memset(&q, 0, sizeof(q));
	q.fd = sv[0];
	memset(reply, 0x55, sizeof(reply));
	reply[rlen] = 0x7e; /* a byte past the buffer that must stay */
	int rc = vj_qmp_cmd(&q, "{\"execute\":\"stop\"}", -1, reply, rlen, 1000, &e);
	FUZZ_CHECK(reply[rlen] == 0x7e, "wrote past the reply buffer");
	switch (rc) {
	case 0:
	case -EREMOTEIO:
		FUZZ_CHECK(memchr(reply, '\0', rlen) && !strchr(reply, '\n'),
		           "the reply copied is not one NUL-terminated line");
		/* A reply cut to the buffer may lose its key, so check a whole one. */
		FUZZ_CHECK(rlen != 8192 || first_key_is(reply, rc == 0 ? "return" : "error"),
		           "success or failure from a line whose first key does not say so");
		FUZZ_CHECK(rc == 0 || e.msg[0], "a remote error that does not say why");
		break;
	case -EMSGSIZE:
	case -ECONNRESET:
	case -ETIMEDOUT:
		FUZZ_CHECK(e.msg[0], "a failure that does not say why");
		break;
	default:
		FUZZ_CHECK(0, "a result outside the documented set");
	}
	vj_qmp_close(&q);
	close(sv[1]);
	return 0;
}
