// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel record decoder against a table of real, hostile and malformed
 * records: real ones decode to the exact fields, hostile values stay inside
 * their field (and come out of the encoder as one valid line), malformed ones
 * are refused and counted, never guessed.
 */
#include "audit/event.h"
#include "audit/jsonvalid.h"
#include "audit/kaudit.h"
#include "tests/c/test_audit_util.h"

#define MAXEV 8

struct got {
	int n;
	uint64_t lost; /* loss events' counts (refused denials), not in n */
	char json[MAXEV][VJ_JSON_LINE_MAX];
	struct vj_kaudit_attr at[MAXEV];
};

static void cb(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	struct got *g = ctx;
	if (ev->kind == VJ_EV_LOSS) {
		g->lost += ev->loss_count;
		return;
	}
	if (g->n >= MAXEV)
		return;
	ev->host = "h";
	if (vj_event_to_json(ev, g->json[g->n], sizeof(g->json[0])) < 0)
		g->json[g->n][0] = '\0';
	if (at)
		g->at[g->n] = *at;
	g->n++;
}

struct rec {
	int type;
	const char *text;
};

struct tcase {
	const char *name;
	struct rec recs[6];
	int want_events;
	const char *filter; /* jq over the first event */
	const char *want;
	int min_malformed;
};

#define SECCOMP_OK                                                                                 \
	"audit(1795865791.353:4): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=31957 "           \
	"comm=7363206B696C6C exe=\"/tmp/exp/nl\" sig=31 arch=c000003e syscall=110 compat=0 "       \
	"ip=0x7fe60f0f3829 code=0x80000000"

