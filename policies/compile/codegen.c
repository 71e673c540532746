// SPDX-License-Identifier: Apache-2.0
/*
 * Policy -> classic BPF.  libseccomp 2.5 builds the frame (architecture
 * check, x32 handling, the binary tree over syscall numbers); the argument
 * checks are ours (argcode.c).
 *
 * Why not libseccomp's argument comparisons: the differential fuzzer
 * (fuzz/fuzz_bpf_compile.c) found, on libseccomp 2.5.4,
 *   - a miscompile: two rules of one syscall with `<`/`<=` (or one of them
 *     with `>`/`>=`) on the same 64-bit argument, e.g. default allow and
 *         kill-process socket if arg5 <= 0x100000005
 *         kill-process socket if arg5 <= 3
 *     compares the low word of arg5 against the high half of 0x100000005
 *     without reloading the high word: socket(..., arg5 = 4) is allowed;
 *   - a hang: two rules sharing one `>=`, `>` or `!=` test on an argument
 *     followed by masked `==` tests with high-word mask bits on another
 *     argument (seccomp_rule_add never returns).
 * Both live in libseccomp's merging of argument trees, so we never give it
 * an argument comparison.  Each syscall with conditions gets a placeholder
 * rule returning SECCOMP_RET_TRACE | k (TRACE is never a policy action);
 * after export every such RET becomes a jump to block k, appended after the
 * library's program.  The frame's jumps are relative and untouched.
 *
 * Other libseccomp pitfalls steered around (each is also something the
 * differential test would catch):
 *   - Rules with different actions on one syscall: an `A1 != x -> ERRNO`
 *     rule next to `A1 == y -> ALLOW` rules has been seen to return EPERM for
 *     allowed values.  We refuse any syscall whose rules disagree on the
 *     action (the validator already does; we do not rely on it).
 *   - A rule whose action equals the default is refused by libseccomp
 *     (-EACCES) and means nothing anyway: skipped.
 *   - 32-bit arguments: a 64-bit comparison of `ioctl A1 == TIOCSTI` misses
 *     TIOCSTI | 1 << 32 (CVE-2019-10063), which the kernel executes as
 *     TIOCSTI.  argcode.c compares an arg32 argument's low word only.
 *   - libseccomp may rewrite a rule it finds unsuitable for the arch; we use
 *     seccomp_rule_add_exact_array(), which fails instead.
 *   - Bad arch: libseccomp kills other arches only if told to
 *     (SCMP_FLTATR_ACT_BADARCH), and its x32 check lets nr == -1 through to
 *     the syscall table (for ptrace's "skip this syscall").  We prepend our
 *     own guard that kills every arch but x86_64 and every nr >= 0x40000000,
 *     so the x32/i386 guarantee does not depend on the library's version.
 *   - Default action kill-process, never kill-thread: killing one thread of a
 *     multi-threaded VMM leaves the rest running in an unknown state.  (The
 *     policy chooses; kill-thread is only ever what it explicitly asks for.)
 *   - no_new_privs: SCMP_FLTATR_CTL_NNP=0, the jailer sets it itself at the
 *     point of its choosing; libseccomp never loads anything (we export).
 *   - Jumps over 255 instructions: libseccomp inserts its own long-jump
 *     trampolines in the frame; our splice uses JA (32-bit offset) and our
 *     blocks only jump within one rule.
 */
#include "policies/compile/internal.h"

