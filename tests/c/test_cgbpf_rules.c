// SPDX-License-Identifier: Apache-2.0
/*
 * From policy text to kernel verdicts: a policy parsed by the real parser,
 * described by vjbpf_describe, registered and enforced; and the rule sets
 * tenant_add refuses (too many rules, bad ring size or rate, unknown
 * device bits, cgroup id 0).
 */
#include "tests/c/test_cgbpf_lib.h"

#include "bpf/vjbpf_abi.h"

static const char policy_text[] = "version 1\n"
                                  "name rules-test\n"
                                  "layer cgroup-bpf required\n"
                                  "device kvm\n"
                                  "device null\n"
                                  "socket allow AF_UNIX\n"
                                  "socket allow AF_INET SOCK_STREAM\n"
                                  "socket allow AF_INET SOCK_DGRAM IPPROTO_UDP\n"
                                  "net connect allow 10.0.0.0/8 port 443\n"
                                  "net bind allow 0.0.0.0/0 port 1024-65535\n"
                                  "net sendmsg allow ::1/128 port 53\n"
                                  "sysctl allow-read\n";

struct result {
	int udp, tcp, raw, inet6, null, full, kvm, conn, bind_hi, bind_lo, sysctl_r;
	uint16_t port;
};

static void try_all(void *arg, void *out)
{
	struct result *r = out;
	const uint16_t *port = arg;
	r->udp = cgt_try_socket(AF_INET, SOCK_DGRAM, 0); /* resolves to IPPROTO_UDP */
	r->tcp = cgt_try_socket(AF_INET, SOCK_STREAM, 0);
	r->raw = cgt_try_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	r->inet6 = cgt_try_socket(AF_INET6, SOCK_STREAM, 0);
	r->null = cgt_try_open("/dev/null", O_RDWR);
	r->full = cgt_try_open("/dev/full", O_RDONLY);
	r->kvm = cgt_try_open("/dev/kvm", O_RDWR);
	r->conn = cgt_try_connect(AF_INET, "127.0.0.1", 443);
	r->bind_hi = cgt_try_bind(AF_INET, "127.0.0.1", *port);
	r->bind_lo = cgt_try_bind(AF_INET, "127.0.0.1", 1023);
	r->sysctl_r = cgt_try_sysctl_read("/proc/sys/kernel/ostype");
}

static int has_line(const char *text, const char *line)
{
	return strstr(text, line) != NULL;
}