static const struct tcase cases[] = {
    {"seccomp kill (as seen on this kernel)",
     {{1326, SECCOMP_OK}},
     1,
     "[.kind,.type,.decision.enforcer,.decision.action,.decision.syscall,.decision.syscall_nr,"
     ".actor.pid,.actor.comm,.actor.exe,.actor.auid,.actor.ses,.object.signal,"
     ".kernel.audit_serial,.time]",
     "[\"enforcement\",\"kill\",\"seccomp\",\"kill\",\"getppid\",110,31957,\"sc kill\","
     "\"/tmp/exp/nl\",null,null,31,4,\"2026-11-28T11:36:31.353000000Z\"]",
     0},
    {"seccomp log",
     {{1326, "audit(1.000:5): auid=1000 uid=1000 gid=1000 ses=3 pid=9 comm=\"x\" exe=\"/x\" "
             "sig=0 arch=c000003e syscall=111 compat=0 ip=0x1 code=0x7ffc0000"}},
     1,
     "[.type,.decision.action,.actor.auid,.actor.ses,.object.signal]",
     "[\"log\",\"log\",1000,3,null]",
     0},
    {"seccomp errno: data bits decoded should a kernel log them (6.18 logs 0x50000)",
     {{1326, "audit(1.000:6): auid=1 uid=1 gid=1 ses=1 pid=9 comm=\"x\" exe=\"/x\" sig=0 "
             "arch=c000003e syscall=2 compat=0 ip=0x1 code=0x50001"}},
     1,
     "[.type,.decision.action,.decision.errno,.decision.errno_name]",
     "[\"deny\",\"errno\",1,\"EPERM\"]",
     0},
    {"seccomp i386 compat names the i386 syscall",
     {{1326, "audit(1.000:7): auid=1 uid=1 gid=1 ses=1 pid=9 comm=\"x\" exe=\"/x\" sig=31 "
             "arch=40000003 syscall=11 compat=1 ip=0x1 code=0x80000000"}},
     1,
     "[.decision.arch,.decision.syscall]",
     "[\"i386\",\"execve\"]",
     0},
    {"seccomp x32 syscall number is flagged",
     {{1326, "audit(1.000:8): auid=1 uid=1 gid=1 ses=1 pid=9 comm=\"x\" exe=\"/x\" sig=31 "
             "arch=c000003e syscall=1073742083 compat=0 ip=0x1 code=0x80000000"}},
     1,
     "[.decision.syscall_nr,.decision.syscall]",
     "[1073742083,\"x32\"]",
     0},
    {"landlock denial: ACCESS + DOMAIN + SYSCALL + EOE",
     {{1423, "audit(1795865791.353:2): domain=123637489 blockers=fs.read_file "
             "path=\"/etc/hostname\" dev=\"vda\" ino=733"},
      {1424, "audit(1795865791.353:2): domain=123637489 status=allocated mode=enforcing "
             "pid=31956 uid=0 exe=\"/tmp/exp/nl\" comm=\"nl\""},
      {1300, "audit(1795865791.353:2): arch=c000003e syscall=257 success=no exit=-13 "
             "a0=ffffff9c a1=55a6a90f9038 a2=0 a3=0 items=0 ppid=31955 pid=31956 "
             "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
             "tty=(none) ses=4294967295 comm=6C6C22780AFF exe=\"/tmp/exp/nl\" key=(null)"},
      {1327, "audit(1795865791.353:2): proctitle=\"./nl\""},
      {1320, "audit(1795865791.353:2): "}},
     1,
     "[.decision.enforcer,.decision.hook,.decision.landlock_domain,.object.path,"
     ".object.dev_name,.object.ino,.actor.pid,.actor.ppid,.decision.syscall,.decision.errno,"
     ".actor.comm]",
     "[\"landlock\",\"fs.read_file\",\"123637489\",\"/etc/hostname\",\"vda\",\"733\",31956,"
     "31955,\"openat\",13,\"ll\\\"x\\n\xef\xbf\xbd\"]",
     0},
    {"landlock hex-encoded hostile path",
     {{1423, "audit(2.000:9): domain=1 blockers=fs.write_file "
             "path=2F746D702F61207069643D31202270220A0A1B5B324A dev=\"vda\" ino=1"}},
     1,
     "[.object.path,.actor.pid]",
     "[\"/tmp/a pid=1 \\\"p\\\"\\n\\n\\u001b[2J\",null]",
     0},
    {"landlock tcp connect",
     {{1423, "audit(2.000:10): domain=1a blockers=net.connect_tcp daddr=127.0.0.1 dest=80"}},
     1,
     "[.decision.hook,.object.family,.object.addr,.object.port]",
     "[\"net.connect_tcp\",\"inet\",\"127.0.0.1\",80]",
     0},
    {"landlock signal scope",
     {{1423, "audit(2.000:11): domain=1a blockers=scope.signal opid=1 ocomm=\"systemd\""}},
     1,
     "[.decision.hook,.object.target_pid,.object.target_comm]",
     "[\"scope.signal\",1,\"systemd\"]",
     0},
    {"landlock ioctl on a device",
     {{1423, "audit(2.000:12): domain=1a blockers=fs.ioctl_dev path=\"/dev/tty\" dev=\"devtmpfs\" "
             "ino=5 ioctlcmd=0x5412"}},
     1,
     "[.decision.hook,.object.ioctl]",
     "[\"fs.ioctl_dev\",\"0x5412\"]",
     0},
    {"apparmor denial",
     {{1400, "audit(3.000:13): apparmor=\"DENIED\" operation=\"open\" class=\"file\" "
             "profile=\"vmjail-vm1\" name=\"/etc/shadow\" pid=77 comm=\"qemu\" "
             "requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=0"}},
     1,
     "[.decision.enforcer,.decision.action,.decision.hook,.decision.rule,.object.path,"
     ".actor.pid,.object.detail]",
     "[\"apparmor\",\"deny\",\"open\",\"vmjail-vm1\",\"/etc/shadow\",77,\"r\"]",
     0},
    {"apparmor hex-encoded hostile name and comm (a tenant picks both)",
     {{1400, "audit(3.000:16): apparmor=\"DENIED\" operation=\"open\" profile=\"vmjail-b\" "
             "name=2F746D702F61222070726F66696C653D22766D6A61696C2D61220A62 pid=77 "
             "comm=780A79 requested_mask=\"r\" denied_mask=\"r\""}},
     1,
     "[.decision.rule,.object.path,.actor.comm]",
     "[\"vmjail-b\",\"/tmp/a\\\" profile=\\\"vmjail-a\\\"\\nb\",\"x\\ny\"]",
     0},
    {"selinux AVC (type 1400 without apparmor=) is not ours",
     {{1400, "audit(3.000:14): avc:  denied  { read } for  pid=1 comm=\"x\" "
             "scontext=a tcontext=b tclass=file permissive=0"}},
     0,
     NULL,
     NULL,
     0},
    {"SYSCALL alone is context, not an event",
     {{1300, "audit(3.000:15): arch=c000003e syscall=1 success=yes exit=1 pid=5 uid=0"}},
     0,
     NULL,
     NULL,
     0},
    /* ---- hostile and malformed ---- */
    {"forged pid inside quoted comm cannot become a field",
     {{1326, "audit(4.000:16): pid=5 comm=\"a pid=6\" exe=\"/x\" sig=31 arch=c000003e "
             "syscall=1 code=0x80000000"}},
     1,
     "[.actor.pid,.actor.comm]",
     "[5,\"a pid=6\"]",
     0},
    {"second pid= later in the record is ignored (first wins)",
     {{1326, "audit(4.000:17): pid=5 comm=\"x\" code=0x80000000 arch=c000003e syscall=1 pid=6"}},
     1,
     ".actor.pid",
     "5",
     0},
    {"odd-length hex comm is dropped",
     {{1326, "audit(4.000:18): pid=5 comm=ABC exe=\"/x\" code=0x80000000 arch=c000003e "
             "syscall=1"}},
     1,
     ".actor|has(\"comm\")",
     "false",
     0},
    {"non-hex comm is dropped",
     {{1326, "audit(4.000:19): pid=5 comm=ZZ exe=\"/x\" code=0x80000000 arch=c000003e "
             "syscall=1"}},
     1,
     ".actor|has(\"comm\")",
     "false",
     0},
    {"unterminated quote: the rest of the record is not trusted",
     {{1326, "audit(4.000:20): pid=5 comm=\"abc exe=\"/x\" code=0x80000000"}},
     0,
     NULL,
     NULL,
     1},
    {"seccomp without code is refused",
     {{1326, "audit(4.000:21): pid=5 comm=\"x\" arch=c000003e syscall=1"}},
     0,
     NULL,
     NULL,
     1},
    {"seccomp without pid is refused",
     {{1326, "audit(4.000:22): comm=\"x\" code=0x80000000 arch=c000003e syscall=1"}},
     0,
     NULL,
     NULL,
     1},
    {"pid overflow is refused (field dropped, record refused)",
     {{1326, "audit(4.000:23): pid=99999999999999999999999 code=0x80000000"}},
     0,
     NULL,
     NULL,
     1},
    {"code wider than 32 bits is refused",
     {{1326, "audit(4.000:24): pid=5 code=0x1ffffffff"}},
     0,
     NULL,
     NULL,
     1},
    {"syscall number overflow keeps the event, drops the number",
     {{1326, "audit(4.000:25): pid=5 code=0x80000000 arch=c000003e syscall=4294967296"}},
     1,
     ".decision|has(\"syscall_nr\")",
     "false",
     0},
    {"signal out of range is dropped",
     {{1326, "audit(4.000:26): pid=5 code=0x80000000 sig=1000"}},
     1,
     ".object|has(\"signal\")",
     "false",
     0},
    {"bad header: no audit( prefix",
     {{1326, "adit(4.000:27): pid=5 code=0x80000000"}},
     0,
     NULL,
     NULL,
     1},
    {"bad header: msec not 3 digits",
     {{1326, "audit(4.00:28): pid=5 code=0x80000000"}},
     0,
     NULL,
     NULL,
     1},
    {"bad header: serial overflow",
     {{1326, "audit(4.000:184467440737095516160): pid=5 code=0x80000000"}},
     0,
     NULL,
     NULL,
     1},
    {"bad header: missing ')'", {{1326, "audit(4.000:29 pid=5 code=0x80000000"}}, 0, NULL, NULL, 1},
    {"empty record", {{1326, ""}}, 0, NULL, NULL, 1},
    {"landlock without domain is refused",
     {{1423, "audit(5.000:30): blockers=fs.read_file path=\"/x\""}},
     0,
     NULL,
     NULL,
     1},
    {"landlock blockers with control bytes are refused",
     {{1423, "audit(5.000:31): domain=1 blockers=\"fs.read\x01\" path=\"/x\""}},
     0,
     NULL,
     NULL,
     1},
    {"landlock port out of range is dropped",
     {{1423, "audit(5.000:32): domain=1 blockers=net.bind_tcp saddr=::1 src=70000"}},
     1,
     "[.object.family,.object.port]",
     "[\"inet6\",null]",
     0},
    {"SYSCALL of the same event cannot override the denial's own fields",
     {{1423, "audit(5.000:33): domain=1 blockers=fs.read_file path=\"/a\""},
      {1300, "audit(5.000:33): arch=c000003e syscall=257 success=no exit=-99999 pid=4 "
             "path=\"/b\""}},
     1,
     "[.object.path,.actor.pid,.decision.errno]",
     "[\"/a\",4,null]",
     0},
    {"records of another event do not mix in",
     {{1423, "audit(5.000:34): domain=1 blockers=fs.read_file path=\"/a\""},
      {1300, "audit(5.000:35): arch=c000003e syscall=257 success=no exit=-13 pid=4"}},
     1,
     "[.actor.pid,.decision.errno]",
     "[null,null]",
     0},
    {"kernel trailing NUL is tolerated",
     {{1326, "audit(6.000:36): pid=5 comm=\"x\" code=0x80000000 arch=c000003e syscall=1\0"}},
     1,
     ".actor.pid",
     "5",
     0},
};

