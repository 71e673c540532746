// SPDX-License-Identifier: Apache-2.0
/*
 * Real kernel events through the NETLINK_AUDIT multicast source:
 *  - a seccomp KILL_PROCESS of getppid in a forked child (with a hostile
 *    comm) arrives with that child's pid, syscall, signal and session;
 *  - a seccomp LOG and an ERRNO-with-log arrive with their actions;
 *  - a Landlock denial after execve (LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON)
 *    of a file with a hostile name arrives with the exact path, while kernel
 *    audit is enabled by vj_kaudit_enable_acquire, and the previous audit
 *    state is back after the release.
 */
#include "audit/event.h"
#include "audit/jsonvalid.h"
#include "audit/kaudit.h"
#include "tests/c/test_audit_util.h"

#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif

#define MAXEV 64

struct seen {
	int n;
	pid_t want_pid; /* 0: any */
	char json[MAXEV][4096];
	struct vj_kaudit_attr at[MAXEV];
};

static struct seen g_seen; /* what the callback fills; each test resets it */

static void cb(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	struct seen *s = &g_seen;
	(void)ctx;
	if (!at || s->n >= MAXEV || (s->want_pid && at->pid != s->want_pid))
		return;
	if (vj_event_to_json(ev, s->json[s->n], sizeof(s->json[0])) < 0)
		return;
	s->at[s->n++] = *at;
}

/* Poll the source until want events for the pid arrived or timeout_ms passed. */
static void wait_events(struct vj_kaudit *k, struct seen *s, int want, int timeout_ms)
{
	double end = tu_now() + timeout_ms / 1000.0;
	while (s->n < want && tu_now() < end) {
		int t = vj_kaudit_timeout_ms(k);
		struct pollfd p = {.fd = vj_kaudit_fd(k), .events = POLLIN};
		poll(&p, 1, t < 0 || t > 50 ? 50 : t);
		vj_kaudit_drain(k);
		vj_kaudit_tick(k);
	}
}

static long my_ses(void)
{
	char b[32] = {0};
	int fd = open("/proc/self/sessionid", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	unsigned long v = strtoul(b, NULL, 10);
	return v >= 4294967295ul ? -1 : (long)v;
}

static pid_t child_seccomp(uint32_t action, int sys, unsigned log_flag, const char *comm)
{
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_SET_NAME, comm, 0, 0, 0);
		scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
		if (!c || seccomp_rule_add(c, action, sys, 0) < 0 ||
		    (log_flag && seccomp_attr_set(c, SCMP_FLTATR_CTL_LOG, 1) < 0) ||
		    seccomp_load(c) < 0)
			_exit(2);
		syscall(sys);
		_exit(0);
	}
	return p;
}

static void test_seccomp(struct vj_kaudit *k)
{
	struct seen *s = &g_seen;
	/* comm: a quote, a space, a newline and a byte that is not UTF-8 */
	const char hostile_comm[] = "k\"i l\n\xff";
	memset(s, 0, sizeof(*s));
	pid_t p = child_seccomp(SCMP_ACT_KILL_PROCESS, SCMP_SYS(getppid), 0, hostile_comm);
	s->want_pid = p;
	int st;
	waitpid(p, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "child killed by SIGSYS (status %#x)",
	       st);
	wait_events(k, s, 1, 3000);
	if (!tap_ok(s->n == 1, "seccomp kill read from the netlink source (%d event)", s->n))
		return;
	char want[512];
	long ses = my_ses();
	snprintf(want, sizeof(want),
	         "[\"enforcement\",\"kill\",\"seccomp\",\"kill\",\"getppid\",%d,%d,31,\"SYS\","
	         "\"x86_64\",\"kernel-audit\",%s]",
	         SCMP_SYS(getppid), p, ses >= 0 ? "true" : "false");
	tap_ok(tu_jq_is("[.kind,.type,.decision.enforcer,.decision.action,.decision.syscall,"
	                ".decision.syscall_nr,.actor.pid,.object.signal,.object.signal_name,"
	                ".decision.arch,.source,(.actor|has(\"ses\"))]",
	                s->json[0], strlen(s->json[0]), want),
	       "kill event: type, syscall name and number, pid %d, SIGSYS, arch", p);
	tap_is_int(s->at[0].ses, ses, "ses in the attribution matches the child's session");
	tap_is_int(s->at[0].pid, p, "pid in the attribution is the child");
	/* Kernel comm is 15 bytes max and our comm was shorter: all of it survives. */
	tap_ok(
	    tu_jq_is(".actor.comm", s->json[0], strlen(s->json[0]), "\"k\\\"i l\\n\xef\xbf\xbd\""),
	    "hostile comm decoded from hex, escaped, invalid byte as U+FFFD");
	tap_ok(vj_json_valid_line(s->json[0], strlen(s->json[0])), "one valid JSON line");
	tap_ok(tu_jq_is(".time|test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\\\.[0-9]{9}Z$\")",
	                s->json[0], strlen(s->json[0]), "true"),
	       "time is the kernel's event time in RFC 3339 with ns");
}