#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void vj_bpf_prog_free(struct vj_bpf_prog *p)
{
	if (!p)
		return;
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

static bool action_ok(const struct vj_action *a)
{
	switch (a->kind) {
	case VJ_ACT_KILL_PROCESS:
	case VJ_ACT_KILL_THREAD:
	case VJ_ACT_TRAP:
	case VJ_ACT_USER_NOTIF:
	case VJ_ACT_LOG:
	case VJ_ACT_ALLOW:
		return true;
	case VJ_ACT_ERRNO:
		return a->errnum >= 1 && a->errnum <= 4095;
	}
	return false;
}

static bool same_action(const struct vj_action *a, const struct vj_action *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind != VJ_ACT_ERRNO || a->errnum == b->errnum;
}

static uint32_t scmp_action(const struct vj_action *a)
{
	switch (a->kind) {
	case VJ_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case VJ_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case VJ_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case VJ_ACT_ERRNO:
		return SCMP_ACT_ERRNO((uint32_t)a->errnum);
	case VJ_ACT_USER_NOTIF:
		return SCMP_ACT_NOTIFY;
	case VJ_ACT_LOG:
		return SCMP_ACT_LOG;
	case VJ_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static const char *op_text(enum vj_op op)
{
	static const char *const t[] = {"==", "!=", "<", "<=", ">", ">=", "& mask =="};
	return (unsigned)op < sizeof(t) / sizeof(t[0]) ? t[op] : "?";
}

static int check_rule(const struct vj_rule *r, size_t idx, struct vj_err *e)
{
	const char *file = r->loc.file ? r->loc.file : "<policy>";
	unsigned seen = 0;

	if (r->nr < 0 || (uint32_t)r->nr >= VJ_X32_SYSCALL_BIT)
		return vj_fail(e, EINVAL,
		               "%s:%u: rule %zu: syscall number %d is not an x86_64 number", file,
		               r->loc.line, idx, r->nr);
	if (!action_ok(&r->action))
		return vj_fail(e, EINVAL, "%s:%u: %s: invalid action", file, r->loc.line, r->name);
	if (r->ncond > VJ_MAX_CONDS)
		return vj_fail(e, EINVAL, "%s:%u: %s: %u conditions (at most %d)", file,
		               r->loc.line, r->name, r->ncond, VJ_MAX_CONDS);
	for (unsigned i = 0; i < r->ncond; i++) {
		const struct vj_cond *c = &r->cond[i];
		if (c->arg > 5)
			return vj_fail(e, EINVAL, "%s:%u: %s: arg%u does not exist", file,
			               c->loc.line, r->name, c->arg);
		if ((unsigned)c->op > VJ_OP_MASKED_EQ)
			return vj_fail(e, EINVAL, "%s:%u: %s: invalid comparison", file,
			               c->loc.line, r->name);
		/* libseccomp (and this codegen) cannot express an ordering test on
		 * the low half alone, and the validator only admits == and & ==. */
		if (c->arg32 && c->op != VJ_OP_EQ && c->op != VJ_OP_MASKED_EQ)
			return vj_fail(
			    e, EINVAL,
			    "%s:%u: %s: arg%u is a 32-bit argument; only == and masked == "
			    "may compare it, not %s",
			    file, c->loc.line, r->name, c->arg, op_text(c->op));
		/* libseccomp allows one comparison per argument and rule. */
		if (seen & (1u << c->arg))
			return vj_fail(e, EINVAL, "%s:%u: %s: arg%u is compared twice in one rule",
			               file, c->loc.line, r->name, c->arg);
		seen |= 1u << c->arg;
	}
	return 0;
}

/* By syscall number, then in policy order (the rules live in one array). */
static int cmp_rule_nr(const void *a, const void *b)
{
	const struct vj_rule *x = *(const struct vj_rule *const *)a;
	const struct vj_rule *y = *(const struct vj_rule *const *)b;
	if (x->nr != y->nr)
		return (x->nr > y->nr) - (x->nr < y->nr);
	return (x > y) - (x < y);
}

/* The rules grouped by syscall; all rules of one syscall must share one
 * action (see the header comment). */
static int group_rules(const struct vj_seccomp *sc, const struct vj_rule ***out, struct vj_err *e)
{
	const struct vj_rule **v;

	*out = NULL;
	if (sc->nrules == 0)
		return 0;
	v = calloc(sc->nrules, sizeof(*v));
	if (!v)
		return vj_fail(e, ENOMEM, "out of memory grouping seccomp rules");
	for (size_t i = 0; i < sc->nrules; i++)
		v[i] = &sc->rules[i];
	qsort(v, sc->nrules, sizeof(*v), cmp_rule_nr);
	for (size_t i = 1; i < sc->nrules; i++) {
		if (v[i]->nr == v[i - 1]->nr && !same_action(&v[i]->action, &v[i - 1]->action)) {
			char a[48], b[48];
			int rc = vj_fail(
			    e, EINVAL,
			    "%s:%u: %s: rules of one syscall have different actions "
			    "(%s here, %s at line %u)",
			    v[i]->loc.file ? v[i]->loc.file : "<policy>", v[i]->loc.line,
			    v[i]->name, vj_action_name(&v[i]->action, a, sizeof(a)),
			    vj_action_name(&v[i - 1]->action, b, sizeof(b)), v[i - 1]->loc.line);
			free(v);
			return rc;
		}
	}
	*out = v;
	return 0;
}

/*
 * Runs before libseccomp's program: x86_64 only, and no nr in the x32 range
 * or above.  Jumps are relative, so prepending keeps libseccomp's intact.
 */
static const struct sock_filter guard[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 2),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, VJ_X32_SYSCALL_BIT, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
};
#define GUARD_LEN (sizeof(guard) / sizeof(guard[0]))

static int setup_ctx(const struct vj_seccomp *sc, scmp_filter_ctx *ctxp, struct vj_err *e)
{
	scmp_filter_ctx ctx;
	int rc;

	/* The x86_64 native arch is the only one in the filter; anything else
	 * would silently compile the policy's numbers for a different table. */
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return vj_fail(e, ENOTSUP, "the seccomp compiler only targets x86_64 hosts");
	ctx = seccomp_init(scmp_action(&sc->def));
	if (!ctx)
		return vj_fail(e, ENOMEM, "seccomp_init failed (default action %u)",
		               scmp_action(&sc->def));
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		seccomp_release(ctx);
		return vj_failx(e, rc, "setting libseccomp filter attributes");
	}
	if (seccomp_arch_exist(ctx, SCMP_ARCH_X86_64) != 0) {
		seccomp_release(ctx);
		return vj_fail(e, ENOTSUP, "libseccomp context lacks the x86_64 arch");
	}
	*ctxp = ctx;
	return 0;
}

/* A syscall with argument checks: its rules (a run of the grouped array)
 * and where its block starts. */
struct block {
	const struct vj_rule *const *rules;
	size_t nrules;
	size_t start;
};

#define MARK(k) (SECCOMP_RET_TRACE | (uint32_t)(k))

/* libseccomp's part: one rule per syscall, no argument comparisons. */
static int add_frame_rules(scmp_filter_ctx ctx, const struct vj_seccomp *sc,
                           const struct vj_rule **v, struct block *blocks, size_t *nblocks,
                           struct vj_err *e)
{
	*nblocks = 0;
	for (size_t i = 0, j; i < sc->nrules; i = j) {
		const struct vj_rule *r = v[i];
		bool unconditional = false;
		uint32_t act;
		int rc;

		for (j = i; j < sc->nrules && v[j]->nr == r->nr; j++)
			unconditional = unconditional || v[j]->ncond == 0;
		if (same_action(&r->action, &sc->def))
			continue;
		if (unconditional) {
			act = scmp_action(&r->action);
		} else {
			if (*nblocks > SECCOMP_RET_DATA)
				return vj_fail(e, E2BIG,
				               "more than %u syscalls with argument checks",
				               SECCOMP_RET_DATA + 1);
			blocks[*nblocks] = (struct block){&v[i], j - i, 0};
			act = MARK(*nblocks);
			(*nblocks)++;
		}
		rc = seccomp_rule_add_exact_array(ctx, act, r->nr, 0, NULL);
		if (rc < 0)
			return vj_failx(e, rc, "%s:%u: libseccomp refused the rule for %s (nr %d)",
			                r->loc.file ? r->loc.file : "<policy>", r->loc.line,
			                r->name, r->nr);
	}
	return 0;
}

/* libseccomp's program, read back from a memfd. */
static int export_frame(scmp_filter_ctx ctx, struct vj_insns *out, struct vj_err *e)
{
	struct stat st;
	size_t n;
	int fd, rc;

	fd = memfd_create("vmjail-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return vj_failx(e, errno, "memfd_create for the seccomp export");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return vj_failx(e, rc, "seccomp_export_bpf");
	}
	if (fstat(fd, &st) < 0) {
		rc = vj_failx(e, errno, "fstat of the seccomp export");
		close(fd);
		return rc;
	}
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size > (off_t)(VJ_BPF_MAXINSNS * sizeof(struct sock_filter))) {
		close(fd);
		return vj_fail(e, st.st_size > 0 ? E2BIG : EPROTO,
		               "libseccomp exported %lld bytes (not 1..%d whole instructions)",
		               (long long)st.st_size, VJ_BPF_MAXINSNS);
	}
	n = (size_t)st.st_size / sizeof(struct sock_filter);
	out->v = calloc(n, sizeof(struct sock_filter));
	if (!out->v) {
		close(fd);
		return vj_fail(e, ENOMEM, "out of memory for the seccomp filter");
	}
	out->n = out->cap = n;
	for (size_t off = 0, want = n * sizeof(struct sock_filter); off < want;) {
		ssize_t got = pread(fd, (char *)out->v + off, want - off, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = got < 0 ? vj_failx(e, errno, "reading the seccomp export")
			             : vj_fail(e, EIO, "short read of the seccomp export");
			close(fd);
			return rc;
		}
		off += (size_t)got;
	}
	close(fd);
	return 0;
}

