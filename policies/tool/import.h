/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the importers (import-oci, import-firecracker, import-minijail) share:
 * the rules they collect, how a rule the language cannot say is rewritten,
 * dropped or made stricter (each with a comment in the output), and the one
 * printer of the resulting policy text.
 */
#ifndef VMJAIL_POLICY_IMPORT_H
#define VMJAIL_POLICY_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policies/lang/policy.h"

struct cond {
	unsigned arg;
	enum vj_op op;
	uint64_t value, mask;
};

struct irule {
	int nr;
	char name[40];   /* x86_64 syscall name (checked by imp_name_ok) */
	char origin[64]; /* where the source says it ("vmm.filter[3]", "a.policy:12"); may be "" */
	struct vj_action act;
	struct cond c[VJ_MAX_CONDS];
	unsigned nc;
	bool dead;       /* dropped */
	bool enumerated; /* a 32-bit ordering or !=, printed as the values it admits */
	bool refused;    /* a deny rule left to the default: no allow rule may admit its call */
	bool no_vsock;   /* enumerated, without AF_VSOCK (vmjail's floor) */
	size_t seq;      /* order in the source (set by imp_add) */
	const char *why; /* dead on input: why (a static string, printed by imp_print_dropped) */
};

struct imp {
	struct irule *r;
	size_t n, cap;
	struct vj_action def;
	unsigned skipped_arch, skipped_caps;
	bool exec_once; /* execve was added for the VMM's own start: exec-once keeps it to one */
};

/* "# skipped: 'NAME' why" with NAME escaped (it comes from the input). */
void imp_skipped(const char *s, const char *why);
/* "# note: NAME (ORIGIN): ..." for a rule with an origin, "# ..." without. */
void imp_note(const struct irule *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool imp_act_eq(const struct vj_action *x, const struct vj_action *y);
/* [a-z0-9_]{1,39}: what a syscall name may be before it is looked up. */
bool imp_name_ok(const char *s);
/* Append a copy; -1 when there are too many. */
int imp_add(struct imp *im, const struct irule *r);

const char *imp_cond_text(const struct irule *r, const struct cond *c, char *buf, size_t len);
const char *imp_rule_text(const struct irule *r, char *buf, size_t len);
/* NULL when the language can say the rule as it is, else why not. */
const char *imp_inexpressible(const struct irule *r);
bool imp_same_conds(const struct irule *a, const struct irule *b);
/* qsort order of rules: by name, then most restrictive action first (enum
 * vj_act is in that order), then source order (so output is deterministic). */
int imp_cmp_rules(const void *x, const void *y);
bool imp_cond_holds(const struct cond *c, uint64_t v);

/* Orderings and != on a 32-bit argument as the list of values they admit. */
#define ENUM_MAX 256
uint64_t imp_enum_bound(const struct irule *r);
bool imp_enum_range(const struct irule *r, uint64_t *lo, uint64_t *hi);

void imp_emit_rule(const struct irule *r);
/* Rule i of im as `in {...}`, leaving out values another live rule of the
 * syscall already says. */
void imp_emit_enumerated(const struct imp *im, size_t i);

/*
 * Conditions on an argument the kernel reads as 32-bit, written by a source
 * that compares all 64 bits: a sign-extended negative value (AT_FDCWD) and a
 * mask's high half are folded to the low 32 bits, which is all the kernel
 * (and vmjail's filter) looks at.
 */
void imp_fold32(struct irule *r);

/* A rule the language cannot say: rewritten as `in {}` when exact, else an
 * allow rule is dropped and a refusing rule made unconditional (fail
 * closed); a note either way. */
void imp_fit(struct irule *r);

/*
 * Per syscall: one action (rules of a less restrictive action than the most
 * restrictive one present are dropped, fail closed, with a note), rules fitted
 * to the language, an unconditional rule covering the others, duplicates and
 * rules that say what the default says removed.  Sorts im->r by name.
 */
void imp_tidy(struct imp *im);

/* The VMM is started by execve under the filter: when the source does not
 * allow it (a filter installed after start-up), execve is allowed and
 * exec-once keeps it to that one exec; a note says so. */
void imp_allow_exec(struct imp *im);

/* A note for each rule dropped on input (its why). */
void imp_print_dropped(const struct imp *im);

/* The policy text: header, default, unconditional rules grouped by action,
 * then the conditional ones.  Marks every printed rule dead. */
void imp_print(struct imp *im, const char *name);

/*
 * "FILE:LINE:COL: error: MSG" on stderr, the first "%s" of msg replaced by
 * text (n bytes, at most 64 shown), escaped like the file name: both come
 * from the input.  Returns -1.
 */
int imp_error(const char *file, unsigned line, unsigned col, const char *msg, const char *text,
              size_t n);

/* --name NAME: 1 to 63 of [A-Za-z0-9._-]. */
bool imp_policy_name_ok(const char *name);

#endif
