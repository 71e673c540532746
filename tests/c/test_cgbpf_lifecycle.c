// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup-BPF lifecycle: load once, attach once per parent, later launches
 * cost map updates only (strace counts BPF_PROG_LOAD), concurrent setups load
 * once, a pin set from another build is refused, a crashed first load is
 * redone, tenants come and go, unload refuses while tenants exist and then
 * leaves no pin and no attachment.  Prints the measured costs.
 *
 * `test_cgbpf_lifecycle.t --setup ROOT LOCK PARENT` runs one vjbpf_setup
 * (the strace subject).
 */
#include "tests/c/test_cgbpf_lib.h"

#include <bpf/bpf.h>

#include "bpf/vjbpf_abi.h"

#define NPROGS 10 /* the enforcement programs (bpf/loader.c vjbpf_progs) */

static int setup_mode(char **argv)
{
	struct vj_err e = {0};
	if (vjbpf_set_root(argv[2], argv[3]) < 0)
		return 2;
	int rc = vjbpf_setup(argv[4], &e);
	if (rc)
		fprintf(stderr, "setup: %s\n", e.msg);
	return rc ? 1 : 0;
}

/* Run `cmd`, count lines of its output containing `needle`. */
static int count_lines(const char *cmd, const char *needle)
{
	char line[1024];
	int n = 0;
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		n += strstr(line, needle) != NULL;
	return pclose(p) == 0 ? n : -1;
}

static int count_in_file(const char *path, const char *a, const char *b)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, a) && (!b || strstr(line, b));
	fclose(f);
	return n;
}

static char self[PATH_MAX];
static char trace[PATH_MAX];