static void run_case(const struct tcase *t)
{
	struct vj_kaudit *k;
	struct vj_err e = {0};
	static struct got g;
	g.n = 0;
	g.lost = 0;
	if (vj_kaudit_new(&k, cb, &g, &e) < 0) {
		tap_ok(0, "%s: decoder", t->name);
		return;
	}
	for (int i = 0; i < 6 && t->recs[i].text; i++) {
		size_t len = strlen(t->recs[i].text);
		/* the NUL test case: feed the terminating NUL too */
		if (strstr(t->name, "trailing NUL"))
			len++;
		vj_kaudit_feed(k, t->recs[i].type, t->recs[i].text, len);
	}
	vj_kaudit_flush(k);
	struct vj_kaudit_stats st;
	vj_kaudit_get_stats(k, &st);
	vj_kaudit_close(k);
	if (!tap_ok(g.n == t->want_events, "%s: %d event(s)", t->name, t->want_events))
		tap_diag("got %d", g.n);
	bool valid = true;
	for (int i = 0; i < g.n; i++)
		valid = valid && vj_json_valid_line(g.json[i], strlen(g.json[i]));
	tap_ok(valid, "%s: every event encodes to one valid line", t->name);
	if (t->filter && g.n > 0)
		tap_ok(tu_jq_is(t->filter, g.json[0], strlen(g.json[0]), t->want), "%s: fields",
		       t->name);
	if (t->min_malformed)
		tap_ok(st.malformed >= (uint64_t)t->min_malformed, "%s: counted as malformed",
		       t->name);
	/* A refused denial is missing from the stream: one loss ("decode") says
	 * so; nothing else is reported lost. */
	uint64_t want_lost = t->want_events == 0 && t->min_malformed > 0;
	if (!tap_ok(g.lost == want_lost, "%s: %llu reported lost", t->name,
	            (unsigned long long)want_lost))
		tap_diag("got %llu", (unsigned long long)g.lost);
}