int main(void)
{
	struct vj_err e = {0};
	struct vj_policy *p = NULL;
	struct vj_diag diag = {0};

	tap_ok(cgt_init("rules") == 0, "private bpffs and parent cgroup created");
	int rc = vj_policy_load_buffer("rules-test.policy", policy_text, strlen(policy_text), NULL,
	                               &p, &diag);
	if (!tap_ok(rc == 0 && p, "policy parsed")) {
		vj_diag_print(&diag, stdout);
		return tap_done();
	}

	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	vjbpf_describe(p, m);
	fclose(m);
	for (char *l = text, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		tap_diag("%.*s", nl ? (int)(nl - l) : (int)strlen(l), l);
	}
	tap_ok(has_line(text, "device allow kvm (char 10:232, rwm)\n") &&
	           has_line(text, "device allow null (char 1:3, rwm)\n") &&
	           has_line(text, "any other device: refused\n"),
	       "describe: the two devices, and everything else refused");
	tap_ok(has_line(text, "socket allow AF_UNIX any type any protocol (no effect here") &&
	           has_line(text, "socket allow AF_INET SOCK_STREAM any protocol\n") &&
	           has_line(text, "socket allow AF_INET SOCK_DGRAM protocol 17\n"),
	       "describe: the three socket rules");
	tap_ok(has_line(text, "other families are not seen by cgroup/sock_create"),
	       "describe: says which families the socket rules cannot cover");
	tap_ok(has_line(text, "connect allow 10.0.0.0/8 port 443-443\n") &&
	           has_line(text, "bind allow 0.0.0.0/0 port 1024-65535\n") &&
	           has_line(text, "sendmsg allow ::1/128 port 53-53\n"),
	       "describe: the three net rules");
	tap_ok(has_line(text, "sysctl read allowed, write refused\n"), "describe: sysctl");
	free(text);

	/* The same policy, enforced. */
	tap_ok(vjbpf_setup(cgt.parent, &e) == 0, "setup %s", e.msg);
	uint64_t id;
	const char *leaf = cgt_leaf("t", &id);
	tap_ok(leaf && vjbpf_tenant_add(id, p, NULL, &e) == 0, "tenant registered %s", e.msg);
	uint16_t port = cgt_free_port(AF_INET, "127.0.0.1");
	struct result r;
	tap_ok(cgt_run_in(leaf, try_all, &port, &r, sizeof(r)) == 0, "child ran");
	tap_is_int(r.udp, 0, "socket(AF_INET, SOCK_DGRAM, 0) matches the IPPROTO_UDP rule");
	tap_is_int(r.tcp, 0, "socket(AF_INET, SOCK_STREAM) allowed");
	tap_is_int(r.raw, EPERM, "socket(AF_INET, SOCK_RAW, ICMP) -> EPERM");
	tap_is_int(r.inet6, EPERM, "socket(AF_INET6) -> EPERM");
	tap_is_int(r.null, 0, "/dev/null allowed");
	tap_ok(r.kvm != EPERM, "/dev/kvm not refused by cgroup-BPF (%s)",
	       r.kvm ? strerror(r.kvm) : "opened");
	tap_is_int(r.full, EPERM, "/dev/full -> EPERM");
	tap_is_int(r.conn, EPERM, "connect 127.0.0.1:443 (not in 10/8) -> EPERM");
	tap_is_int(r.bind_hi, 0, "bind 127.0.0.1:%u (0.0.0.0/0 port 1024-65535) allowed", port);
	tap_is_int(r.bind_lo, EPERM, "bind 127.0.0.1:1023 -> EPERM");
	tap_is_int(r.sysctl_r, 0, "sysctl read allowed");

	/* What tenant_add refuses. */
	struct vj_policy big;
	struct vj_sockrule many[VJBPF_MAX_SOCK + 1];
	cgt_policy(&big, "big");
	for (int i = 0; i <= VJBPF_MAX_SOCK; i++)
		cgt_sock(&big, many, AF_INET, -1, -1);
	uint64_t id2;
	const char *leaf2 = cgt_leaf("u", &id2);
	tap_ok(leaf2 != NULL, "second leaf");
	tap_is_int(vjbpf_tenant_add(id2, &big, NULL, &e), -E2BIG, "17 socket rules: E2BIG (%s)",
	           e.msg);
	vj_err_clear(&e);
	m = open_memstream(&text, &len);
	vjbpf_describe(&big, m);
	fclose(m);
	tap_ok(has_line(text, "cannot be enforced"), "describe says so too");
	free(text);
	struct vj_policy small;
	cgt_policy(&small, "small");
	struct vjbpf_tenant_opts bad_ring = {.ring_bytes = 5000};
	struct vjbpf_tenant_opts bad_rate = {.events_per_sec = 2000000};
	tap_is_int(vjbpf_tenant_add(id2, &small, &bad_ring, &e), -EINVAL,
	           "ring of 5000 bytes: EINVAL");
	vj_err_clear(&e);
	tap_is_int(vjbpf_tenant_add(id2, &small, &bad_rate, &e), -EINVAL, "2M events/s: EINVAL");
	vj_err_clear(&e);
	small.devices = 1u << 31;
	tap_is_int(vjbpf_tenant_add(id2, &small, NULL, &e), -EINVAL, "unknown device bit: EINVAL");
	vj_err_clear(&e);
	small.devices = 0;
	tap_is_int(vjbpf_tenant_add(0, &small, NULL, &e), -EINVAL, "cgroup id 0: EINVAL");
	vj_err_clear(&e);
	tap_is_int(vjbpf_tenant_count(), 1, "none of these registered anything");

	vj_policy_free(p);
	return tap_done();
}
