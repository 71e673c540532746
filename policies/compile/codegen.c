// SPDX-License-Identifier: Apache-2.0
/*
 * Policy -> classic BPF, through libseccomp 2.5.
 *
 * libseccomp pitfalls this file steers around (each is also something the
 * differential test would catch):
 *   - Rules with different actions on one syscall: libseccomp merges them
 *     into one decision tree, and an `A1 != x -> ERRNO` rule next to
 *     `A1 == y -> ALLOW` rules on the same argument has been seen to land
 *     inside the EQ chain and return EPERM for allowed values.  We refuse any
 *     syscall whose rules disagree on the action (the validator already does;
 *     we do not rely on it).
 *   - A rule whose action equals the default is refused by libseccomp
 *     (-EACCES) and means nothing anyway: skipped.
 *   - 32-bit arguments: libseccomp compares all 64 bits, so a deny rule on
 *     `ioctl A1 == TIOCSTI` misses TIOCSTI | 1 << 32 (CVE-2019-10063), which
 *     the kernel still executes as TIOCSTI.  arg32 conditions are emitted as
 *     MASKED_EQ with a 0xffffffff mask instead.
 *   - A masked comparison whose value has bits outside its mask can never
 *     hold; how libseccomp encodes such a datum is not something to depend
 *     on, so such a rule is dropped here (it matches nothing).
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
 */
#include "policies/compile/seccomp.h"

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

static int cmp_rule_nr(const void *a, const void *b)
{
	const struct vj_rule *x = *(const struct vj_rule *const *)a;
	const struct vj_rule *y = *(const struct vj_rule *const *)b;
	return (x->nr > y->nr) - (x->nr < y->nr);
}

/* All rules of one syscall must share one action (see the header comment). */
static int check_one_action_per_syscall(const struct vj_seccomp *sc, struct vj_err *e)
{
	const struct vj_rule **v;

	if (sc->nrules < 2)
		return 0;
	v = calloc(sc->nrules, sizeof(*v));
	if (!v)
		return vj_fail(e, ENOMEM, "out of memory checking seccomp rules");
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
	free(v);
	return 0;
}

/* The libseccomp comparison for one condition; false if it can never hold. */
static bool scmp_cond(const struct vj_cond *c, struct scmp_arg_cmp *out)
{
	uint64_t mask;

	memset(out, 0, sizeof(*out));
	out->arg = c->arg;
	if (c->arg32 || c->op == VJ_OP_MASKED_EQ) {
		if (c->op == VJ_OP_MASKED_EQ)
			mask = c->mask;
		else
			mask = UINT64_MAX;
		if (c->arg32)
			mask &= 0xffffffffu;
		if (c->value & ~mask)
			return false;
		out->op = SCMP_CMP_MASKED_EQ;
		out->datum_a = mask;
		out->datum_b = c->value;
		return true;
	}
	switch (c->op) {
	case VJ_OP_EQ:
		out->op = SCMP_CMP_EQ;
		break;
	case VJ_OP_NE:
		out->op = SCMP_CMP_NE;
		break;
	case VJ_OP_LT:
		out->op = SCMP_CMP_LT;
		break;
	case VJ_OP_LE:
		out->op = SCMP_CMP_LE;
		break;
	case VJ_OP_GT:
		out->op = SCMP_CMP_GT;
		break;
	case VJ_OP_GE:
		out->op = SCMP_CMP_GE;
		break;
	case VJ_OP_MASKED_EQ: /* handled above */
		break;
	}
	out->datum_a = c->value;
	return true;
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

static int export_prog(scmp_filter_ctx ctx, struct vj_bpf_prog *out, struct vj_err *e)
{
	struct stat st;
	size_t n, total;
	unsigned char *buf;
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
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter)) {
		close(fd);
		return vj_fail(e, EPROTO, "libseccomp exported %lld bytes, not whole instructions",
		               (long long)st.st_size);
	}
	n = (size_t)st.st_size / sizeof(struct sock_filter);
	total = n + GUARD_LEN;
	if (total > VJ_BPF_MAXINSNS) {
		close(fd);
		return vj_fail(e, E2BIG,
		               "the seccomp filter is %zu instructions; the kernel accepts at most "
		               "%d (split the policy's rules or drop argument checks)",
		               total, VJ_BPF_MAXINSNS);
	}
	out->insns = calloc(total, sizeof(struct sock_filter));
	if (!out->insns) {
		close(fd);
		return vj_fail(e, ENOMEM, "out of memory for the seccomp filter");
	}
	memcpy(out->insns, guard, sizeof(guard));
	buf = (unsigned char *)(out->insns + GUARD_LEN);
	for (size_t off = 0, want = n * sizeof(struct sock_filter); off < want;) {
		ssize_t got = pread(fd, buf + off, want - off, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = got < 0 ? vj_failx(e, errno, "reading the seccomp export")
			             : vj_fail(e, EIO, "short read of the seccomp export");
			close(fd);
			vj_bpf_prog_free(out);
			return rc;
		}
		off += (size_t)got;
	}
	close(fd);
	out->len = total;
	return 0;
}

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

static int add_rules(scmp_filter_ctx ctx, const struct vj_seccomp *sc, struct vj_err *e)
{
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		struct scmp_arg_cmp cmp[VJ_MAX_CONDS];
		bool possible = true;
		int rc;

		if (same_action(&r->action, &sc->def))
			continue;
		for (unsigned c = 0; c < r->ncond && possible; c++)
			possible = scmp_cond(&r->cond[c], &cmp[c]);
		if (!possible)
			continue;
		rc = seccomp_rule_add_exact_array(ctx, scmp_action(&r->action), r->nr, r->ncond,
		                                  cmp);
		if (rc < 0)
			return vj_failx(e, rc, "%s:%u: libseccomp refused the rule for %s (nr %d)",
			                r->loc.file ? r->loc.file : "<policy>", r->loc.line,
			                r->name, r->nr);
	}
	return 0;
}

int vj_seccomp_compile(const struct vj_seccomp *sc, struct vj_bpf_prog *out, struct vj_err *e)
{
	scmp_filter_ctx ctx = NULL;
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
	if ((rc = check_one_action_per_syscall(sc, e)) < 0)
		return rc;

	if ((rc = setup_ctx(sc, &ctx, e)) < 0)
		return rc;
	rc = add_rules(ctx, sc, e);
	if (rc == 0)
		rc = export_prog(ctx, out, e);
	seccomp_release(ctx);
	if (rc < 0)
		return rc;

	/* What we hand out must be loadable; never let a libseccomp surprise
	 * reach seccomp(2) or the cache. */
	if ((rc = vj_bpf_check(out, e)) < 0) {
		vj_bpf_prog_free(out);
		return rc;
	}
	return 0;
}
