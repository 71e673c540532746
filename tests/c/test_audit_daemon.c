// SPDX-License-Identifier: Apache-2.0
/*
 * vmjaild end to end, with the real binary and the real emitter:
 *  - lifecycle records spooled while no daemon ran are written when it starts;
 *  - kill -9 and restart twice while a supervisor emits: no lifecycle record
 *    is lost, and every missing enforcement record is covered by a loss record;
 *  - `vmjaild follow --tenant` sees exactly its tenant's records;
 *  - a subscriber that never reads does not slow the emitters or a fast
 *    subscriber, and is told what it lost;
 *  - SIGHUP reopens the log; the log rotates at its size limit;
 *  - a seccomp kill of a process a supervisor announced is attributed to
 *    that supervisor's tenant.
 */
#include "audit/audit.h"
#include "audit/kaudit.h"
#include "tests/c/test_audit_util.h"

#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

static char *dir, vmjaild[512];

static char *P(const char *name)
{
	static char p[8][600];
	static int i;
	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static bool wait_for(bool (*cond)(const char *), const char *arg, double secs)
{
	double end = tu_now() + secs;
	while (tu_now() < end) {
		if (cond(arg))
			return true;
		usleep(10000);
	}
	return cond(arg);
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static bool dir_empty(const char *p)
{
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "[ -z \"$(ls -A '%s' 2>/dev/null)\" ]", p);
	return system(cmd) == 0;
}

/* Start vmjaild with run dir R (relative to dir) and extra args; wait until it listens. */
static pid_t daemon_start(const char *run, const char *const *extra)
{
	char rd[600];
	snprintf(rd, sizeof(rd), "%s", P(run));
	char sock[700];
	snprintf(sock, sizeof(sock), "%s/vmjaild.sock", rd);
	unlink(sock); /* a socket left by a killed daemon must not count as "up" */
	const char *argv[32] = {vmjaild, "--run-dir", rd};
	int n = 3;
	for (int i = 0; extra && extra[i] && n < 30; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t p = fork();
	if (p == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execv(vmjaild, (char *const *)argv);
		_exit(127);
	}
	if (!wait_for(exists, sock, 5))
		tap_diag("vmjaild did not create %s", sock);
	return p;
}

static int daemon_stop(pid_t p, int sig)
{
	int st = -1;
	kill(p, sig);
	waitpid(p, &st, 0);
	return st;
}

static struct vj_audit *emitter(const char *run, const char *tenant, const char *log)
{
	struct vj_audit_cfg cfg = {.run_dir = P(run),
	                           .tenant = tenant,
	                           .log_path = log,
	                           .vmm = "firecracker",
	                           .policy = "default",
	                           .policy_hash = "sha256:00"};
	struct vj_audit *a = NULL;
	struct vj_err e = {0};
	if (vj_audit_open(&a, &cfg, &e) < 0)
		tap_diag("vj_audit_open: %s", e.msg);
	return a;
}

static void lifecycle(struct vj_audit *a, const char *type)
{
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, type);
	vj_audit_emit(a, &ev);
}

static void enforcement(struct vj_audit *a)
{
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_ENFORCEMENT, "deny");
	ev.enforcer = "exec-once";
	ev.hook = "execve";
	ev.action = "deny";
	ev.path = (struct vj_bytes){"/bin/sh", 7};
	vj_audit_emit(a, &ev);
}

/* Numbers printed one per line by jq into a malloc'd array. */
static size_t jq_numbers(const char *filter, const char *data, size_t len, uint64_t **out)
{
	char *s = tu_jq("-r", filter, data, len, NULL);
	size_t n = 0, cap = 16;
	*out = malloc(cap * sizeof(**out));
	for (char *p = s, *end; p && *p; p = end) {
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)
			break;
		if (n == cap)
			*out = realloc(*out, (cap *= 2) * sizeof(**out));
		(*out)[n++] = v;
		while (*end == '\n')
			end++;
	}
	free(s);
	return n;
}

