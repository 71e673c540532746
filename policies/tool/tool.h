/* SPDX-License-Identifier: Apache-2.0 */
/* vmjail-policy: shared helpers of the subcommands (one file each). */
#ifndef VMJAIL_POLICY_TOOL_H
#define VMJAIL_POLICY_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jailer/jsonout.h"
#include "policies/lang/policy.h"

/* Exit codes, the same for every subcommand (documented in --help). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* errors in the input, lint findings, diff differences, sim mismatch */
	EXIT_USAGE = 2,
	EXIT_IO = 3,
};

#define EXIT_CODES_HELP "Exit status: 0 ok, 1 errors/findings in the input, 2 usage, 3 I/O error.\n"

struct tool_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_check(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import_oci(int argc, char **argv);
int cmd_import_firecracker(int argc, char **argv);
int cmd_import_minijail(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_apparmor(int argc, char **argv);

/*
 * Load and validate a policy: "-" reads stdin (no includes), "@default" the
 * embedded default.  Diagnostics go to stderr unless quiet.  Returns
 * EXIT_OK, EXIT_FINDINGS (invalid policy) or EXIT_IO.  diag may be NULL.
 */
int tool_load(const char *path, struct vj_policy **out, struct vj_diag *diag, bool quiet);

/* Read a whole file ("-" = stdin) up to max bytes; EXIT_OK or EXIT_IO. */
int tool_read_all(const char *path, size_t max, char **buf, size_t *len);

/* JSON strings: vj_json_str (jailer/jsonout.h); action names:
 * vj_action_name (policies/lang/policy.h). */

/* "arg1 == KVM_RUN", "arg2 & PROT_EXEC == 0": constants printed by name where
 * the value has an unambiguous name in the argument's family. */
const char *tool_cond_str(const struct vj_rule *r, const struct vj_cond *c, char *buf, size_t len);

/* A rule's conditions joined with " and " ("" when unconditional). */
const char *tool_conds_str(const struct vj_rule *r, char *buf, size_t len);

/* Usage error: message to stderr, returns EXIT_USAGE. */
int tool_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Value of a number or constant expression ("KVM_RUN", "0x10", "A|B"). */
bool tool_parse_value(const char *s, uint64_t *out);

#endif
