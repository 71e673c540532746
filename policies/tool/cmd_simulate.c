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
    "       vmjail-policy simulate [--arch ARCH] [--json] --batch FILE < QUERIES\n"
    "\n"
    "Compute the verdict for one syscall twice: by running the compiled BPF\n"
    "program in vmjail's interpreter, and from the policy's rules.  Prints\n"
    "both; a disagreement is a compiler bug and exits 1.\n"
    "\n"
    "  SYSCALL     a name (resolved for ARCH) or a number\n"
    "  ARG         up to six values: numbers or constants, e.g. KVM_RUN or\n"
    "              PROT_READ|PROT_EXEC (missing ones are 0)\n"
    "  --arch ARCH x86_64 (default), i386, x32, or an AUDIT_ARCH_* number\n"
    "  --json      {syscall, nr, arch, args, compiled, policy, agree, compiled_ret}\n"
    "  --batch     one query per stdin line, SYSCALL [ARG...]: one line of\n"
    "              output each; exit 1 if any disagrees\n"
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

struct sim {
	const char *arch_s;
	uint32_t arch, scmp_arch;
	bool json, x32;
	struct vj_policy *p;
	struct vj_bpf_prog prog;
};

/* One query: 0 agree, 1 disagree, 2 bad SYSCALL or ARG (said on stderr). */
static int one(const struct sim *s, const char *sc, char *const *args, int nargs)
{
	struct seccomp_data sd = {0};
	uint32_t got_bpf, got_eval;
	char b1[64], b2[64];

	if (nargs > 6) {
		tool_usage_error("simulate", "at most 6 arguments");
		return 2;
	}
	if (sc[0] >= '0' && sc[0] <= '9') {
		char *end;
		long v = strtol(sc, &end, 0);
		if (*end || v < 0 || v > INT32_MAX) {
			tool_usage_error("simulate", "bad syscall number '%.32s'", sc);
			return 2;
		}
		sd.nr = (int)v;
	} else {
		int nr = s->scmp_arch ? seccomp_syscall_resolve_name_arch(s->scmp_arch, sc) : -1;
		/* x86_64 names newer than libseccomp's table: the language's own. */
		if (nr < 0 && s->scmp_arch == SCMP_ARCH_X86_64)
			nr = vj_syscall_nr(sc);
		if (nr < 0) {
			tool_usage_error("simulate", "unknown syscall '%.64s' for %s", sc,
			                 s->arch_s);
			return 2;
		}
		sd.nr = nr;
	}
	if (s->x32)
		sd.nr |= (int)VJ_X32_SYSCALL_BIT;
	sd.arch = s->arch;
	for (int i = 0; i < nargs; i++) {
		uint64_t v;
		if (!tool_parse_value(args[i], &v)) {
			tool_usage_error("simulate", "bad argument '%.64s'", args[i]);
			return 2;
		}
		sd.args[i] = v;
	}
	got_bpf = vj_bpf_run(&s->prog, &sd);
	got_eval = vj_seccomp_eval(&s->p->seccomp, &sd);
	if (s->json) {
		printf("{\"syscall\":");
		vj_json_str(stdout, sc);
		printf(",\"nr\":%d,\"arch\":\"0x%08x\",\"args\":[", sd.nr, sd.arch);
		for (int i = 0; i < 6; i++)
			printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)sd.args[i]);
		printf("],\"compiled\":\"%s\",\"policy\":\"%s\",\"agree\":%s,"
		       "\"compiled_ret\":\"0x%08x\"}\n",
		       ret_str(got_bpf, b1, sizeof(b1)), ret_str(got_eval, b2, sizeof(b2)),
		       got_bpf == got_eval ? "true" : "false", got_bpf);
	} else {
		printf("syscall:  %.64s (nr %d, arch %s)\n", sc, sd.nr, s->arch_s);
		printf("compiled: %s\n", ret_str(got_bpf, b1, sizeof(b1)));
		printf("policy:   %s\n", ret_str(got_eval, b2, sizeof(b2)));
		if (got_bpf != got_eval)
			printf("MISMATCH: the compiled program and the policy disagree\n");
	}
	return got_bpf == got_eval ? 0 : 1;
}

/* --batch: a query per stdin line, "SYSCALL [ARG...]"; blank lines and
 * lines starting with # are skipped.  One compile for many queries (the
 * importers' differential test asks thousands). */
static int batch(const struct sim *s)
{
	char line[4096];
	unsigned n = 0;
	int worst = 0;

	while (fgets(line, sizeof(line), stdin)) {
		char *w[8], *save = NULL;
		int nw = 0;
		n++;
		if (!strchr(line, '\n') && !feof(stdin)) {
			fprintf(stderr, "vmjail-policy simulate: stdin:%u: line too long\n", n);
			return EXIT_USAGE;
		}
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nw < 8;
		     t = strtok_r(NULL, " \t\r\n", &save))
			w[nw++] = t;
		if (!nw || w[0][0] == '#')
			continue;
		int r = one(s, w[0], w + 1, nw - 1);
		if (r == 2) {
			fprintf(stderr, "vmjail-policy simulate: stdin:%u: bad query\n", n);
			return EXIT_USAGE;
		}
		if (r > worst)
			worst = r;
	}
	fflush(stdout);
	return worst ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {{"arch", required_argument, NULL, 'a'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"batch", no_argument, NULL, 'b'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct sim s = {
	    .arch_s = "x86_64", .arch = AUDIT_ARCH_X86_64, .scmp_arch = SCMP_ARCH_X86_64};
	struct vj_err e = {0};
	bool batch_mode = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+a:jbh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			s.arch_s = optarg;
			break;
		case 'j':
			s.json = true;
			break;
		case 'b':
			batch_mode = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return tool_usage_error("simulate", "bad option");
		}
	}
	if (batch_mode ? argc - optind != 1 : argc - optind < 2)
		return tool_usage_error("simulate", batch_mode ? "--batch takes FILE only"
		                                               : "expected FILE and SYSCALL");
	if (!batch_mode && argc - optind - 2 > 6)
		return tool_usage_error("simulate", "at most 6 arguments");
	if (strcmp(s.arch_s, "x86_64") == 0) {
	} else if (strcmp(s.arch_s, "i386") == 0) {
		s.arch = AUDIT_ARCH_I386;
		s.scmp_arch = SCMP_ARCH_X86;
	} else if (strcmp(s.arch_s, "x32") == 0) {
		s.x32 = true;
		s.scmp_arch = SCMP_ARCH_X32;
	} else {
		char *end;
		unsigned long v = strtoul(s.arch_s, &end, 0);
		if (!*s.arch_s || *end || v > UINT32_MAX)
			return tool_usage_error("simulate", "unknown arch '%.32s'", s.arch_s);
		s.arch = (uint32_t)v;
		s.scmp_arch = 0;
	}
	rc = tool_load(argv[optind], &s.p, NULL, false);
	if (rc)
		return rc;
	if (vj_seccomp_compile(&s.p->seccomp, &s.prog, &e) < 0) {
		char buf[600];
		fprintf(stderr, "vmjail-policy simulate: %s\n", vj_err_str(&e, buf, sizeof(buf)));
		vj_policy_free(s.p);
		return EXIT_FINDINGS;
	}
	if (batch_mode) {
		rc = batch(&s);
	} else {
		rc = one(&s, argv[optind + 1], argv + optind + 2, argc - optind - 2);
		rc = rc == 2 ? EXIT_USAGE : rc == 1 ? EXIT_FINDINGS : EXIT_OK;
	}
	vj_bpf_prog_free(&s.prog);
	vj_policy_free(s.p);
	return rc;
}
