// SPDX-License-Identifier: Apache-2.0
/*
 * The OCSF encoder (audit/lib/ocsf.c).  With --emit [ocsf|v1] it prints one line
 * for every record type of audit/SCHEMA.md (all lifecycle types, enforcement
 * by every enforcer on file, network and process objects, loss, an
 * unattributed kernel record) for tests/audit-ocsf.t to check against the
 * OCSF required fields.  Without arguments it is a TAP test: hostile strings
 * stay inside their field, over-long ones are cut and flagged, a too small
 * buffer is refused, the v1 encoding is untouched by the format switch.
 */
#include "audit/event.h"
#include "audit/jsonvalid.h"
#include "audit/lib/ocsf.h"
#include "tests/c/tap.h"

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <sys/socket.h>

#define B(s) ((struct vj_bytes){s, sizeof(s) - 1})

static void envelope(struct vj_event *ev, uint64_t seq)
{
	ev->seq = seq;
	ev->time = (struct timespec){1764329641, 123456789};
	ev->host = "host-07";
	ev->boot_id = "0b5a5c0e-7d1c-4f2e-9a39-1c6f3f0c2a11";
	ev->source = "supervisor";
	ev->tenant = "vm-0042";
	ev->vmm = "firecracker";
	ev->cgroup_id = 8812;
	ev->policy = "firecracker";
	ev->policy_hash = "sha256:3f1d2c0e9b7a";
}

static const char *const lifecycle_types[] = {
    "created",  "exec",    "paused",        "resumed",       "suspended",
    "restored", "exited",  "oom-killed",    "pids-limit",    "ttl-expired",
    "killed",   "cleaned", "launch-failed", "layer-skipped",
};

