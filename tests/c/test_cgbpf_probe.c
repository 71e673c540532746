// SPDX-License-Identifier: Apache-2.0
/*
 * The canaries.  vjbpf_probe proves cgroup-BPF enforcement with a forked
 * child (first with a private load, then with the pinned programs) and
 * leaves nothing behind; vjbpf_lsm_probe reports what this kernel does with
 * an lsm/ program, and is consistent with itself.
 */
#include "tests/c/test_cgbpf_lib.h"

#include <dirent.h>

/* Temporary probe cgroups of this process still present. */
static int probe_dirs_left(void)
{
	char prefix[64], cg2[256];
	int n = 0;
	if (vjbpf__cgroup2_root(cg2, sizeof(cg2)) < 0)
		return -1;
	DIR *d = opendir(cg2);
	struct dirent *de;
	snprintf(prefix, sizeof(prefix), "vmjail-probe-%d-", (int)getpid());
	while (d && (de = readdir(d)))
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	snprintf(prefix, sizeof(prefix), "vmjail-lsmprobe-%d-", (int)getpid());
	d = opendir(cg2);
	while (d && (de = readdir(d)))
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	struct vj_err e = {0};
	struct vjbpf_probe p;

	tap_ok(cgt_init("probe") == 0, "private bpffs and parent cgroup created");

	/* Nothing pinned in the private root: the probe loads its own copy. */
	int rc = vjbpf_probe(&p);
	tap_is_int(rc, 0, "probe ran (private load)");
	tap_ok(p.available, "cgroup-BPF available: %s", p.reason);
	tap_is_int(p.features, VJBPF_FEAT_ALL, "every feature proven by the canary");
	tap_ok(!p.used_pinned, "no pinned set: private load");
	tap_diag("probe with a private load: %.1f ms", p.elapsed_ns / 1e6);
	tap_is_int(probe_dirs_left(), 0, "no temporary cgroup left behind");
	tap_ok(access(cgt.root, F_OK) < 0, "the private probe pinned nothing");

	/* With the programs pinned: the canary runs those. */
	tap_ok(vjbpf_setup(cgt.parent, &e) == 0, "setup %s", e.msg);
	rc = vjbpf_probe(&p);
	tap_ok(rc == 0 && p.available && p.used_pinned && p.features == VJBPF_FEAT_ALL,
	       "probe with the pinned programs: %s", p.reason);
	tap_diag("probe with the pinned programs: %.1f ms", p.elapsed_ns / 1e6);
	tap_is_int(vjbpf_tenant_count(), 0, "its temporary tenant is gone");
	tap_is_int(probe_dirs_left(), 0, "no temporary cgroup left behind");

	/* BPF LSM: whatever this kernel does, the report is consistent. */
	struct vjbpf_lsm_probe l;
	rc = vjbpf_lsm_probe(&l);
	tap_is_int(rc, 0, "lsm probe ran");
	tap_ok(l.lsm_list[0] != '\0', "active LSMs read: %s%s", l.lsm_list,
	       l.mounted_securityfs ? " (mounted securityfs to read them)" : "");
	tap_ok(l.reason[0] != '\0', "a reason is given: %s", l.reason);
	if (l.available)
		tap_ok(l.lsm_active && l.canary_denied && !l.load_err && !l.attach_err,
		       "available only with bpf active and the canary refused");
	else
		tap_ok(l.load_err || l.attach_err || !l.lsm_active || !l.canary_denied,
		       "unavailable with a cause: load %s, attach %s, bpf %s, canary %s",
		       l.load_err ? strerror(l.load_err) : "ok",
		       l.attach_err ? strerror(l.attach_err) : "ok",
		       l.lsm_active ? "active" : "inactive", l.canary_denied ? "refused" : "no");
	if (l.load_err == EPERM)
		tap_ok(strstr(l.reason, "refused by this kernel") != NULL,
		       "EPERM on load is reported as the kernel refusing BPF LSM programs");
	else
		tap_ok(l.available || l.reason[0], "load did not fail with EPERM: %s", l.reason);
	tap_is_int(probe_dirs_left(), 0, "the LSM probe left no cgroup behind");
	return tap_done();
}