static void test_seccomp_log_errno(struct vj_kaudit *k)
{
	struct seen *s = &g_seen;
	memset(s, 0, sizeof(*s));
	pid_t p = child_seccomp(SCMP_ACT_LOG, SCMP_SYS(getpgrp), 0, "vj-log");
	s->want_pid = p;
	int st;
	waitpid(p, &st, 0);
	wait_events(k, s, 1, 3000);
	tap_ok(s->n == 1 && tu_jq_is("[.type,.decision.action,.decision.syscall]", s->json[0],
	                             strlen(s->json[0]), "[\"log\",\"log\",\"getpgrp\"]"),
	       "seccomp RET_LOG arrives as type log");

	memset(s, 0, sizeof(*s));
	p = child_seccomp(SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getpgrp), 1, "vj-errno");
	s->want_pid = p;
	waitpid(p, &st, 0);
	wait_events(k, s, 1, 3000);
	/* The kernel logs code=0x50000: the errno value itself is not in the record. */
	tap_ok(s->n == 1 && tu_jq_is("[.type,.decision.action,.decision.syscall]", s->json[0],
	                             strlen(s->json[0]), "[\"deny\",\"errno\",\"getpgrp\"]"),
	       "seccomp ERRNO(EPERM) with the log flag arrives as deny/errno");
}

static int landlock_child(const char *target)
{
	struct landlock_ruleset_attr ra = {.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE};
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (rfd < 0)
		return 3;
	/* cat, its loader and libraries stay readable; the scratch dir does not. */
	static const char *const allowed[] = {"/usr", "/lib", "/lib64", "/bin", "/etc"};
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		struct landlock_path_beneath_attr pb = {
		    .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
		    .parent_fd = open(allowed[i], O_PATH | O_CLOEXEC),
		};
		if (pb.parent_fd < 0)
			continue;
		if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			return 7;
		close(pb.parent_fd);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 4;
	if (syscall(SYS_landlock_restrict_self, rfd, LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON) < 0)
		return 5;
	/* The denial must come from the exec'd program, like a jailed VMM's would. */
	execl("/bin/cat", "cat", target, (char *)NULL);
	return 6;
}

