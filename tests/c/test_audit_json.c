// SPDX-License-Identifier: Apache-2.0
/*
 * The encoder against hostile strings: every output line must be exactly one
 * JSON object for jq, fields must round-trip when the input was valid UTF-8,
 * invalid UTF-8 must become U+FFFD, and no string can forge another field or
 * record.  Ends with the encoder's throughput.
 */
#include "audit/event.h"
#include "audit/jsonvalid.h"
#include "tests/c/test_audit_util.h"

struct hostile {
	const char *name;
	const char *in;
	size_t len;
	const char *want; /* what jq must decode; NULL: the input itself */
	size_t wantlen;
};

#define S(x) x, sizeof(x) - 1
#define FFFD "\xef\xbf\xbd"

static const struct hostile cases[] = {
    {"quotes", S("a\"b\"c"), NULL, 0},
    {"backslashes", S("a\\b\\\\c\\"), NULL, 0},
    {"newlines", S("line1\nline2\r\n"), NULL, 0},
    {"all C0 controls and DEL",
     S("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15"
       "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"),
     NULL, 0},
    {"NUL inside", S("a\0b"), NULL, 0},
    {"terminal escape", S("\x1b[2J\x1b]0;owned\x07"), NULL, 0},
    {"valid UTF-8", S("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"), NULL, 0},
    {"C1 control U+009B",
     S("a\xc2\x9b"
       "b"),
     NULL, 0},
    {"U+2028 and bidi override", S("x\xe2\x80\xa8y\xe2\x80\xaez"), NULL, 0},
    {"lone continuation byte", S("a\x80z"), S("a" FFFD "z")},
    {"0xff", S("\xff"), S(FFFD)},
    {"overlong slash", S("\xc0\xaf"), S(FFFD FFFD)},
    {"surrogate", S("\xed\xa0\x80"), S(FFFD FFFD FFFD)},
    {"above U+10FFFF", S("\xf4\x90\x80\x80"), S(FFFD FFFD FFFD FFFD)},
    {"truncated 3-byte", S("\xe6\x97"), S(FFFD)},
    {"truncated then ASCII", S("\xe6\x97x"), S(FFFD "x")},
    {"e0 bad second", S("\xe0\x80\x80"), S(FFFD FFFD FFFD)},
    {"forge a field", S("x\",\"tenant\":{\"id\":\"victim\"},\"y\":\""), NULL, 0},
    {"forge a record", S("a\n{\"schema\":1,\"seq\":999,\"kind\":\"lifecycle\"}\n"), NULL, 0},
    {"json closers", S("}]}\"}"), NULL, 0},
};

static void fill(struct vj_event *ev, const char *s, size_t n)
{
	vj_event_init(ev, VJ_EV_ENFORCEMENT, "deny");
	ev->seq = 7;
	ev->time.tv_sec = 1764329640;
	ev->time.tv_nsec = 5;
	ev->host = "h1";
	ev->boot_id = "b";
	ev->tenant = "vm-1";
	ev->enforcer = "landlock";
	ev->pid = 42;
	ev->uid = 0;
	ev->comm = (struct vj_bytes){s, n};
	ev->path = (struct vj_bytes){s, n};
	ev->detail = (struct vj_bytes){s, n};
}

static bool bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