static void test_attr(void)
{
	struct vj_kaudit *k;
	struct vj_err e = {0};
	static struct got g;
	g.n = 0;
	vj_kaudit_new(&k, cb, &g, &e);
	const struct tcase *t = &cases[5]; /* the Landlock event */
	for (int i = 0; t->recs[i].text; i++)
		vj_kaudit_feed(k, t->recs[i].type, t->recs[i].text, strlen(t->recs[i].text));
	tap_is_int(g.n, 1, "EOE closes the event at once (no flush needed)");
	tap_ok(g.at[0].landlock_domain == 0x123637489ull && g.at[0].domain_pid == 31956 &&
	           g.at[0].pid == 31956 && g.at[0].ppid == 31955 && g.at[0].ses == -1 &&
	           g.at[0].auid == -1 && g.at[0].uid == 0 && g.at[0].serial == 2,
	       "attribution keys: domain, domain creator, pid, ppid, unset ses/auid");
	vj_kaudit_close(k);
}

/* Whose AppArmor record?  vj_kaudit_aa_tenant (the one rule of the
 * supervisor and vmjaild) on records shaped like 6.1's, asked for one id. */
struct aa_got {
	const char *id;
	int n;
	bool mine;
};

static void aa_cb(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	struct aa_got *g = ctx;
	g->n++;
	g->mine = vj_kaudit_aa_tenant(at, g->id); /* at's strings live only until we return */
}