/* strace `n` concurrent setups of `parent`; returns how many failed. */
static int traced_setups(int n, const char *parent)
{
	char cmd[8192];
	size_t pos = 0;
	pos += (size_t)snprintf(
	    cmd + pos, sizeof(cmd) - pos,
	    "ASAN_OPTIONS=detect_leaks=0 " /* LeakSanitizer cannot run under ptrace */
	    "strace -f -qq -e trace=bpf -o %s sh -c 'fails=0; ",
	    trace);
	for (int i = 0; i < n; i++)
		pos += (size_t)snprintf(cmd + pos, sizeof(cmd) - pos, "%s --setup %s %s %s & ",
		                        self, cgt.root, cgt.lock, parent);
	snprintf(cmd + pos, sizeof(cmd) - pos,
	         "for j in $(jobs -p); do wait $j || fails=$((fails+1)); done; exit $fails'");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static uint32_t pinned_prog_id(const char *name)
{
	char path[PATH_MAX];
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	snprintf(path, sizeof(path), "%s/progs/%s", cgt.root, name);
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return rc == 0 ? info.id : 0;
}

/* A removed cgroup is released asynchronously; its links then read id 0. */
static int wait_detached(const char *link_path)
{
	for (int i = 0; i < 300; i++) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bpf_obj_get(link_path);
		if (fd < 0)
			return 0;
		memset(&info, 0, sizeof(info));
		int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (rc == 0 && info.cgroup.cgroup_id == 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void open_full(void *arg, void *out)
{
	*(int *)out = cgt_try_open("/dev/full", O_RDONLY);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--setup"))
		return setup_mode(argv);

	struct vj_err e = {0};
	char path[PATH_MAX], cmd[PATH_MAX + 64];
	uint64_t t0, pid1 = 0, pid2 = 0, pid3 = 0, pid4 = 0;

	tap_ok(cgt_init("life") == 0, "private bpffs and parent cgroup created");
	if (!realpath("/proc/self/exe", self))
		return tap_done();
	snprintf(trace, sizeof(trace), "%s/strace.out", cgt.rundir);
	vjbpf_cgroup_id(cgt.parent, &pid1);

	tap_is_int(vjbpf_setup("/nonexistent-cgroup", &e), -ENOENT, "setup of a missing dir");
	vj_err_clear(&e);
	tap_is_int(vjbpf_setup("/run", &e), -ENOTDIR, "setup of a non-cgroup2 dir: %s", e.msg);
	vj_err_clear(&e);

	/* First setup: load + pin + attach. */
	t0 = cgt_now_ns();
	int rc = vjbpf_setup(cgt.parent, &e);
	uint64_t t_first = cgt_now_ns() - t0;
	tap_ok(rc == 0, "first setup loads, pins and attaches %s", e.msg);
	int nprogs = 0, nlinks = 0;
	for (int i = 0; i < NPROGS; i++) {
		static const char *const names[NPROGS] = {
		    "vj_dev",   "vj_sock_create", "vj_connect4", "vj_connect6", "vj_bind4",
		    "vj_bind6", "vj_sendmsg4",    "vj_sendmsg6", "vj_sysctl",   "vj_ingress"};
		snprintf(path, sizeof(path), "%s/progs/%s", cgt.root, names[i]);
		nprogs += access(path, F_OK) == 0;
		snprintf(path, sizeof(path), "%s/links/%llu/%s", cgt.root, (unsigned long long)pid1,
		         names[i]);
		nlinks += access(path, F_OK) == 0;
	}
	tap_is_int(nprogs, NPROGS, "%d programs pinned under %s/progs", NPROGS, cgt.root);
	tap_is_int(nlinks, NPROGS, "%d links pinned under links/<parent cgroup id>", NPROGS);
	snprintf(cmd, sizeof(cmd), "bpftool cgroup show %s", cgt.parent);
	tap_is_int(count_lines(cmd, " vj_"), NPROGS,
	           "bpftool cgroup show: %d programs on the parent", NPROGS);
	tap_is_int(count_lines(cmd, "multi"), NPROGS, "... all multi-attach");

	/* Attach to a second parent: no load, one link per program. */
	const char *p2 = cgt_leaf("parent2", &pid2);
	t0 = cgt_now_ns();
	rc = vjbpf_setup(p2, &e);
	uint64_t t_attach = cgt_now_ns() - t0;
	tap_ok(rc == 0, "second parent: attach only");

	/* The launch path: everything is there. */
	t0 = cgt_now_ns();
	rc = vjbpf_setup(cgt.parent, &e);
	uint64_t t_again = cgt_now_ns() - t0;
	tap_ok(rc == 0, "setup again (in-process)");
	tap_is_int(traced_setups(1, cgt.parent), 0, "setup again in a fresh process, under strace");
	tap_is_int(count_in_file(trace, "BPF_PROG_LOAD", NULL), 0,
	           "... made no bpf(BPF_PROG_LOAD) call");
	tap_is_int(count_in_file(trace, "BPF_LINK_CREATE", NULL), 0, "... and no BPF_LINK_CREATE");
	tap_ok(count_in_file(trace, "BPF_OBJ_GET", NULL) > 0, "... only opened pins");
	tap_is_int(count_lines(cmd, " vj_"), NPROGS, "still exactly %d programs on the parent",
	           NPROGS);

	/* Concurrent first setups: one load, one attach. */
	tap_ok(vjbpf_unload(&e) == 0, "unload (no tenants)");
	tap_is_int(traced_setups(4, cgt.parent), 0, "4 concurrent setups from scratch all succeed");
	tap_is_int(count_in_file(trace, "BPF_PROG_LOAD", "prog_name=\"vj_"), NPROGS,
	           "... loaded the %d cgroup programs exactly once between them", NPROGS);
	tap_is_int(count_in_file(trace, "BPF_LINK_CREATE", NULL), NPROGS,
	           "... and attached them exactly once");
	tap_is_int(count_lines(cmd, " vj_"), NPROGS, "%d programs on the parent", NPROGS);
	tap_ok(vjbpf_setup(p2, &e) == 0, "re-attach the second parent");

	/* Tenants: add cost, count, unload refused. */
	struct vj_policy pol;
	cgt_policy(&pol, "life");
	pol.devices = 1u << VJ_DEV_NULL;
	uint64_t ids[10], add_ns[10], del_ns[10];
	int added = 0;
	for (int i = 0; i < 10; i++) {
		char name[32];
		snprintf(name, sizeof(name), "t%d", i);
		if (!cgt_leaf(name, &ids[i]))
			break;
		t0 = cgt_now_ns();
		if (vjbpf_tenant_add(ids[i], &pol, NULL, &e) != 0)
			break;
		add_ns[i] = cgt_now_ns() - t0;
		added++;
	}
	tap_is_int(added, 10, "10 tenants added %s", e.msg);
	tap_is_int(vjbpf_tenant_count(), 10, "tenant count 10");
	int full = 0;
	tap_ok(cgt_run_in(cgt.leaves[cgt.nleaves - 1], open_full, NULL, &full, sizeof(full)) == 0 &&
	           full == EPERM,
	       "a tenant is enforced (/dev/full -> EPERM)");
	rc = vjbpf_unload(&e);
	tap_is_int(rc, -EBUSY, "unload refused while tenants are registered: %s", e.msg);
	vj_err_clear(&e);
	snprintf(path, sizeof(path), "%s/maps/vj_meta", cgt.root);
	tap_ok(access(path, F_OK) == 0, "pins untouched by the refused unload");
	for (int i = 0; i < added; i++) {
		t0 = cgt_now_ns();
		vjbpf_tenant_del(ids[i]);
		del_ns[i] = cgt_now_ns() - t0;
		cgt.leaf_ids[cgt.nleaves - added + i] = 0;
	}
	tap_is_int(vjbpf_tenant_count(), 0, "all tenants removed");
	tap_ok(cgt_run_in(cgt.leaves[cgt.nleaves - 1], open_full, NULL, &full, sizeof(full)) == 0 &&
	           full == 0,
	       "a removed tenant's leaf is not enforced");

	/* Entries of removed cgroups are collected; live ones stay. */
	uint64_t idg1, idg2;
	const char *g1 = cgt_leaf("gone", &idg1);
	const char *g2 = cgt_leaf("live", &idg2);
	tap_ok(g1 && g2 && vjbpf_tenant_add(idg1, &pol, NULL, &e) == 0 &&
	           vjbpf_tenant_add(idg2, &pol, NULL, &e) == 0,
	       "two more tenants %s", e.msg);
	tap_ok(rmdir(g1) == 0, "one tenant's cgroup removed (a jailer that died before del)");
	tap_is_int(vjbpf_tenant_gc(&e), 1, "tenant_gc removed exactly that entry %s", e.msg);
	tap_is_int(vjbpf_tenant_count(), 1, "the live tenant is still registered");
	tap_is_int(vjbpf_tenant_gc(&e), 0, "a second collection removes nothing");
	vjbpf_tenant_del(idg2);

	/* A pin set from another build: refused while a tenant is registered
	 * (two builds must never judge one cgroup), replaced when idle. */
	snprintf(path, sizeof(path), "%s/maps/vj_meta", cgt.root);
	int mfd = bpf_obj_get(path);
	struct vjbpf_meta meta, bad;
	__u32 zero = 0;
	tap_ok(mfd >= 0 && bpf_map_lookup_elem(mfd, &zero, &meta) == 0, "read the pinned version");
	bad = meta;
	bad.obj_hash ^= 1;
	bpf_map_update_elem(mfd, &zero, &bad, BPF_ANY);
	uint64_t idb;
	const char *busy = cgt_leaf("busy", &idb);
	tap_ok(busy && vjbpf_tenant_add(idb, &pol, NULL, &e) == 0, "a tenant registered %s", e.msg);
	rc = vjbpf_setup(cgt.parent, &e);
	tap_is_int(rc, -ESTALE,
	           "programs pinned by another build, a tenant registered: refused (%s)", e.msg);
	vj_err_clear(&e);
	vjbpf_tenant_del(idb);
	uint32_t old_id = pinned_prog_id("vj_dev");
	rc = vjbpf_setup(cgt.parent, &e);
	tap_ok(rc == 0 && pinned_prog_id("vj_dev") != old_id,
	       "programs pinned by another build, no tenant: replaced (%s)", e.msg);
	vj_err_clear(&e);
	close(mfd);

	/* A first load cut short (no commit mark) is redone. */
	uint32_t before = pinned_prog_id("vj_dev");
	unlink(path);
	rc = vjbpf_setup(cgt.parent, &e);
	uint32_t after = pinned_prog_id("vj_dev");
	tap_ok(rc == 0 && after && after != before,
	       "pins without a commit mark: reloaded (%u -> %u)", before, after);
	tap_is_int(count_lines(cmd, " vj_"), NPROGS,
	           "and attached again: %d programs on the parent", NPROGS);

	/* Links of a parent that went away are collected by the next attach. */
	const char *p3 = cgt_leaf("parent3", &pid3);
	tap_ok(p3 && vjbpf_setup(p3, &e) == 0, "attach to a third parent");
	rmdir(p3);
	snprintf(path, sizeof(path), "%s/links/%llu/vj_dev", cgt.root, (unsigned long long)pid3);
	tap_ok(wait_detached(path), "the kernel detached its links once the cgroup was released");
	const char *p4 = cgt_leaf("parent4", &pid4);
	tap_ok(p4 && vjbpf_setup(p4, &e) == 0, "third parent removed, attach to a fourth");
	snprintf(path, sizeof(path), "%s/links/%llu", cgt.root, (unsigned long long)pid3);
	tap_ok(access(path, F_OK) < 0 && errno == ENOENT,
	       "the removed parent's links were unpinned");

	/* Unload: nothing left. */
	rc = vjbpf_unload(&e);
	tap_ok(rc == 0, "unload %s", e.msg);
	tap_ok(access(cgt.root, F_OK) < 0 && errno == ENOENT, "%s is gone", cgt.root);
	tap_is_int(count_lines(cmd, " vj_"), 0, "bpftool cgroup show: nothing on the parent");
	snprintf(cmd, sizeof(cmd), "bpftool cgroup show %s", p2);
	tap_is_int(count_lines(cmd, " vj_"), 0, "nothing on the second parent either");
	tap_is_int(vjbpf_tenant_count(), -ENOENT, "no tenant map any more");
	rc = vjbpf_unload(&e);
	tap_is_int(rc, 0, "unload is idempotent");

	qsort(add_ns, 10, sizeof(add_ns[0]), cmp_u64);
	qsort(del_ns, 10, sizeof(del_ns[0]), cmp_u64);
	tap_diag("first setup (load the programs + pin + attach): %.1f ms", t_first / 1e6);
	tap_diag("attach to another parent (one link each, pinned): %.2f ms", t_attach / 1e6);
	tap_diag("setup when already loaded and attached: %.3f ms", t_again / 1e6);
	tap_diag("tenant_add: median %.2f ms, max %.2f ms; tenant_del: median %.2f ms "
	         "(each a map-in-map update: one RCU grace period)",
	         add_ns[5] / 1e6, add_ns[9] / 1e6, del_ns[5] / 1e6);
	return tap_done();
}
