// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail-policy simulate: what happens to one syscall, asked twice: the
 * compiled program run in the BPF interpreter (what the kernel will do) and
 * the policy's own meaning (vj_seccomp_eval).  They must agree.
 */
#include <getopt.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/compile/seccomp.h"
#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"
#include "policies/tool/tool.h"

static const char help[] =
    "usage: vmjail-policy simulate [--arch ARCH] [--json] FILE SYSCALL [ARG...]\n"
    "\n"
    "Compute the verdict for one syscall twice: by running the compiled BPF\n"
    "program in vmjail's interpreter, and from the policy's rules.  Prints\n"
    "both; a disagreement is a compiler bug and exits 1.\n"
    "\n"
    "  SYSCALL     a name (resolved for ARCH) or a number\n"
    "  ARG         up to six values: numbers or constants, e.g. KVM_RUN or\n"
    "              PROT_READ|PROT_EXEC (missing ones are 0)\n"
    "  --arch ARCH x86_64 (default), i386, x32, or an AUDIT_ARCH_* number\n"
    "  --json      {syscall, nr, arch, args, compiled, policy, agree}\n"
    "\n" EXIT_CODES_HELP;

/* "allow", "kill-process", "errno EPERM"... from a SECCOMP_RET_* value. */
static const char *ret_str(uint32_t r, char *buf, size_t len)
{
	uint32_t data = r & SECCOMP_RET_DATA;

	switch (r & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		return "kill-process";
	case SECCOMP_RET_KILL_THREAD:
		return "kill-thread";
	case SECCOMP_RET_TRAP:
		snprintf(buf, len, data ? "trap %u" : "trap", data);
		return buf;
	case SECCOMP_RET_ERRNO: {
		const char *n = vj_errno_name((int)data);
		if (n)
			snprintf(buf, len, "errno %s", n);
		else
			snprintf(buf, len, "errno %u", data);
		return buf;
	}
	case SECCOMP_RET_USER_NOTIF:
		return "user-notify";
	case SECCOMP_RET_TRACE:
		snprintf(buf, len, "trace %u", data);
		return buf;
	case SECCOMP_RET_LOG:
		return "log";
	case SECCOMP_RET_ALLOW:
		return "allow";
	}
	snprintf(buf, len, "0x%08x", r);
	return buf;
}

int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {{"arch", required_argument, NULL, 'a'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *arch_s = "x86_64", *sc;
	uint32_t arch = AUDIT_ARCH_X86_64, scmp_arch = SCMP_ARCH_X86_64;
	bool json = false, x32 = false;
	struct seccomp_data sd = {0};
	struct vj_policy *p;
	struct vj_bpf_prog prog = {0};
	struct vj_err e = {0};
	uint32_t got_bpf, got_eval;
	char b1[64], b2[64];
	int c, rc, nargs;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+a:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			arch_s = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("simulate", "bad option");
		}
	}
	if (argc - optind < 2)
		return tool_usage_error("simulate", "expected FILE and SYSCALL");
	nargs = argc - optind - 2;
	if (nargs > 6)
		return tool_usage_error("simulate", "at most 6 arguments");
	if (strcmp(arch_s, "x86_64") == 0) {
	} else if (strcmp(arch_s, "i386") == 0) {
		arch = AUDIT_ARCH_I386;
		scmp_arch = SCMP_ARCH_X86;
	} else if (strcmp(arch_s, "x32") == 0) {
		x32 = true;
		scmp_arch = SCMP_ARCH_X32;
	} else {
		char *end;
		unsigned long v = strtoul(arch_s, &end, 0);
		if (!*arch_s || *end || v > UINT32_MAX)
			return tool_usage_error("simulate", "unknown arch '%.32s'", arch_s);
		arch = (uint32_t)v;
		scmp_arch = 0;
	}
	sc = argv[optind + 1];
	if (sc[0] >= '0' && sc[0] <= '9') {
		char *end;
		long v = strtol(sc, &end, 0);
		if (*end || v < 0 || v > INT32_MAX)
			return tool_usage_error("simulate", "bad syscall number '%.32s'", sc);
		sd.nr = (int)v;
	} else {
		int nr = scmp_arch ? seccomp_syscall_resolve_name_arch(scmp_arch, sc) : -1;
		/* x86_64 names newer than libseccomp's table: the language's own. */
		if (nr < 0 && scmp_arch == SCMP_ARCH_X86_64)
			nr = vj_syscall_nr(sc);
		if (nr < 0)
			return tool_usage_error("simulate", "unknown syscall '%.64s' for %s", sc,
			                        arch_s);
		sd.nr = nr;
	}
	if (x32)
		sd.nr |= (int)VJ_X32_SYSCALL_BIT;
	sd.arch = arch;
	for (int i = 0; i < nargs; i++) {
		uint64_t v;
		if (!tool_parse_value(argv[optind + 2 + i], &v))
			return tool_usage_error("simulate", "bad argument '%.64s'",
			                        argv[optind + 2 + i]);
		sd.args[i] = v;
	}
	rc = tool_load(argv[optind], &p, NULL, false);
	if (rc)
		return rc;
	if (vj_seccomp_compile(&p->seccomp, &prog, &e) < 0) {
		char buf[600];
		fprintf(stderr, "vmjail-policy simulate: %s\n", vj_err_str(&e, buf, sizeof(buf)));
		vj_policy_free(p);
		return EXIT_FINDINGS;
	}
	got_bpf = vj_bpf_run(&prog, &sd);
	got_eval = vj_seccomp_eval(&p->seccomp, &sd);
	if (json) {
		printf("{\"syscall\":");
		vj_json_str(stdout, sc);
		printf(",\"nr\":%d,\"arch\":\"0x%08x\",\"args\":[", sd.nr, sd.arch);
		for (int i = 0; i < 6; i++)
			printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)sd.args[i]);
		printf("],\"compiled\":\"%s\",\"policy\":\"%s\",\"agree\":%s}\n",
		       ret_str(got_bpf, b1, sizeof(b1)), ret_str(got_eval, b2, sizeof(b2)),
		       got_bpf == got_eval ? "true" : "false");
	} else {
		printf("syscall:  %.64s (nr %d, arch %s)\n", sc, sd.nr, arch_s);
		printf("compiled: %s\n", ret_str(got_bpf, b1, sizeof(b1)));
		printf("policy:   %s\n", ret_str(got_eval, b2, sizeof(b2)));
		if (got_bpf != got_eval)
			printf("MISMATCH: the compiled program and the policy disagree\n");
	}
	vj_bpf_prog_free(&prog);
	vj_policy_free(p);
	return got_bpf == got_eval ? EXIT_OK : EXIT_FINDINGS;
}
