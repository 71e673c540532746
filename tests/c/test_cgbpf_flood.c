// SPDX-License-Identifier: Apache-2.0
/*
 * One tenant floods, another is heard.  Tenant A denies as fast as two
 * processes can for a few seconds, with the smallest ring and a low rate,
 * and nobody reads its ring meanwhile.  Tenant B, at the same time, is
 * refused a known number of times.  Expected: every one of B's events
 * arrives; for A, the records read + rate-limit losses + ring-reserve
 * losses equal exactly the denials its processes saw, and each loss source
 * is reported with the kernel's exact count.
 */
#include "tests/c/test_cgbpf_lib.h"

#include <poll.h>

#define FLOOD_SECONDS 3
#define B_DENIALS     150

struct flood_out {
	uint64_t denied, other;
};

/* socket(AF_INET6) is refused by cgroup/sock_create: as fast as possible. */
static void flood_loop(struct flood_out *r)
{
	uint64_t end = cgt_now_ns() + FLOOD_SECONDS * 1000000000ull;
	while (cgt_now_ns() < end) {
		for (int i = 0; i < 256; i++) {
			int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (fd < 0 && errno == EPERM) {
				r->denied++;
			} else {
				r->other++;
				if (fd >= 0)
					close(fd);
			}
		}
	}
}

/* A's child: itself plus one forked helper (one per core), reporting the sum. */
static void flood2(void *arg, void *out)
{
	struct flood_out *r = out, self = {0, 0}, other = {0, 0};
	int p[2];
	if (pipe(p) < 0) {
		r->other = 1;
		return;
	}
	pid_t helper = fork();
	if (helper == 0) {
		close(p[0]);
		flood_loop(&other);
		_exit(write(p[1], &other, sizeof(other)) == (ssize_t)sizeof(other) ? 0 : 1);
	}
	close(p[1]);
	flood_loop(&self);
	if (read(p[0], &other, sizeof(other)) != (ssize_t)sizeof(other))
		other.other = 1;
	close(p[0]);
	waitpid(helper, NULL, 0);
	r->denied = self.denied + other.denied;
	r->other = self.other + other.other;
}

static void deny_known(void *arg, void *out)
{
	int *n = out;
	usleep(300000); /* start while A is already flooding */
	for (int i = 0; i < B_DENIALS; i++) {
		*n += cgt_try_open("/dev/full", O_RDONLY) == EPERM;
		usleep(5000);
	}
}

static struct cgt_evs evs_a, evs_b;