/* guard + frame + blocks, with every placeholder RET turned into a jump. */
static int splice(const struct vj_insns *frame, const struct vj_insns *code,
                  const struct block *blocks, size_t nblocks, struct vj_bpf_prog *out,
                  struct vj_err *e)
{
	size_t total = GUARD_LEN + frame->n + code->n, base = GUARD_LEN + frame->n;
	unsigned char *seen;
	int rc = 0;

	if (total > VJ_BPF_MAXINSNS)
		return vj_fail(e, E2BIG,
		               "the seccomp filter is %zu instructions; the kernel accepts at most "
		               "%d (fewer rules or argument checks)",
		               total, VJ_BPF_MAXINSNS);
	out->insns = calloc(total, sizeof(struct sock_filter));
	seen = calloc(nblocks + 1, 1);
	if (!out->insns || !seen) {
		free(seen);
		vj_bpf_prog_free(out);
		return vj_fail(e, ENOMEM, "out of memory for the seccomp filter");
	}
	memcpy(out->insns, guard, sizeof(guard));
	memcpy(out->insns + GUARD_LEN, frame->v, frame->n * sizeof(struct sock_filter));
	if (code->n)
		memcpy(out->insns + base, code->v, code->n * sizeof(struct sock_filter));
	out->len = total;