/* Fill ev with record number i; returns false past the last one. */
static bool record(int i, struct vj_event *ev)
{
	int nl = (int)(sizeof(lifecycle_types) / sizeof(lifecycle_types[0]));
	if (i < nl) {
		vj_event_init(ev, VJ_EV_LIFECYCLE, lifecycle_types[i]);
		envelope(ev, 1000 + (uint64_t)i);
		const char *t = ev->type;
		if (strcmp(t, "launch-failed") && strcmp(t, "cleaned"))
			ev->pid = 31956;
		if (!strcmp(t, "exec")) {
			ev->uid = ev->gid = 10042;
			ev->ses = 117;
			ev->exe = B("/firecracker");
		} else if (!strcmp(t, "exited")) {
			ev->exit_code = 0;
		} else if (!strcmp(t, "killed") || !strcmp(t, "ttl-expired")) {
			ev->exit_signal = SIGKILL;
			ev->message = B("time to live 8h passed");
		} else if (!strcmp(t, "launch-failed")) {
			ev->step = "landlock";
			ev->err = EOPNOTSUPP;
			ev->message = B("landlock: required by the policy, not supported here");
		} else if (!strcmp(t, "layer-skipped")) {
			ev->step = "bpf-lsm";
			ev->enforcer = "bpf-lsm";
		}
		return true;
	}
	i -= nl;
	vj_event_init(ev, VJ_EV_ENFORCEMENT, "deny");
	envelope(ev, 2000 + (uint64_t)i);
	ev->source = "kernel-audit";
	ev->pid = ev->tid = 31960;
	ev->ppid = 31956;
	ev->uid = ev->gid = 10042;
	ev->ses = 117;
	ev->comm = B("fc_vcpu 0");
	ev->exe = B("/firecracker");
	ev->attribution = "ses";
	switch (i) {
	case 0: /* seccomp kill: a process object */
		ev->type = "kill";
		ev->enforcer = "seccomp";
		ev->action = "kill";
		ev->syscall = 59;
		ev->syscall_name = "execve";
		ev->arch = AUDIT_ARCH_X86_64;
		ev->signal = SIGSYS;
		ev->audit_serial = 5521;
		return true;
	case 1: /* seccomp log */
		ev->type = "log";
		ev->enforcer = "seccomp";
		ev->action = "log";
		ev->syscall = 2;
		ev->syscall_name = "open";
		return true;
	case 2: /* Landlock file read */
		ev->enforcer = "landlock";
		ev->hook = "fs.read_file";
		ev->action = "deny";
		ev->err = EACCES;
		ev->path = B("/etc/shadow");
		ev->dev = 2049;
		ev->ino = 131;
		ev->landlock_domain = 0x1a2b3c;
		return true;
	case 3: /* Landlock TCP connect: network */
		ev->enforcer = "landlock";
		ev->hook = "net.connect_tcp";
		ev->action = "deny";
		ev->family = AF_INET;
		ev->addr = B("10.0.0.1");
		ev->port = 443;
		return true;
	case 4: /* cgroup-bpf bind on v6 */
		ev->source = "bpf";
		ev->enforcer = "cgroup-bpf";
		ev->hook = "cgroup/bind6";
		ev->action = "deny";
		ev->family = AF_INET6;
		ev->addr = B("::1");
		ev->port = 22;
		return true;
	case 5: /* cgroup-bpf device */
		ev->source = "bpf";
		ev->enforcer = "cgroup-bpf";
		ev->hook = "cgroup/dev";
		ev->action = "deny";
		ev->path = B("/dev/sda");
		return true;
	case 6: /* exec-once: a second execve */
		ev->source = "supervisor";
		ev->enforcer = "exec-once";
		ev->action = "deny";
		ev->syscall = 59;
		ev->syscall_name = "execve";
		ev->err = EPERM;
		return true;
	case 7: /* BPF LSM signal to a host process */
		ev->source = "bpf";
		ev->enforcer = "bpf-lsm";
		ev->hook = "task_kill";
		ev->action = "deny";
		ev->target_pid = 1;
		ev->signal = SIGKILL;
		return true;
	case 8: /* AppArmor file write */
		ev->enforcer = "apparmor";
		ev->hook = "open";
		ev->action = "deny";
		ev->rule = "vmjail-firecracker";
		ev->path = B("/proc/sys/kernel/core_pattern");
		ev->detail = B("w");
		return true;
	case 9: /* a kernel record no tenant could be found for */
		ev->tenant = ev->vmm = ev->policy = ev->policy_hash = ev->attribution = NULL;
		ev->cgroup_id = 0;
		ev->enforcer = "seccomp";
		ev->type = "kill";
		ev->action = "kill";
		ev->syscall = 101;
		ev->syscall_name = "ptrace";
		return true;
	case 10: /* Landlock, path "/" (a file name of its own) */
		ev->enforcer = "landlock";
		ev->hook = "fs.make_reg";
		ev->action = "deny";
		ev->path = B("/");
		return true;
	case 11: /* unix socket peer: not an IP */
		ev->enforcer = "landlock";
		ev->hook = "scope.abstract_unix_socket";
		ev->action = "deny";
		ev->family = AF_UNIX;
		ev->addr = B("@hostile\"name");
		return true;
	}
	i -= 12;
	if (i == 0) {
		/* every string at the cut length, all of it escaped: a ~60 KiB line */
		static char hostile[VJ_JSON_STR_MAX];
		for (size_t k = 0; k < sizeof(hostile); k++)
			hostile[k] = "\x01\"\n\\\xff\x1b"[k % 6];
		struct vj_bytes h = {hostile, sizeof(hostile)};
		vj_event_init(ev, VJ_EV_ENFORCEMENT, "deny");
		envelope(ev, 2900);
		ev->source = "kernel-audit";
		ev->enforcer = "landlock";
		ev->hook = "fs.write_file";
		ev->action = "deny";
		ev->pid = 31961;
		ev->comm = ev->exe = ev->path = ev->detail = h;
		return true;
	}
	i--;
	if (i == 0) {
		vj_event_init(ev, VJ_EV_LOSS, "loss");
		envelope(ev, 3000);
		ev->tenant = ev->vmm = ev->policy = ev->policy_hash = NULL;
		ev->source = "vmjaild";
		ev->loss_source = "queue";
		ev->loss_count = 17;
		ev->since_seq = 2990;
		return true;
	}
	return false;
}