static void test_landlock(struct vj_kaudit *k, const char *dir)
{
	struct seen *s = &g_seen;
	char target[512];
	struct vj_err e = {0};
	int before = -1, during = -1, after = -1;
	/*
	 * The enable is host-wide state: use the real run_dir, where every
	 * vmjail user of this host counts, not a private one.
	 */
	const char *run_dir = "/run/vmjail";
	/* A name the kernel must hex-encode: space, quote, newline, ESC. */
	snprintf(target, sizeof(target), "%s/evil \"name\"\n\x1b[1m", dir);
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		tap_ok(write(fd, "secret\n", 7) == 7, "target file written");
		close(fd);
	} else {
		tap_ok(0, "target file created");
	}
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* VERSION */);
	if (abi < 7) {
		for (int i = 0; i < 10; i++)
			printf("ok %d # SKIP Landlock ABI %d < 7: no audit of denials\n", ++tap_n,
			       abi);
		return;
	}
	int grc = vj_kaudit_get_enabled(&before, &e);
	tap_ok(grc == 0 && before >= 0, "AUDIT_GET works (enabled=%d)", before);
	struct vj_kaudit_enable *en = NULL;
	int rc = vj_kaudit_enable_acquire(run_dir, &en, &e);
	if (!tap_ok(rc == 0, "audit enable acquired"))
		tap_diag("%s", e.msg);
	vj_kaudit_get_enabled(&during, &e);
	tap_ok(during >= 1, "kernel audit is enabled while held (%d)", during);

	memset(s, 0, sizeof(*s));
	pid_t p = fork();
	if (p == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		dup2(devnull, 1);
		_exit(landlock_child(target));
	}
	s->want_pid = p;
	int st;
	waitpid(p, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	       "cat in the Landlock domain failed to read "
	       "(status %#x)",
	       st);
	wait_events(k, s, 1, 3000);
	vj_kaudit_enable_release(en);
	vj_kaudit_get_enabled(&after, &e);
	struct stat sst;
	char state[300], users[300];
	snprintf(state, sizeof(state), "%s/audit-state", run_dir);
	snprintf(users, sizeof(users), "%s/audit-users", run_dir);
	/* Jails launched by other tests may hold the enable too: then it must stay on. */
	int ufd = open(users, O_RDONLY | O_CLOEXEC);
	bool last = ufd >= 0 && flock(ufd, LOCK_EX | LOCK_NB) == 0;
	if (ufd >= 0)
		close(ufd);
	if (last) {
		tap_is_int(after, before, "last user gone: previous audit state restored");
		tap_ok(stat(state, &sst) == 0 && sst.st_size == 0,
		       "state file emptied by the last user");
	} else {
		tap_ok(after >= 1, "another vmjail user holds the enable: audit stays on (%d)",
		       after);
		tap_ok(stat(state, &sst) == 0 && sst.st_size > 0,
		       "state file still remembers the value to restore");
	}

	if (!tap_ok(s->n >= 1, "Landlock denial read from the netlink source (%d)", s->n))
		return;
	size_t tl = strlen(target);
	size_t ol = 0;
	char *path = tu_jq("-j", ".object.path", s->json[0], strlen(s->json[0]), &ol);
	tap_ok(path && ol == tl && memcmp(path, target, tl) == 0,
	       "the exact hostile path round-trips (hex in the record, escaped in JSON)");
	free(path);
	tap_ok(tu_jq_is("[.decision.enforcer,.decision.hook,.decision.errno_name,.actor.comm,"
	                ".decision.syscall,(.decision.landlock_domain|length>0)]",
	                s->json[0], strlen(s->json[0]),
	                "[\"landlock\",\"fs.read_file\",\"EACCES\",\"cat\",\"openat\",true]"),
	       "enforcer, blocker, EACCES, comm of the exec'd program, syscall, domain id");
	tap_ok(s->at[0].landlock_domain != 0 && s->at[0].domain_pid == p,
	       "attribution: domain created by the child (pid %d)", s->at[0].domain_pid);
}

int main(void)
{
	tu_require_root();
	char *dir = tu_tmpdir();
	struct vj_err re = {0};
	/* A previous run that died holding the enable: put audit back first. */
	vj_kaudit_enable_reconcile("/run/vmjail", &re);
	struct vj_kaudit *k;
	struct vj_err e = {0};
	if (vj_kaudit_open(&k, cb, NULL, &e) < 0) {
		printf("Bail out! cannot open the audit netlink source: %s\n", e.msg);
		return 255;
	}
	vj_kaudit_close(k);
	if (vj_kaudit_open(&k, cb, NULL, &e) < 0)
		return 255;
	test_seccomp(k);
	vj_kaudit_close(k);
	vj_kaudit_open(&k, cb, NULL, &e);
	test_seccomp_log_errno(k);
	vj_kaudit_close(k);
	vj_kaudit_open(&k, cb, NULL, &e);
	test_landlock(k, dir);
	vj_kaudit_close(k);
	tu_rmrf(dir);
	free(dir);
	return tap_done();
}