static void aa_is(const char *fields, const char *id, bool want, const char *name)
{
	struct vj_kaudit *k;
	struct vj_err e = {0};
	struct aa_got g = {.id = id};
	char rec[600];
	if (vj_kaudit_new(&k, aa_cb, &g, &e) < 0) {
		tap_ok(0, "apparmor owner: decoder");
		return;
	}
	int n = snprintf(rec, sizeof(rec),
	                 "audit(9.000:77): apparmor=\"DENIED\" %s pid=88 comm=\"x\"", fields);
	vj_kaudit_feed(k, 1400, rec, (size_t)n);
	vj_kaudit_flush(k);
	vj_kaudit_close(k);
	if (!tap_ok(g.n == 1 && g.mine == want, "apparmor owner: %s", name))
		tap_diag("events %d, tenant %s: %s", g.n, id, g.mine ? "mine" : "not mine");
}

/* record bodies with the profile, masks and peer to fill in (macros:
 * -Wformat-nonliteral) */
#define AA_OPEN                                                                                    \
	"operation=\"open\" profile=\"%s\" name=\"/dev/\" requested_mask=\"r\" denied_mask=\"r\""
#define AA_SIG                                                                                     \
	"operation=\"signal\" profile=\"%s\" requested_mask=\"%s\" denied_mask=\"%s\" "            \
	"signal=term "                                                                             \
	"peer=\"%s\""
#define AA_PT                                                                                      \
	"operation=\"ptrace\" profile=\"%s\" requested_mask=\"%s\" denied_mask=\"%s\" peer=\"%s\""

static void test_aa_owner(void)
{
	char f[300];
	snprintf(f, sizeof(f), AA_OPEN, "vmjail-a");
	aa_is(f, "a", true, "profile vmjail-a is tenant a's");
	aa_is(f, "a-b", false, "profile vmjail-a is not tenant a-b's");
	snprintf(f, sizeof(f), AA_OPEN, "vmjail-a-b");
	aa_is(f, "a", false, "profile vmjail-a-b is not tenant a's (whole name, not a prefix)");
	aa_is(f, "a-b", true, "profile vmjail-a-b is tenant a-b's");
	snprintf(f, sizeof(f), AA_OPEN, "vmjail-ab");
	aa_is(f, "a", false, "profile vmjail-ab is not tenant a's");
	snprintf(f, sizeof(f), AA_OPEN, "vmjail-a//null-/bin/sh");
	aa_is(f, "a", true, "a child of vmjail-a (//null-...) is tenant a's");
	snprintf(f, sizeof(f), AA_OPEN, "vmjail.canary-123");
	aa_is(f, "canary-123", false,
	      "the probe's canary profile (vmjail.canary-<pid>) is nobody's");
	snprintf(f, sizeof(f), AA_OPEN, "xvmjail-a");
	aa_is(f, "a", false, "profile xvmjail-a is nobody's");
	aa_is("namespace=\"root//lxd-c\" operation=\"open\" profile=\"vmjail-a\" name=\"/x\"", "a",
	      false,
	      "vmjail-a of another policy namespace (a container's root loads it) is not a's");
	aa_is("operation=\"open\" label=\"vmjail-a//&other\" name=\"/x\"", "a", false,
	      "a stacked subject (label=, no profile=) names nobody");
	/* "vmjail-a" hex-encoded: the kernel hex-encodes only names with spaces
	 * or quotes, which vmjail's never have */
	aa_is("operation=\"open\" profile=766D6A61696C2D61 name=\"/x\"", "a", false,
	      "a hex-encoded profile name is nobody's");
	/* the name of the hostile case above: its bytes say profile="vmjail-a" */
	aa_is("operation=\"open\" profile=\"vmjail-b\" "
	      "name=2F746D702F61222070726F66696C653D22766D6A61696C2D61220A62",
	      "a", false, "a hex-encoded name saying profile=\"vmjail-a\" does not count");
	aa_is("operation=\"open\" profile=\"vmjail-b\" name=\"/x\" info=\"vmjail-a\"", "a", false,
	      "another field saying vmjail-a does not count");
	/* signal and ptrace are checked on both sides: the target's profile
	 * refusing to *be* signalled/traced names the sender as peer= */
	snprintf(f, sizeof(f), AA_SIG, "vmjail-a", "send", "send", "vmjail-b");
	aa_is(f, "a", true, "a's signal to b, a's side (send): a's");
	aa_is(f, "b", false, "a's signal to b, a's side (send): not b's");
	snprintf(f, sizeof(f), AA_SIG, "vmjail-b", "receive", "receive", "vmjail-a");
	aa_is(f, "a", true, "a's signal to b, b's side (receive): the actor a's");
	aa_is(f, "b", false, "a's signal to b, b's side (receive): not b's");
	snprintf(f, sizeof(f), AA_PT, "vmjail-b", "tracedby", "tracedby", "vmjail-a");
	aa_is(f, "a", true, "a's ptrace of b, b's side (tracedby): a's");
	aa_is(f, "b", false, "a's ptrace of b, b's side (tracedby): not b's");
	snprintf(f, sizeof(f), AA_PT, "vmjail-b", "readby", "readby", "unconfined");
	aa_is(f, "b", false, "an unconfined reader of b (readby): not b's");
}