int main(void)
{
	struct vj_err e = {0};
	uint64_t ida, idb;
	struct vjbpf_events *ra = NULL, *rb = NULL;

	tap_ok(cgt_init("flood") == 0, "private bpffs and parent cgroup created");
	tap_ok(vjbpf_setup(cgt.parent, &e) == 0, "vjbpf_setup %s", e.msg);
	struct vj_policy pa, pb;
	struct vj_sockrule sa[2];
	cgt_policy(&pa, "flood-a");
	cgt_sock(&pa, sa, AF_INET, -1, -1);
	cgt_policy(&pb, "flood-b");
	pb.devices = 1u << VJ_DEV_NULL;
	long page = sysconf(_SC_PAGESIZE);
	struct vjbpf_tenant_opts oa = {
	    .events_per_sec = 50, .burst = 20, .ring_bytes = (uint32_t)page};
	struct vjbpf_tenant_opts ob = {
	    .events_per_sec = 1000, .burst = 200, .ring_bytes = 64 * 1024};
	const char *la = cgt_leaf("a", &ida);
	const char *lb = cgt_leaf("b", &idb);
	tap_ok(la && lb && vjbpf_tenant_add(ida, &pa, &oa, &e) == 0 &&
	           vjbpf_tenant_add(idb, &pb, &ob, &e) == 0,
	       "A: %ld-byte ring, 50/s burst 20; B: 64 KiB ring, 1000/s %s", page, e.msg);
	tap_ok(vjbpf_events_open(ida, &ra, &e) == 0 && vjbpf_events_open(idb, &rb, &e) == 0,
	       "both rings open");
	if (!ra || !rb)
		return tap_done();

	int fa, fb;
	pid_t pa_pid = cgt_start_in(la, flood2, NULL, sizeof(struct flood_out), &fa);
	pid_t pb_pid = cgt_start_in(lb, deny_known, NULL, sizeof(int), &fb);
	tap_ok(pa_pid > 0 && pb_pid > 0, "A floods with 2 processes for %d s; B runs alongside",
	       FLOOD_SECONDS);

	/* B's supervisor reads as it goes; A's does not read until the end. */
	struct pollfd pfd = {.fd = vjbpf_events_fd(rb), .events = POLLIN};
	uint64_t deadline = cgt_now_ns() + (FLOOD_SECONDS + 5) * 1000000000ull;
	while (evs_b.enforcement < B_DENIALS && cgt_now_ns() < deadline)
		if (poll(&pfd, 1, 100) > 0)
			vjbpf_events_drain(rb, cgt_collect, &evs_b);
	struct flood_out ares = {0, 0};
	int bden = 0;
	tap_ok(cgt_finish(pa_pid, fa, &ares, sizeof(ares)) == 0, "A's flooders reported");
	tap_ok(cgt_finish(pb_pid, fb, &bden, sizeof(bden)) == 0, "B's child reported");
	vjbpf_events_drain(rb, cgt_collect, &evs_b);

	/* B: everything arrived, nothing lost. */
	tap_is_int(bden, B_DENIALS, "B was refused %d times", B_DENIALS);
	tap_is_int(evs_b.enforcement, B_DENIALS, "all of B's %d events arrived during A's flood",
	           B_DENIALS);
	tap_ok(evs_b.loss_rate == 0 && evs_b.loss_ring == 0, "B lost nothing");
	int foreign = 0;
	for (int i = 0; i < evs_b.n; i++)
		foreign += evs_b.v[i].cgid != idb;
	tap_is_int(foreign, 0, "B's ring holds only B's events");

	/* A: exact accounting. */
	tap_is_int(ares.other, 0, "every one of A's socket() calls was refused with EPERM");
	while (vjbpf_events_drain(ra, cgt_collect, &evs_a) > 0)
		;
	struct vjbpf_tenant_stats st;
	tap_ok(vjbpf_tenant_stats(ida, &st) == 0, "A's counters readable");
	tap_is_int(st.denials, ares.denied, "A: kernel denials == denials A's processes saw (%llu)",
	           (unsigned long long)ares.denied);
	tap_is_int(st.emitted + st.suppressed + st.reserve_failed, ares.denied,
	           "A: emitted + suppressed + reserve-failed == generated, exactly");
	tap_is_int(evs_a.enforcement, st.emitted, "A: records read == emitted (%llu)",
	           (unsigned long long)st.emitted);
	tap_is_int(evs_a.loss_rate, st.suppressed, "A: rate-limit loss events sum to %llu",
	           (unsigned long long)st.suppressed);
	tap_is_int(evs_a.loss_ring, st.reserve_failed, "A: ringbuf-reserve loss events sum to %llu",
	           (unsigned long long)st.reserve_failed);
	tap_ok(st.suppressed > 0 && st.reserve_failed > 0,
	       "both the rate limit and the full ring dropped records");
	/* The bucket: at most burst + rate * seconds (+1 s of slack) tokens. */
	tap_ok(st.emitted + st.reserve_failed <= 20 + 50 * (FLOOD_SECONDS + 1),
	       "A got no more tokens than 20 + 50/s allows (%llu)",
	       (unsigned long long)(st.emitted + st.reserve_failed));
	tap_diag("flood: A generated %llu denials in %d s: %llu emitted, %llu suppressed by the "
	         "rate limit, %llu ring-reserve failures; B: %d/%d delivered",
	         (unsigned long long)ares.denied, FLOOD_SECONDS, (unsigned long long)st.emitted,
	         (unsigned long long)st.suppressed, (unsigned long long)st.reserve_failed,
	         (int)evs_b.enforcement, B_DENIALS);

	/* A decision never depended on the ring: nothing but EPERM (checked
	 * above), and after the flood A is still refused and reported. */
	int n = 0;
	tap_ok(cgt_run_in(la, deny_known, NULL, &n, sizeof(n)) == 0 && n == B_DENIALS,
	       "A is still refused after its ring filled");

	vjbpf_events_close(ra);
	vjbpf_events_close(rb);
	return tap_done();
}
