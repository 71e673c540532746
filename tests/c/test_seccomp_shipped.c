// SPDX-License-Identifier: Apache-2.0
/*
 * Differential test on the shipped policies: every shipped .policy file and
 * the default policy compiled into the binary are parsed, compiled, and the
 * program run in the interpreter must agree with the policy's semantics on
 * 200,000 probes each (see crosscheck.h for how they are aimed).  Prints the
 * instruction count per policy.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "policies/compile/crosscheck.h"
#include "tests/c/tap.h"

#define PROBES 200000

static void check(const char *label, struct vj_policy *p, uint64_t seed)
{
	struct vj_bpf_prog prog = {0};
	struct vj_err e = {0};
	struct vj_xcheck x;

	if (!tap_ok(vj_seccomp_compile(&p->seccomp, &prog, &e) == 0, "%s: compiles", label)) {
		tap_diag("%s", e.msg);
		return;
	}
	vj_seccomp_crosscheck(&p->seccomp, &prog, seed, PROBES, &x);
	tap_diag("%-24s %3zu rules %4zu insns | %llu probes, %llu mismatches | i386 %llu foreign "
	         "%llu x32 %llu beyond %llu high-bits %llu | rules hit %zu/%zu",
	         label, p->seccomp.nrules, prog.len, (unsigned long long)x.probes,
	         (unsigned long long)x.mismatches, (unsigned long long)x.arch_i386,
	         (unsigned long long)x.arch_foreign, (unsigned long long)x.nr_x32,
	         (unsigned long long)x.nr_beyond, (unsigned long long)x.high_bits, x.rules_hit,
	         x.rules_live);
	if (x.mismatches)
		tap_diag("first mismatch: arch 0x%08x nr %d args %llx %llx %llx %llx %llx %llx: "
		         "policy 0x%08x, program 0x%08x",
		         x.first.arch, x.first.nr, (unsigned long long)x.first.args[0],
		         (unsigned long long)x.first.args[1], (unsigned long long)x.first.args[2],
		         (unsigned long long)x.first.args[3], (unsigned long long)x.first.args[4],
		         (unsigned long long)x.first.args[5], x.first_eval, x.first_run);
	tap_is_int(x.mismatches, 0, "%s: program and semantics agree on %llu probes", label,
	           (unsigned long long)x.probes);
	tap_ok(x.arch_i386 && x.arch_foreign && x.nr_x32 && x.nr_beyond && x.high_bits,
	       "%s: probes covered i386, foreign arches, x32, beyond-table numbers, high bits",
	       label);
	tap_is_int(x.rules_hit, x.rules_live, "%s: every rule that can fire was made to fire",
	           label);
	vj_bpf_prog_free(&prog);
}

int main(void)
{
	const char *src = getenv("VJ_SRC");
	struct vj_policy *p = NULL;
	struct vj_diag d = {0};
	char pat[4096];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/policies/*.policy", src ? src : ".");
	if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		printf("Bail out! no shipped policies at %s\n", pat);
		return 255;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		int rc = vj_policy_load_file(path, &p, &d);
		if (!tap_ok(rc == 0, "%s: parses", base)) {
			vj_diag_print(&d, stdout);
			vj_diag_free(&d);
			continue;
		}
		vj_diag_free(&d);
		check(base, p, 0xc0ffee00u + i);
		vj_policy_free(p);
		p = NULL;
	}
	globfree(&g);

	if (tap_ok(vj_policy_load_buffer("embedded-default", vj_default_policy_text,
	                                 vj_default_policy_len, NULL, &p, &d) == 0,
	           "the embedded default policy parses")) {
		check("embedded default", p, 0xdefa0u);
		vj_policy_free(p);
	}
	vj_diag_free(&d);
	return tap_done();
}