static bool has(const uint64_t *v, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void test_spool_on_start(void)
{
	tap_ok(tu_stale_daemon_socket(P("r1")) == 0, "r1 has a dead daemon's socket");
	struct vj_audit *a = emitter("r1", "ta", NULL);
	lifecycle(a, "created");
	lifecycle(a, "exec");
	lifecycle(a, "exited");
	vj_audit_close(a);
	tap_ok(!dir_empty(P("r1/spool")), "records wait in the spool while no daemon runs");
	const char *args[] = {"--kernel", "off", "--log", P("r1.log"), NULL};
	pid_t d = daemon_start("r1", args);
	bool drained = wait_for(dir_empty, P("r1/spool"), 5);
	int st = daemon_stop(d, SIGTERM);
	tap_ok(drained, "the daemon ingests the spool on start and empties it");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGTERM: exit status 0 (%#x)", st);
	size_t n;
	char *log = tu_read_file(P("r1.log"), &n);
	tap_ok(log && tu_jqs_is("map(select(.tenant.id==\"ta\")) | [map(.type), (map(.seq) == "
	                        "(map(.seq) | sort))]",
	                        log, n, "[[\"created\",\"exec\",\"exited\"],true]"),
	       "created, exec, exited in seq order in the daemon's log");
	struct stat sst;
	tap_ok(stat(P("r1.log"), &sst) == 0 && (sst.st_mode & 07777) == 0600, "log file is 0600");
	free(log);
}

static void emitter_child(const char *run, const char *tenant, const char *log, int n,
                          int every_enforce, int sleep_us)
{
	struct vj_audit *a = emitter(run, tenant, log);
	for (int i = 0; i < n; i++) {
		lifecycle(a, i % 2 ? "resumed" : "paused");
		if (every_enforce && i % every_enforce == 0)
			enforcement(a);
		usleep((useconds_t)sleep_us);
	}
	vj_audit_close(a);
}

static void test_kill9_restart(void)
{
	const char *args[] = {"--kernel", "off", "--log", P("r2.log"), NULL};
	pid_t d = daemon_start("r2", args);
	pid_t c = fork();
	if (c == 0) {
		emitter_child("r2", "tk", P("r2-client.log"), 400, 4, 2000);
		_exit(0);
	}
	usleep(150000);
	daemon_stop(d, SIGKILL);
	usleep(100000);
	d = daemon_start("r2", args);
	usleep(250000);
	daemon_stop(d, SIGKILL);
	usleep(50000);
	d = daemon_start("r2", args);
	int st;
	waitpid(c, &st, 0);
	wait_for(dir_empty, P("r2/spool"), 5);
	usleep(100000);
	daemon_stop(d, SIGTERM);

	size_t cn, dn;
	char *clog = tu_read_file(P("r2-client.log"), &cn);
	char *dlog = tu_read_file(P("r2.log"), &dn);
	uint64_t *cl, *ce, *dl, *since, *count;
	size_t ncl = jq_numbers("select(.kind==\"lifecycle\") | .seq", clog, cn, &cl);
	size_t nce = jq_numbers("select(.kind==\"enforcement\") | .seq", clog, cn, &ce);
	size_t ndl = jq_numbers("select(.tenant.id==\"tk\") | .seq", dlog, dn, &dl);
	size_t nl = jq_numbers("select(.tenant.id==\"tk\" and .kind==\"loss\") | .loss.since_seq",
	                       dlog, dn, &since);
	jq_numbers("select(.tenant.id==\"tk\" and .kind==\"loss\") | .loss.count", dlog, dn,
	           &count);
	size_t lost_lc = 0, lost_enf = 0, uncovered = 0;
	uint64_t reported = 0;
	for (size_t i = 0; i < nl; i++)
		reported += count[i];
	for (size_t i = 0; i < ncl; i++)
		lost_lc += !has(dl, ndl, cl[i]);
	for (size_t i = 0; i < nce; i++) {
		if (has(dl, ndl, ce[i]))
			continue;
		lost_enf++;
		bool cov = false;
		for (size_t j = 0; j < nl; j++)
			cov = cov || since[j] <= ce[i];
		uncovered += !cov;
	}
	tap_ok(ncl == 400 && nce == 100,
	       "the client logged 400 lifecycle and 100 enforcement "
	       "records (%zu, %zu)",
	       ncl, nce);
	tap_is_int(lost_lc, 0, "no lifecycle record lost across two kill -9 restarts");
	tap_ok(lost_enf <= reported && uncovered == 0,
	       "every missing enforcement record is covered by loss records (missing %zu, "
	       "reported %llu in %zu loss records)",
	       lost_enf, (unsigned long long)reported, nl);
	size_t dup = 0;
	for (size_t i = 0; i < ndl; i++)
		for (size_t j = i + 1; j < ndl; j++)
			dup += dl[i] == dl[j];
	tap_diag("kill -9 run: %zu daemon lines for the tenant, %zu duplicates (at-least-once), "
	         "%zu enforcement records lost and reported",
	         ndl, dup, lost_enf);
	free(cl), free(ce), free(dl), free(since), free(count), free(clog), free(dlog);
}

static pid_t follower(const char *run, const char *tenant, const char *out)
{
	pid_t p = fork();
	if (p == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		char rd[600];
		snprintf(rd, sizeof(rd), "%s", P(run));
		if (tenant)
			execl(vmjaild, vmjaild, "follow", "--run-dir", rd, "--tenant", tenant,
			      NULL);
		else
			execl(vmjaild, vmjaild, "follow", "--run-dir", rd, NULL);
		_exit(127);
	}
	return p;
}

static bool log_has_n_lines(const char *spec)
{
	char path[600];
	size_t want, n;
	sscanf(spec, "%zu %599s", &want, path);
	char *s = tu_read_file(path, &n);
	bool ok = s && tu_count_lines(s, n) >= want;
	free(s);
	return ok;
}

static void test_follow_tenant(void)
{
	const char *args[] = {"--kernel", "off", "--log", P("r3.log"), NULL};
	pid_t d = daemon_start("r3", args);
	pid_t fa = follower("r3", "fa", P("fa.out"));
	pid_t all = follower("r3", NULL, P("all.out"));
	usleep(300000); /* let both subscribe */
	struct vj_audit *a = emitter("r3", "fa", NULL), *b = emitter("r3", "fb", NULL);
	for (int i = 0; i < 3; i++) {
		lifecycle(a, "paused");
		enforcement(a);
		lifecycle(b, "paused");
		enforcement(b);
	}
	vj_audit_close(a);
	vj_audit_close(b);
	char spec[700];
	snprintf(spec, sizeof(spec), "12 %s", P("all.out"));
	wait_for(log_has_n_lines, spec, 5);
	daemon_stop(d, SIGTERM);
	int s1, s2;
	waitpid(fa, &s1, 0);
	waitpid(all, &s2, 0);
	tap_ok(WIFEXITED(s1) && WEXITSTATUS(s1) == 0 && WIFEXITED(s2) && WEXITSTATUS(s2) == 0,
	       "followers exit 0 when the daemon stops");
	size_t n1, n2;
	char *o1 = tu_read_file(P("fa.out"), &n1), *o2 = tu_read_file(P("all.out"), &n2);
	tap_ok(o1 && tu_jqs_is("[length, (map(.tenant.id) | unique)]", o1, n1, "[6,[\"fa\"]]"),
	       "follow --tenant fa: its 6 records and no other tenant's");
	tap_ok(
	    o2 && tu_jqs_is("[length, (map(.tenant.id) | unique)]", o2, n2, "[12,[\"fa\",\"fb\"]]"),
	    "follow without filter: all 12 records");
	free(o1);
	free(o2);
}

static void test_slow_subscriber(void)
{
	const char *args[] = {"--kernel", "off", "--sub-buffer", "64K", NULL};
	pid_t d = daemon_start("r4", args);
	/* The slow one: subscribes, then never reads. */
	int slow = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int small = 4096;
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/events.sock", P("r4"));
	int crc = connect(slow, (struct sockaddr *)&sa, sizeof(sa));
	tap_ok(crc == 0 && write(slow, "follow\n", 7) == 7, "slow subscriber connected");
	pid_t fast = follower("r4", NULL, P("fast.out"));
	usleep(300000);
	const int E = 5, N = 150;
	double worst = 0, t_all = tu_now();
	struct vj_audit *em[5];
	char tn[5][16];
	for (int e = 0; e < E; e++) {
		snprintf(tn[e], sizeof(tn[e]), "s%d", e);
		em[e] = emitter("r4", tn[e], NULL);
	}
	char pad[600];
	memset(pad, 'p', sizeof(pad));
	for (int i = 0; i < N; i++) {
		for (int e = 0; e < E; e++) {
			struct vj_event ev;
			vj_event_init(&ev, VJ_EV_ENFORCEMENT, "deny");
			ev.enforcer = "exec-once";
			ev.detail = (struct vj_bytes){pad, sizeof(pad)};
			double t0 = tu_now();
			vj_audit_emit(em[e], &ev);
			double dt = tu_now() - t0;
			if (dt > worst)
				worst = dt;
		}
		if (i % 10 == 9)
			usleep(2000); /* a busy supervisor, not a flood the limiter would cut */
	}
	t_all = tu_now() - t_all;
	struct vj_audit_stats st;
	uint64_t lost = 0;
	for (int e = 0; e < E; e++) {
		vj_audit_get_stats(em[e], &st);
		lost += st.lost_daemon;
	}
	char spec[700];
	snprintf(spec, sizeof(spec), "%d %s", E * N, P("fast.out"));
	bool fast_all = wait_for(log_has_n_lines, spec, 10);
	tap_ok(fast_all, "the fast subscriber got all %d records", E * N);
	tap_ok(lost == 0, "no emitter lost a record to the daemon (%llu)",
	       (unsigned long long)lost);
	tap_diag("slow-subscriber run: %d records in %.1f ms, worst emit %.2f ms", E * N,
	         t_all * 1e3, worst * 1e3);
	/* Now the slow one reads what it has, then one more record arrives. */
	static char buf[1 << 20];
	size_t got = 0;
	fcntl(slow, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(slow, buf + got, sizeof(buf) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	lifecycle(em[0], "resumed");
	usleep(300000);
	for (int tries = 0; tries < 50; tries++) {
		ssize_t r = read(slow, buf + got, sizeof(buf) - got);
		if (r > 0)
			got += (size_t)r;
		else
			usleep(20000);
		if (got && buf[got - 1] == '\n' && memmem(buf, got, "\"subscriber\"", 12))
			break;
	}
	for (int e = 0; e < E; e++)
		vj_audit_close(em[e]);
	daemon_stop(d, SIGTERM);
	int fst;
	waitpid(fast, &fst, 0);
	close(slow);
	char *res = tu_jq("-sc",
	                  "[(map(select(.kind==\"enforcement\")) | length),"
	                  " ([.[].loss | select(.source==\"subscriber\") | .count] | add)]",
	                  buf, got, NULL);
	int recv_n = -1, lost_n = -1;
	if (res)
		sscanf(res, "[%d,%d]", &recv_n, &lost_n);
	tap_ok(lost_n > 0 && recv_n + lost_n == E * N,
	       "the slow subscriber lost records and was told: received %d + reported lost %d = %d",
	       recv_n, lost_n, E * N);
	free(res);
}

static void test_sighup_and_rotation(void)
{
	const char *args[] = {"--kernel", "off", "--log", P("r5.log"), NULL};
	pid_t d = daemon_start("r5", args);
	struct vj_audit *a = emitter("r5", "th", NULL);
	lifecycle(a, "created");
	char spec[700];
	snprintf(spec, sizeof(spec), "1 %s", P("r5.log"));
	wait_for(log_has_n_lines, spec, 5);
	rename(P("r5.log"), P("r5.log.old"));
	kill(d, SIGHUP);
	usleep(200000);
	lifecycle(a, "exited");
	snprintf(spec, sizeof(spec), "1 %s", P("r5.log"));
	wait_for(log_has_n_lines, spec, 5);
	vj_audit_close(a);
	daemon_stop(d, SIGTERM);
	size_t n1, n2;
	char *o1 = tu_read_file(P("r5.log.old"), &n1), *o2 = tu_read_file(P("r5.log"), &n2);
	tap_ok(o1 && tu_jqs_is("map(.type)", o1, n1, "[\"created\"]") && o2 &&
	           tu_jqs_is("map(.type)", o2, n2, "[\"exited\"]"),
	       "SIGHUP: the moved file keeps the old record, a new file gets the next");
	free(o1);
	free(o2);

	const char *rargs[] = {"--kernel", "off",           "--log", P("r6.log"), "--rotate-size",
	                       "4K",       "--rotate-keep", "2",     NULL};
	d = daemon_start("r6", rargs);
	a = emitter("r6", "tr", NULL);
	for (int i = 0; i < 40; i++)
		lifecycle(a, "paused");
	vj_audit_close(a);
	wait_for(dir_empty, P("r6/spool"), 5);
	daemon_stop(d, SIGTERM);
	struct stat s0, s1, s2, s3;
	bool files = stat(P("r6.log"), &s0) == 0 && stat(P("r6.log.1"), &s1) == 0 &&
	             stat(P("r6.log.2"), &s2) == 0 && stat(P("r6.log.3"), &s3) != 0;
	tap_ok(files, "rotation keeps the log and 2 older files, no third");
	tap_ok(files && s0.st_size <= 4096 && s1.st_size <= 4096 && s2.st_size <= 4096 &&
	           s1.st_size > 2048,
	       "each file stays under the 4K limit (%lld %lld %lld)", (long long)s0.st_size,
	       (long long)s1.st_size, (long long)s2.st_size);
	size_t n = 0;
	char *all = NULL;
	size_t alln = 0;
	const char *names[] = {"r6.log.2", "r6.log.1", "r6.log"};
	for (int i = 0; i < 3; i++) {
		char *f = tu_read_file(P(names[i]), &n);
		all = realloc(all, alln + n + 1);
		memcpy(all + alln, f ? f : "", f ? n : 0);
		alln += f ? n : 0;
		free(f);
	}
	tap_ok(tu_jqs_is("(map(.seq) == (map(.seq) | sort)) and (length > 10)", all, alln, "true"),
	       "rotated files hold whole records, oldest to newest across .2 .1 and the log");
	free(all);
}

/* A process that waits for a byte on go, then dies by seccomp (as uid, if > 0). */
static pid_t doomed_child(int go[2], uid_t uid)
{
	pid_t p = fork();
	if (p == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		if (uid && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(4);
		prctl(PR_SET_NAME, "fake-vmm", 0, 0, 0);
		scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
		seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, SCMP_SYS(getppid), 0);
		seccomp_load(f);
		syscall(SYS_getppid);
		_exit(0);
	}
	close(go[0]);
	return p;
}

static void test_kernel_attribution(void)
{
	const char *args[] = {"--kernel", "tenants", "--log", P("r7.log"), NULL};
	pid_t d = daemon_start("r7", args);
	usleep(100000);
	int go[2], go2[2];
	if (pipe(go) < 0 || pipe(go2) < 0)
		return;
	pid_t vmm = doomed_child(go, 0);
	pid_t vmm2 = doomed_child(go2, 54321);
	/* What the supervisor will do: announce the VMM's pid, then let it run. */
	struct vj_audit *a = emitter("r7", "tkern", NULL);
	vj_audit_set_cgroup_id(a, 4242);
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exec");
	ev.pid = vmm;
	vj_audit_emit(a, &ev);
	/* A second tenant known only by its uid (its announced pid is not the one that dies). */
	struct vj_audit *b = emitter("r7", "tuid", NULL);
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exec");
	ev.uid = 54321;
	vj_audit_emit(b, &ev);
	wait_for(dir_empty, P("r7/spool"), 5);
	usleep(5000); /* kernel record times have ms precision: keep the order visible */
	if (write(go[1], "g", 1) != 1 || write(go2[1], "g", 1) != 1)
		tap_diag("could not start the children");
	close(go[1]);
	close(go2[1]);
	int st, st2;
	waitpid(vmm, &st, 0);
	waitpid(vmm2, &st2, 0);
	/* A supervisor that reads kernel audit itself forwards such a record: not twice. */
	vj_event_init(&ev, VJ_EV_ENFORCEMENT, "kill");
	ev.source = "kernel-audit";
	ev.enforcer = "seccomp";
	ev.pid = vmm;
	vj_audit_emit(a, &ev);
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exited");
	ev.exit_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	vj_audit_emit(a, &ev);
	vj_audit_close(a);
	vj_audit_close(b);
	char spec[700];
	snprintf(spec, sizeof(spec), "5 %s", P("r7.log"));
	wait_for(log_has_n_lines, spec, 5);
	usleep(200000);
	daemon_stop(d, SIGTERM);
	size_t n;
	char *log = tu_read_file(P("r7.log"), &n);
	char want[300];
	snprintf(
	    want, sizeof(want),
	    "[{\"id\":\"tkern\",\"vmm\":\"firecracker\",\"cgroup_id\":4242,\"policy\":\"default\","
	    "\"policy_hash\":\"sha256:00\",\"attribution\":\"pid\"},%d,\"getppid\",\"kill\"]",
	    vmm);
	tap_ok(log && tu_jqs_is("map(select(.source==\"kernel-audit\" and .tenant.id==\"tkern\"))"
	                        " | .[0] | [.tenant, .actor.pid, .decision.syscall, .type]",
	                        log, n, want),
	       "the seccomp kill of the announced VMM carries its tenant (attribution: pid)");
	/* By event time: the kernel record reaches the daemon after a grouping window. */
	tap_ok(log && tu_jqs_is("map(select(.tenant.id==\"tkern\")) | sort_by(.time) | map(.type)",
	                        log, n, "[\"exec\",\"kill\",\"exited\"]"),
	       "one kill record between exec and exited: the supervisor's forwarded copy is "
	       "not written twice");
	snprintf(want, sizeof(want), "[[\"uid\",%d,54321]]", vmm2);
	tap_ok(log && tu_jqs_is("map(select(.source==\"kernel-audit\" and .tenant.id==\"tuid\"))"
	                        " | map([.tenant.attribution, .actor.pid, .actor.uid])",
	                        log, n, want),
	       "a kill by the tenant's uid is attributed by uid");
	tap_ok(log && tu_jqs_is("map(select(.source==\"kernel-audit\" and (.tenant|not))) | length",
	                        log, n, "0"),
	       "--kernel tenants: no unattributed kernel record is written");
	free(log);
}

#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif

/* Landlock: read only below the system dirs; cat of target must be denied. */
static void landlocked_cats(const char *target)
{
	struct landlock_ruleset_attr ra = {.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE};
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	static const char *const allowed[] = {"/usr", "/lib", "/lib64", "/bin", "/etc"};
	for (size_t i = 0; rfd >= 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		struct landlock_path_beneath_attr pb = {
		    .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
		    .parent_fd = open(allowed[i], O_PATH | O_CLOEXEC),
		};
		if (pb.parent_fd >= 0)
			syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	}
	if (rfd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, rfd, LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON) < 0)
		_exit(5);
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	/* First denial by a child of the announced process, then by the process itself. */
	pid_t g = fork();
	if (g == 0) {
		execl("/bin/cat", "cat", target, (char *)NULL);
		_exit(6);
	}
	waitpid(g, NULL, 0);
	usleep(100000);
	execl("/bin/cat", "cat", target, (char *)NULL);
	_exit(6);
}

static void test_landlock_attribution(void)
{
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, 1);
	if (abi < 7) {
		for (int i = 0; i < 4; i++)
			printf("ok %d # SKIP Landlock ABI %d < 7: denials are not audited\n",
			       ++tap_n, abi);
		return;
	}
	int before = -1, after = -1;
	struct vj_err e = {0};
	vj_kaudit_get_enabled(&before, &e);
	const char *args[] = {"--kernel", "tenants", "--enable-audit", "--log", P("r8.log"), NULL};
	pid_t d = daemon_start("r8", args);
	char target[600];
	snprintf(target, sizeof(target), "%s/secret", dir);
	int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	int go[2];
	if (pipe(go) < 0)
		return;
	pid_t vmm = fork();
	if (vmm == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		landlocked_cats(target);
	}
	close(go[0]);
	struct vj_audit *a = emitter("r8", "tland", NULL);
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "exec");
	ev.pid = vmm;
	vj_audit_emit(a, &ev);
	wait_for(dir_empty, P("r8/spool"), 5);
	if (write(go[1], "g", 1) != 1)
		tap_diag("could not start the child");
	close(go[1]);
	int st;
	waitpid(vmm, &st, 0);
	vj_audit_close(a);
	char spec[700];
	snprintf(spec, sizeof(spec), "3 %s", P("r8.log"));
	wait_for(log_has_n_lines, spec, 5);
	usleep(200000);
	daemon_stop(d, SIGTERM);
	vj_kaudit_get_enabled(&after, &e);
	size_t n;
	char *log = tu_read_file(P("r8.log"), &n);
	char want[1400];
	snprintf(want, sizeof(want), "[[\"landlock-domain\",\"%s\"],[\"landlock-domain\",\"%s\"]]",
	         target, target);
	tap_ok(log &&
	           tu_jqs_is("map(select(.decision.enforcer==\"landlock\" and "
	                     ".tenant.id==\"tland\")) | map([.tenant.attribution, .object.path])",
	                     log, n, want),
	       "--enable-audit: both Landlock denials reach vmjaild, attributed by their domain");
	char *pids = tu_jq("-sc",
	                   "map(select(.decision.enforcer==\"landlock\")) | map(.actor.pid) | "
	                   "map(tostring) | join(\",\")",
	                   log, n, NULL);
	char vmms[32];
	snprintf(vmms, sizeof(vmms), "%d", vmm);
	tap_ok(pids && strstr(pids, vmms) && strchr(pids, ','),
	       "the first denial is the child's (another pid), the second the announced process's "
	       "(%s)",
	       pids ? pids : "none");
	free(pids);
	/* Other vmjail users (jails of other tests) may hold the enable too. */
	int ufd = open("/run/vmjail/audit-users", O_RDONLY | O_CLOEXEC);
	bool last = ufd >= 0 && flock(ufd, LOCK_EX | LOCK_NB) == 0;
	if (ufd >= 0)
		close(ufd);
	if (last)
		tap_is_int(after, before, "vmjaild stopped: kernel audit back to %d", before);
	else
		tap_ok(after >= 1,
		       "vmjaild stopped, another vmjail user holds the enable: audit on");
	tap_ok(WIFEXITED(st), "the Landlocked process ran to its end");
	free(log);
}

int main(void)
{
	tu_require_root();
	const char *b = getenv("VJ_BUILD");
	snprintf(vmjaild, sizeof(vmjaild), "%s/vmjaild", b ? b : "build");
	if (access(vmjaild, X_OK) != 0) {
		printf("Bail out! %s not built\n", vmjaild);
		return 255;
	}
	signal(SIGPIPE, SIG_IGN);
	dir = tu_tmpdir();
	test_spool_on_start();
	test_kill9_restart();
	test_follow_tenant();
	test_slow_subscriber();
	test_sighup_and_rotation();
	test_kernel_attribution();
	test_landlock_attribution();
	tu_rmrf(dir);
	return tap_done();
}
