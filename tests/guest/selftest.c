/* SPDX-License-Identifier: Apache-2.0 */
/*
 * selftest: the smallest test program for the guest's test-runner mode
 * (vj.mode=test).  Statically linked, it runs in the busybox initramfs with
 * no libraries and prints TAP on stdout, which /init frames on the serial
 * console and run-guest.sh --tap cuts out again.
 *
 * It also checks the seam for the BPF LSM and AppArmor tests: booted with
 * lsm=...,apparmor,bpf, both must be active LSMs in the guest kernel (the
 * host kernel has neither), and bpf(2) must work.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failed;
static int n;

static void ok(int cond, const char *name, const char *detail)
{
	printf("%sok %d - %s%s%s\n", cond ? "" : "not ", ++n, name, detail[0] ? ": " : "", detail);
	if (!cond)
		failed = 1;
}

static int read_file(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t len = fread(out, 1, size - 1, f);
	fclose(f);
	out[len] = 0;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

/* name appears as a whole item of a comma separated list */
static int in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == 0))
			return 1;
	}
	return 0;
}

int main(void)
{
	char cmdline[4096], lsm[512];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..3\n");

	int got = read_file("/proc/cmdline", cmdline, sizeof(cmdline)) == 0;
	ok(got && strstr(cmdline, "vj.mode=test") != NULL, "runs in the test guest (vj.mode=test)",
	   got ? "" : "no /proc/cmdline");

	got = read_file("/sys/kernel/security/lsm", lsm, sizeof(lsm)) == 0;
	ok(got && in_list(lsm, "bpf") && in_list(lsm, "apparmor"),
	   "bpf and apparmor are active LSMs", got ? lsm : "no /sys/kernel/security/lsm");

	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	char detail[64];
	snprintf(detail, sizeof(detail), fd >= 0 ? "fd %ld" : "%m", fd);
	ok(fd >= 0, "bpf(BPF_MAP_CREATE) works", detail);
	if (fd >= 0)
		close((int)fd);
	return failed;
}
