// SPDX-License-Identifier: Apache-2.0
/*
 * cgbpf-guest-probe: the cgroup-BPF layer's checks as one static TAP program
 * for the test guest (tests/guest, Debian's 6.1 kernel with BPF LSM on its
 * command line), where this host's kernel cannot answer: do the programs
 * load on 6.1, do per-tenant ring buffers (map-in-map) work there, and does
 * the BPF LSM canary refuse an open.  Run by tests/cgbpf-guest.t.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bpf/vjbpf.h"

static int n, failed;

__attribute__((format(printf, 2, 3))) static void ok(int cond, const char *fmt, ...)
{
	va_list ap;
	n++;
	printf("%sok %d - ", cond ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !cond;
}

int main(void)
{
	struct utsname u;
	struct vjbpf_probe p;
	struct vjbpf_lsm_probe l;
	struct vj_err e = {0};
	char buf[700];

	uname(&u);
	printf("# kernel %s\n", u.release);
	int rc = vjbpf_probe(&p);
	ok(rc == 0 && p.available && p.features == VJBPF_FEAT_ALL,
	   "cgroup-BPF canary with per-tenant ring buffers: %s", p.reason);

	rc = vjbpf_lsm_probe(&l);
	snprintf(buf, sizeof(buf), "%s (lsm=%s)", l.reason, l.lsm_list);
	ok(rc == 0 && l.available && l.canary_denied, "BPF LSM canary: %s", buf);

	/* The pinned path, as a launch uses it. */
	mkdir("/sys/fs/cgroup/vmjail-guest", 0755);
	mkdir("/sys/fs/cgroup/vmjail-guest/t", 0755);
	rc = vjbpf_setup("/sys/fs/cgroup/vmjail-guest", &e);
	ok(rc == 0, "setup (load, pin, attach): %s", e.msg[0] ? e.msg : "ok");
	uint64_t id = 0;
	struct vj_policy pol;
	memset(&pol, 0, sizeof(pol));
	vjbpf_cgroup_id("/sys/fs/cgroup/vmjail-guest/t", &id);
	rc = vjbpf_tenant_add(id, &pol, NULL, &e);
	ok(rc == 0, "tenant_add: %s", e.msg[0] ? e.msg : "ok");
	ok(vjbpf_tenant_del(id) == 0, "tenant_del");
	rc = vjbpf_unload(&e);
	ok(rc == 0 && access(VJBPF_PIN_ROOT, F_OK) < 0, "unload: %s", e.msg[0] ? e.msg : "ok");
	rmdir("/sys/fs/cgroup/vmjail-guest/t");
	rmdir("/sys/fs/cgroup/vmjail-guest");
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