static void test_hostile(void)
{
	size_t nc = sizeof(cases) / sizeof(cases[0]);
	char *all = malloc(nc * VJ_JSON_LINE_MAX);
	size_t alllen = 0;
	static char line[VJ_JSON_LINE_MAX];
	for (size_t i = 0; i < nc; i++) {
		const struct hostile *h = &cases[i];
		struct vj_event ev;
		fill(&ev, h->in, h->len);
		int n = vj_event_to_json(&ev, line, sizeof(line));
		tap_ok(n > 0 && vj_json_valid_line(line, (size_t)n) &&
		           memchr(line, '\n', (size_t)n) == line + n - 1,
		       "%s: one valid line", h->name);
		/* Nothing JSON allows raw but a terminal would act on. */
		tap_ok(!memmem(line, (size_t)n, "\xc2\x9b", 2) &&
		           !memmem(line, (size_t)n, "\xe2\x80\xae", 3) &&
		           !memmem(line, (size_t)n, "\xe2\x80\xa8", 3) &&
		           !memchr(line, 0x1b, (size_t)n),
		       "%s: no raw C1, bidi, U+2028 or ESC in the line", h->name);
		size_t ol = 0;
		char *out = tu_jq("-j", ".actor.comm", line, (size_t)n, &ol);
		const char *want = h->want ? h->want : h->in;
		size_t wl = h->want ? h->wantlen : h->len;
		if (!tap_ok(out && bytes_eq(out, ol, want, wl), "%s: jq decodes the exact string",
		            h->name))
			tap_diag("line: %s", line);
		free(out);
		tap_ok(tu_jq_is("[.tenant.id,.seq,.kind,.object.path==.actor.comm,.truncated]",
		                line, (size_t)n, "[\"vm-1\",7,\"enforcement\",true,null]"),
		       "%s: envelope and tenant untouched", h->name);
		memcpy(all + alllen, line, (size_t)n);
		alllen += (size_t)n;
	}
	/* All records together: jq sees exactly one object per line. */
	char *cnt = tu_jq("-c", "select(type==\"object\") | .seq", all, alllen, NULL);
	size_t objs = cnt ? tu_count_lines(cnt, strlen(cnt)) + (cnt[0] != 0) : 0;
	tap_is_int(objs, nc, "jq reads %zu objects from %zu lines", nc, nc);
	tap_is_int(tu_count_lines(all, alllen), nc, "exactly %zu newlines in the stream", nc);
	free(cnt);
	free(all);
}

static void test_truncation(void)
{
	static char big[10000], line[VJ_JSON_LINE_MAX];
	memset(big, 'A', sizeof(big));
	big[4095] = '"'; /* an escape right at the cut */
	struct vj_event ev;
	fill(&ev, big, sizeof(big));
	int n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(n > 0 && vj_json_valid_line(line, (size_t)n), "10 KiB strings: one valid line");
	tap_ok(tu_jq_is("[(.actor.comm|length),(.object.path|length),.truncated]", line, (size_t)n,
	                "[4096,4096,true]"),
	       "10 KiB strings are cut to 4096 bytes with truncated:true");

	/* A 4-byte character straddling the cut is dropped whole, never split. */
	memset(big, 'B', sizeof(big));
	memcpy(big + 4094, "\xf0\x9f\x98\x80", 4);
	fill(&ev, big, 5000);
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(n > 0 && vj_json_valid_line(line, (size_t)n) &&
	           tu_jq_is(".actor.comm|length", line, (size_t)n, "4094"),
	       "cut never splits a UTF-8 character");

	/* Exactly 4096 bytes is not cut. */
	memset(big, 'C', sizeof(big));
	fill(&ev, big, 4096);
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(tu_jq_is("[(.actor.comm|length),.truncated]", line, (size_t)n, "[4096,null]"),
	       "a 4096-byte string is kept whole, no truncated flag");

	/* Every string at the limit and escaped 6x: still fits VJ_JSON_LINE_MAX. */
	memset(big, 0x01, sizeof(big));
	fill(&ev, big, sizeof(big));
	ev.exe = ev.addr = ev.message = ev.dev_name = ev.target_comm = ev.comm;
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(n > 0 && vj_json_valid_line(line, (size_t)n) &&
	           tu_jq_is(".truncated", line, (size_t)n, "true"),
	       "worst case (8 strings of control bytes) is cut harder and still valid (%d bytes)",
	       n);

	/* A small buffer: a cut record or -ENOSPC, never an overflow. */
	char small[400];
	fill(&ev, big, 300);
	n = vj_event_to_json(&ev, small, sizeof(small));
	tap_ok(n > 0 && (size_t)n < sizeof(small) && vj_json_valid_line(small, (size_t)n),
	       "400-byte buffer: a cut but valid record (%d)", n);
	n = vj_event_to_json(&ev, small, 20);
	tap_is_int(n, -ENOSPC, "20-byte buffer: -ENOSPC");
}