static int emit(enum vj_audit_format f)
{
	static char buf[VJ_JSON_LINE_MAX];
	struct vj_event ev;
	for (int i = 0; record(i, &ev); i++) {
		int n = vj_event_encode(f, &ev, buf, sizeof(buf));
		if (n < 0)
			return 1;
		fputs(buf, stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* --emit [ocsf|v1]: every record type in that format */
	if (argc > 1 && strcmp(argv[1], "--emit") == 0) {
		enum vj_audit_format f = VJ_AUDIT_FMT_OCSF;
		if (argc > 2 && vj_audit_format_parse(argv[2], &f) < 0)
			return 2;
		return emit(f);
	}

	static char buf[VJ_JSON_LINE_MAX], v1[VJ_JSON_LINE_MAX];
	struct vj_event ev;
	int n;

	enum vj_audit_format f;
	tap_ok(vj_audit_format_parse("ocsf", &f) == 0 && f == VJ_AUDIT_FMT_OCSF, "'ocsf' parses");
	tap_ok(vj_audit_format_parse("v1", &f) == 0 && f == VJ_AUDIT_FMT_V1, "'v1' parses");
	tap_ok(vj_audit_format_parse("OCSF", &f) == -EINVAL, "'OCSF' is refused (exact names)");

	int count = 0, valid = 0;
	for (int i = 0; record(i, &ev); i++, count++) {
		n = vj_event_to_ocsf(&ev, buf, sizeof(buf));
		valid += n > 0 && vj_json_valid_line(buf, (size_t)n);
	}
	tap_ok(count >= 28 && valid == count, "%d of %d records are one valid JSON line", valid,
	       count);

	/* hostile strings: quotes, newlines, a forged record */
	record(14 + 0, &ev);
	ev.comm = B("x\",\"class_uid\":0,\"y\":\"\n{\"class_uid\":1}\n");
	ev.exe = B("/a\"b\n\x1b[2J\xff");
	n = vj_event_to_ocsf(&ev, buf, sizeof(buf));
	tap_ok(n > 0 && vj_json_valid_line(buf, (size_t)n), "hostile comm/exe: one valid line");
	tap_ok(n > 0 && memchr(buf, '\n', (size_t)n - 1) == NULL, "  no newline before the end");
	tap_ok(strstr(buf, "\"class_uid\":1007,") == buf + 1, "  class_uid is the encoder's");
	tap_ok(strstr(buf, "\\\"class_uid\\\":0") != NULL,
	       "  the forged key stays inside the name");

	/* over-long: cut and flagged in unmapped */
	static char longp[20000];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	record(14 + 2, &ev);
	ev.path = (struct vj_bytes){longp, sizeof(longp)};
	n = vj_event_to_ocsf(&ev, buf, sizeof(buf));
	tap_ok(n > 0 && n < 3 * VJ_JSON_STR_MAX, "a 20000-byte path is cut (%d bytes)", n);
	tap_ok(strstr(buf, "\"truncated\":true}") != NULL, "  and flagged: unmapped.truncated");

	tap_ok(vj_event_to_ocsf(&ev, buf, 64) == -ENOSPC, "a 64-byte buffer is refused");

	/* the format switch leaves v1 alone */
	record(0, &ev);
	int a = vj_event_encode(VJ_AUDIT_FMT_V1, &ev, buf, sizeof(buf));
	int b = vj_event_to_json(&ev, v1, sizeof(v1));
	tap_ok(a == b && a > 0 && memcmp(buf, v1, (size_t)a) == 0, "v1 through vj_event_encode");
	a = vj_event_encode(VJ_AUDIT_FMT_OCSF, &ev, buf, sizeof(buf));
	tap_ok(a > 0 && strncmp(buf, "{\"class_uid\":1007", 17) == 0,
	       "ocsf through vj_event_encode");

	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