	for (size_t pc = GUARD_LEN; pc < base && rc == 0; pc++) {
		struct sock_filter *in = &out->insns[pc];
		if (in->code != (BPF_RET | BPF_K) ||
		    (in->k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
			continue;
		size_t k = in->k & SECCOMP_RET_DATA;
		if (k >= nblocks) {
			rc = vj_fail(e, EPROTO, "libseccomp emitted an unknown TRACE return 0x%08x",
			             in->k);
			break;
		}
		*in = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
		                                   (uint32_t)(base + blocks[k].start - pc - 1));
		seen[k] = 1;
	}
	for (size_t k = 0; k < nblocks && rc == 0; k++)
		if (!seen[k])
			rc = vj_fail(e, EPROTO,
			             "libseccomp's program never reaches the argument checks of %s",
			             blocks[k].rules[0]->name);
	free(seen);
	if (rc < 0)
		vj_bpf_prog_free(out);
	return rc;
}

int vj_seccomp_compile(const struct vj_seccomp *sc, struct vj_bpf_prog *out, struct vj_err *e)
{
	const struct vj_rule **v = NULL;
	struct vj_insns frame = {0}, code = {0};
	struct block *blocks = NULL;
	scmp_filter_ctx ctx = NULL;
	size_t nblocks = 0;
	int rc;

	vj_err_step(e, "seccomp-compile");
	if (!out)
		return vj_fail(e, EINVAL, "no output program");
	out->insns = NULL;
	out->len = 0;
	if (!sc || (sc->nrules && !sc->rules))
		return vj_fail(e, EINVAL, "no seccomp rules given");
	if (!action_ok(&sc->def))
		return vj_fail(e, EINVAL, "invalid default seccomp action");
	for (size_t i = 0; i < sc->nrules; i++)
		if ((rc = check_rule(&sc->rules[i], i, e)) < 0)
			return rc;
	if ((rc = group_rules(sc, &v, e)) < 0)
		return rc;
	blocks = calloc(sc->nrules + 1, sizeof(*blocks));
	if (!blocks) {
		free(v);
		return vj_fail(e, ENOMEM, "out of memory for the seccomp filter");
	}

	rc = setup_ctx(sc, &ctx, e);
	if (rc == 0)
		rc = add_frame_rules(ctx, sc, v, blocks, &nblocks, e);
	if (rc == 0)
		rc = export_frame(ctx, &frame, e);
	if (ctx)
		seccomp_release(ctx);

	for (size_t k = 0; rc == 0 && k < nblocks; k++) {
		blocks[k].start = code.n;
		rc = vj_argcode_block(&code, blocks[k].rules, blocks[k].nrules,
		                      scmp_action(&blocks[k].rules[0]->action),
		                      scmp_action(&sc->def));
		if (rc < 0)
			rc = vj_fail(e, -rc, "generating the argument checks of %s",
			             blocks[k].rules[0]->name);
	}
	if (rc == 0)
		rc = splice(&frame, &code, blocks, nblocks, out, e);
	vj_insns_free(&frame);
	vj_insns_free(&code);
	free(blocks);
	free(v);
	if (rc < 0)
		return rc;

	/* What we hand out must be loadable; never let a surprise reach
	 * seccomp(2) or the cache. */
	if ((rc = vj_bpf_check(out, e)) < 0) {
		vj_bpf_prog_free(out);
		return rc;
	}
	return 0;
}