static void test_fields(void)
{
	static char line[VJ_JSON_LINE_MAX];
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_ENFORCEMENT, "deny");
	ev.seq = 1;
	ev.time.tv_sec = 1764329640;
	ev.time.tv_nsec = 123456789;
	ev.has_ioctl = true;
	ev.ioctl_request = 0xffffffff00005412ull; /* TIOCSTI with high bits */
	ev.ino = 0xfffffffffffffff0ull;
	ev.err = EACCES;
	ev.signal = SIGSYS;
	ev.syscall = 0;
	ev.arch = 0xc000003e;
	ev.landlock_domain = 0x195ba459bull;
	int n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(
	    tu_jq_is("[.time,.object.ioctl,.object.ino,.decision.errno,.decision.errno_name,"
	             ".object.signal_name,.decision.syscall_nr,.decision.arch,"
	             ".decision.landlock_domain]",
	             line, (size_t)n,
	             "[\"2025-11-28T11:34:00.123456789Z\",\"0xffffffff00005412\","
	             "\"18446744073709551600\",13,\"EACCES\",\"SYS\",0,\"x86_64\",\"195ba459b\"]"),
	    "RFC 3339 ns time; 64-bit values as exact strings; names for errno/signal/arch");
	tap_ok(tu_jq_is("[has(\"actor\"),has(\"lifecycle\"),has(\"loss\"),.actor.uid]", line,
	                (size_t)n, "[false,false,false,null]"),
	       "absent fields and empty groups are omitted (uid -1 is not 'root')");

	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exited");
	ev.exit_code = 0;
	ev.uid = 0;
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(tu_jq_is("[.kind,.type,.lifecycle.exit_code,.actor.uid]", line, (size_t)n,
	                "[\"lifecycle\",\"exited\",0,0]"),
	       "exit code 0 and uid 0 are present, not dropped as 'unset'");

	vj_event_init(&ev, VJ_EV_LOSS, "loss");
	ev.loss_source = "queue";
	ev.loss_count = 12;
	ev.since_seq = 100;
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(tu_jq_is(".loss", line, (size_t)n,
	                "{\"source\":\"queue\",\"count\":12,\"since_seq\":100}"),
	       "loss record fields");

	ev.kind = (enum vj_ev_kind)77; /* corrupted enum: still valid JSON */
	ev.type = "x\ny";
	n = vj_event_to_json(&ev, line, sizeof(line));
	tap_ok(tu_jq_is("[.kind,.type]", line, (size_t)n, "[\"unknown\",\"x\\ny\"]"),
	       "unknown kind and hostile type string stay inside their field");
}

static void bench(void)
{
	static char line[VJ_JSON_LINE_MAX];
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_ENFORCEMENT, "kill");
	ev.seq = 123456;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	ev.host = "host-01";
	ev.boot_id = "0b5a5c0e-7d1c-4f2e-9a39-1c6f3f0c2a11";
	ev.source = "kernel-audit";
	ev.tenant = "vm-0042";
	ev.vmm = "firecracker";
	ev.cgroup_id = 8812;
	ev.policy = "firecracker";
	ev.policy_hash = "sha256:3f1d2c";
	ev.pid = 31957;
	ev.uid = 10042;
	ev.comm = (struct vj_bytes){S("fc_vcpu 0")};
	ev.exe = (struct vj_bytes){S("/firecracker")};
	ev.enforcer = "seccomp";
	ev.syscall_name = "getppid";
	ev.syscall = 110;
	ev.arch = 0xc000003e;
	ev.action = "kill";
	ev.signal = SIGSYS;
	const int N = 300000;
	size_t total = 0;
	double t0 = tu_now();
	for (int i = 0; i < N; i++) {
		ev.seq++;
		total += (size_t)vj_event_to_json(&ev, line, sizeof(line));
	}
	double dt = tu_now() - t0;
	double rate = N / dt;
	tap_diag("encoder: %.0f records/s, %.0f ns/record, %.0f bytes/record", rate, dt / N * 1e9,
	         (double)total / N);
	/* Loose floor (ASan builds included): 10x below what a plain build does. */
	tap_ok(rate > 50000, "encoder sustains > 50k records/s (%.0f)", rate);
}

int main(void)
{
	test_hostile();
	test_truncation();
	test_fields();
	bench();
	return tap_done();
}