static void test_grouping_limits(void)
{
	struct vj_kaudit *k;
	struct vj_err e = {0};
	static struct got g;
	char rec[256];
	g.n = 0;
	vj_kaudit_new(&k, cb, &g, &e);
	/* 40 interleaved events: more than can be open; none lost, all dispatched. */
	for (int i = 0; i < 40; i++) {
		snprintf(
		    rec, sizeof(rec),
		    "audit(7.000:%d): pid=%d comm=\"x\" code=0x80000000 arch=c000003e syscall=1",
		    100 + i, 1000 + i);
		vj_kaudit_feed(k, 1326, rec, strlen(rec));
	}
	int before_flush = g.n;
	vj_kaudit_flush(k);
	struct vj_kaudit_stats st;
	vj_kaudit_get_stats(k, &st);
	tap_ok(before_flush == 8 && st.evicted == 8 && st.events == 40,
	       "open events are capped; the oldest are flushed early, none dropped "
	       "(early %d, evicted %llu, events %llu)",
	       before_flush, (unsigned long long)st.evicted, (unsigned long long)st.events);
	/* A group cannot grow past its record cap; what does not fit is lost,
	 * and reported so. */
	g.n = 0;
	g.lost = 0;
	vj_kaudit_get_stats(k, &st);
	uint64_t ev0 = st.events;
	for (int i = 0; i < 100; i++) {
		snprintf(rec, sizeof(rec), "audit(8.000:1): domain=1 blockers=fs.read_file ino=%d",
		         i);
		vj_kaudit_feed(k, 1423, rec, strlen(rec));
	}
	vj_kaudit_flush(k);
	tap_ok(g.n <= 12, "one event with 100 records yields at most 12 denials (%d)", g.n);
	vj_kaudit_get_stats(k, &st);
	/* denials from the stats: the callback keeps at most MAXEV */
	tap_ok(st.events - ev0 + g.lost == 100,
	       "  the others are reported lost (%llu denials + %llu lost)",
	       (unsigned long long)(st.events - ev0), (unsigned long long)g.lost);
	/* Oversized record is refused. */
	char *huge = malloc(20000);
	memset(huge, 'a', 20000);
	memcpy(huge, "audit(9.000:1): pid=1 code=0", 28);
	vj_kaudit_get_stats(k, &st);
	uint64_t m0 = st.malformed;
	vj_kaudit_feed(k, 1326, huge, 20000);
	vj_kaudit_get_stats(k, &st);
	tap_ok(st.malformed == m0 + 1, "a record longer than the kernel's maximum is refused");
	g.lost = 0;
	vj_kaudit_flush(k);
	tap_ok(g.lost == 1, "  and reported lost at the next flush (%llu)",
	       (unsigned long long)g.lost);
	free(huge);
	vj_kaudit_close(k);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_attr();
	test_aa_owner();
	test_grouping_limits();
	return tap_done();
}
