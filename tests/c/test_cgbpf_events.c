// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup-BPF events: one record per denial, in the denying tenant's own
 * ring, decoded with the right cgroup id, hook and object; none of another
 * tenant's; encodable as a schema v1 line.  Also measures the delay from the
 * denial (the record's kernel timestamp) to the supervisor's callback.
 */
#include "tests/c/test_cgbpf_lib.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/sysmacros.h>

#define SYSCTL_W "/proc/sys/kernel/printk_ratelimit"

struct ports {
	uint16_t l4, l6, free4, free6;
	char sysctl_value[32];
};

struct one_each {
	int pid;
	int rc[10];
};

/* One denial per hook, in a fixed order. */
static void deny_each(void *arg, void *out)
{
	const struct ports *p = arg;
	struct one_each *r = out;
	prctl(PR_SET_NAME, "vj-evchild");
	r->pid = getpid();
	r->rc[0] = cgt_try_open("/dev/full", O_WRONLY);
	r->rc[1] = cgt_try_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	r->rc[2] = cgt_try_connect(AF_INET, "127.0.0.1", p->l4);
	r->rc[3] = cgt_try_connect(AF_INET6, "::1", p->l6);
	r->rc[4] = cgt_try_bind(AF_INET, "127.0.0.1", p->free4);
	r->rc[5] = cgt_try_bind(AF_INET6, "::1", p->free6);
	r->rc[6] = cgt_try_sendto(AF_INET, "127.0.0.1", 53);
	r->rc[7] = cgt_try_sendto(AF_INET6, "::1", 53);
	r->rc[8] = cgt_try_sysctl_read("/proc/sys/kernel/ostype");
	r->rc[9] = cgt_try_sysctl_write(SYSCTL_W, p->sysctl_value);
}

static void deny_zero3(void *arg, void *out)
{
	int *n = out;
	for (int i = 0; i < 3; i++)
		*n += cgt_try_open("/dev/zero", O_RDONLY) == EPERM;
}

struct paced {
	int n, gap_us;
};
static void deny_paced(void *arg, void *out)
{
	const struct paced *p = arg;
	int *denied = out;
	for (int i = 0; i < p->n; i++) {
		*denied += cgt_try_open("/dev/full", O_RDONLY) == EPERM;
		usleep((useconds_t)p->gap_us);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static struct cgt_evs evs_a, evs_b, evs_lat;

struct jcap {
	char *line;
	size_t len;
	int rc;
};

static int encode(void *ctx, const struct vj_event *x)
{
	struct jcap *cap = ctx;
	cap->rc = vj_event_to_json(x, cap->line, cap->len);
	return cap->rc < 0 ? cap->rc : 0;
}

int main(void)
{
	struct vj_err e = {0};
	struct ports ports;
	uint64_t ida, idb;
	struct vjbpf_events *ra = NULL, *rb = NULL;
	char addr4[64], addr6[64];

	tap_ok(cgt_init("events") == 0, "private bpffs and parent cgroup created");
	tap_ok(vjbpf_setup(cgt.parent, &e) == 0, "vjbpf_setup %s", e.msg);
	int l4 = cgt_listen(AF_INET, "127.0.0.1", &ports.l4);
	int l6 = cgt_listen(AF_INET6, "::1", &ports.l6);
	ports.free4 = cgt_free_port(AF_INET, "127.0.0.1");
	ports.free6 = cgt_free_port(AF_INET6, "::1");
	snprintf(ports.sysctl_value, sizeof(ports.sysctl_value), "5\n");
	FILE *f = fopen(SYSCTL_W, "re");
	if (f) {
		if (!fgets(ports.sysctl_value, sizeof(ports.sysctl_value), f))
			snprintf(ports.sysctl_value, sizeof(ports.sysctl_value), "5\n");
		fclose(f);
	}

	struct vj_policy pa, pb;
	struct vj_sockrule sa[4];
	cgt_policy(&pa, "events-a");
	pa.devices = 1u << VJ_DEV_NULL;
	cgt_sock(&pa, sa, AF_INET, -1, -1);
	cgt_sock(&pa, sa, AF_INET6, SOCK_STREAM, -1);
	cgt_sock(&pa, sa, AF_INET6, SOCK_DGRAM, -1);
	cgt_policy(&pb, "events-b");

	const char *la = cgt_leaf("a", &ida);
	const char *lb = cgt_leaf("b", &idb);
	struct vjbpf_tenant_opts fast = {.events_per_sec = 100000, .burst = 1000};
	tap_ok(la && lb && vjbpf_tenant_add(ida, &pa, &fast, &e) == 0 &&
	           vjbpf_tenant_add(idb, &pb, NULL, &e) == 0,
	       "tenants A and B registered %s", e.msg);
	tap_ok(vjbpf_events_open(ida, &ra, &e) == 0 && vjbpf_events_open(idb, &rb, &e) == 0,
	       "each supervisor opens its own tenant's ring %s", e.msg);
	if (!ra || !rb)
		return tap_done();
	vjbpf_events_label(ra, "tenant-a", "qemu", "events-a", "0123abcd");

	struct one_each each;
	int zeros = 0;
	tap_ok(cgt_run_in(la, deny_each, &ports, &each, sizeof(each)) == 0, "A's child ran");
	tap_ok(cgt_run_in(lb, deny_zero3, NULL, &zeros, sizeof(zeros)) == 0 && zeros == 3,
	       "B's child was refused /dev/zero 3 times");
	int all_eperm = 1;
	for (int i = 0; i < 10; i++)
		all_eperm &= each.rc[i] == EPERM;
	tap_ok(all_eperm, "A's child got EPERM from each of the 9 hooks");

	int na = vjbpf_events_drain(ra, cgt_collect, &evs_a);
	int nb = vjbpf_events_drain(rb, cgt_collect, &evs_b);
	tap_is_int(na, 10, "A's ring: 10 events, one per denial");
	tap_is_int(nb, 3, "B's ring: 3 events");
	int foreign = 0;
	for (int i = 0; i < evs_a.n; i++)
		foreign += evs_a.v[i].cgid != ida;
	for (int i = 0; i < evs_b.n; i++)
		foreign += evs_b.v[i].cgid != idb || strcmp(evs_b.v[i].hook, "cgroup/dev") != 0;
	tap_is_int(foreign, 0, "no event of one tenant in the other's ring; cgroup ids right");

	static const char *const hooks[10] = {
	    "cgroup/dev",    "cgroup/sock_create", "cgroup/connect4", "cgroup/connect6",
	    "cgroup/bind4",  "cgroup/bind6",       "cgroup/sendmsg4", "cgroup/sendmsg6",
	    "cgroup/sysctl", "cgroup/sysctl"};
	int order_ok = evs_a.n == 10, who_ok = evs_a.n == 10;
	for (int i = 0; i < evs_a.n && i < 10; i++) {
		const struct cgt_ev *v = &evs_a.v[i];
		order_ok &= strcmp(v->hook, hooks[i]) == 0;
		who_ok &= v->kind == VJ_EV_ENFORCEMENT && v->pid == each.pid && v->err == EPERM &&
		          strcmp(v->comm, "vj-evchild") == 0;
	}
	tap_ok(order_ok, "hooks in the order of the denials");
	tap_ok(who_ok, "every event: enforcement, EPERM, the child's pid %d and comm", each.pid);
	if (evs_a.n == 10) {
		const struct cgt_ev *v = evs_a.v;
		tap_ok(v[0].dev == makedev(1, 7) && !strcmp(v[0].detail, "char 1:7 access=-w-"),
		       "dev: 1:7 opened for writing (%s)", v[0].detail);
		tap_ok(v[1].family == AF_INET6 && !strcmp(v[1].detail, "type=SOCK_RAW protocol=58"),
		       "sock_create: AF_INET6 %s", v[1].detail);
		snprintf(addr4, sizeof(addr4), "127.0.0.1");
		snprintf(addr6, sizeof(addr6), "::1");
		tap_ok(v[2].family == AF_INET && !strcmp(v[2].addr, addr4) && v[2].port == ports.l4,
		       "connect4: %s port %d", v[2].addr, v[2].port);
		tap_ok(v[3].family == AF_INET6 && !strcmp(v[3].addr, addr6) &&
		           v[3].port == ports.l6,
		       "connect6: %s port %d", v[3].addr, v[3].port);
		tap_ok(!strcmp(v[4].addr, addr4) && v[4].port == ports.free4, "bind4: %s port %d",
		       v[4].addr, v[4].port);
		tap_ok(!strcmp(v[5].addr, addr6) && v[5].port == ports.free6, "bind6: %s port %d",
		       v[5].addr, v[5].port);
		tap_ok(!strcmp(v[6].addr, addr4) && v[6].port == 53, "sendmsg4: %s port %d",
		       v[6].addr, v[6].port);
		tap_ok(!strcmp(v[7].addr, addr6) && v[7].port == 53, "sendmsg6: %s port %d",
		       v[7].addr, v[7].port);
		tap_ok(!strcmp(v[8].path, "/proc/sys/kernel/ostype") &&
		           !strcmp(v[8].detail, "read"),
		       "sysctl read: %s %s", v[8].path, v[8].detail);
		tap_ok(!strcmp(v[9].path, SYSCTL_W) && !strcmp(v[9].detail, "write"),
		       "sysctl write: %s %s", v[9].path, v[9].detail);
	} else {
		for (int i = 0; i < 10; i++)
			tap_ok(0, "event %d missing", i);
	}
	tap_ok(evs_a.loss_rate == 0 && evs_a.loss_ring == 0 && evs_b.loss_rate == 0,
	       "no loss events when nothing was lost");

	/* Events through the schema v1 encoder, as the supervisor ships them. */
	char line[4096];
	struct jcap cap = {line, sizeof(line), -1};
	line[0] = '\0';
	tap_ok(cgt_run_in(la, deny_zero3, NULL, &zeros, sizeof(zeros)) == 0, "3 more in A");
	tap_is_int(vjbpf_events_drain(ra, encode, &cap), 3, "drained 3 more through the encoder");
	tap_ok(cap.rc > 0 && strstr(line, "\"enforcer\":\"cgroup-bpf\"") &&
	           strstr(line, "\"hook\":\"cgroup/dev\"") && strstr(line, "\"id\":\"tenant-a\""),
	       "JSON line carries enforcer, hook and the supervisor's labels");
	tap_diag("%.*s", (int)strcspn(line, "\n"), line);

	/* Latency: paced denials, the supervisor waiting in poll(2). */
	struct paced pace = {.n = 200, .gap_us = 2000};
	int denied = 0;
	pid_t kid = fork();
	if (kid == 0) {
		/* a grandchild does the work so this one can just wait */
		_exit(cgt_run_in(la, deny_paced, &pace, &denied, sizeof(denied)) == 0 &&
		              denied == pace.n
		          ? 0
		          : 1);
	}
	struct pollfd pfd = {.fd = vjbpf_events_fd(ra), .events = POLLIN};
	uint64_t deadline = cgt_now_ns() + 10ull * 1000000000;
	while (evs_lat.enforcement < (uint64_t)pace.n && cgt_now_ns() < deadline) {
		if (poll(&pfd, 1, 100) > 0)
			vjbpf_events_drain(ra, cgt_collect, &evs_lat);
	}
	int status = 0;
	waitpid(kid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "paced child was refused %d times",
	       pace.n);
	tap_is_int(evs_lat.enforcement, pace.n, "all %d paced events arrived", pace.n);
	int64_t lat[CGT_MAX_EV];
	int nl = 0;
	for (int i = 0; i < evs_lat.n; i++)
		if (evs_lat.v[i].kind == VJ_EV_ENFORCEMENT)
			lat[nl++] = evs_lat.v[i].latency_ns;
	if (nl) {
		qsort(lat, (size_t)nl, sizeof(lat[0]), cmp_i64);
		tap_diag(
		    "event latency (denial -> callback, poll-driven, %d events): median %.1f us, "
		    "p99 %.1f us, max %.1f us",
		    nl, lat[nl / 2] / 1e3, lat[(nl * 99) / 100] / 1e3, lat[nl - 1] / 1e3);
	}
	tap_ok(nl && lat[nl / 2] < 50 * 1000000, "median latency under 50 ms");

	struct vjbpf_tenant_stats st;
	tap_ok(vjbpf_tenant_stats(ida, &st) == 0 && st.denials == st.emitted &&
	           st.denials == 10 + 3 + (uint64_t)pace.n,
	       "A's counters: %llu denials, all emitted", (unsigned long long)st.denials);

	vjbpf_events_close(ra);
	vjbpf_events_close(rb);
	close(l4);
	close(l6);
	return tap_done();
}
