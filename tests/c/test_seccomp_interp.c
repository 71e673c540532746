// SPDX-License-Identifier: Apache-2.0
/*
 * The classic-BPF checker and interpreter, held to the kernel itself:
 *   - malformed programs are refused by vj_bpf_check, give KILL_PROCESS in
 *     vj_bpf_run, and are refused by seccomp(2) too;
 *   - valid edge cases are accepted by both;
 *   - random programs: vj_bpf_check and the kernel agree on accept/refuse;
 *   - random valid programs computing on seccomp_data: the value the
 *     interpreter returns is the errno the kernel returns.
 */
#include <linux/audit.h>
#include <stdio.h>

#include "tests/c/tap.h"
#include "tests/c/test_seccomp_probe.h"

#define S(c, k)       BPF_STMT((c), (k))
#define J(c, k, t, f) BPF_JUMP((c), (k), (t), (f))
#define PROG(...)     ((struct sock_filter[]){__VA_ARGS__})
#define LEN(...)      (sizeof(PROG(__VA_ARGS__)) / sizeof(struct sock_filter))
#define CASE(name, ...)                                                                            \
	{                                                                                          \
		name, PROG(__VA_ARGS__), LEN(__VA_ARGS__)                                          \
	}
#define RET_ALLOW S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

struct pcase {
	const char *name;
	struct sock_filter *insns;
	size_t len;
};

/* Kernel verdict on a program: 0 accepted, else the errno; in a child so an
 * accepted filter binds only it. */
static int kernel_accepts(const struct sock_filter *f, size_t len)
{
	struct probe_page *pg = probe_page();
	int status;
	pid_t pid;

	pg->returned = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct sock_fprog fp = {.len = (unsigned short)len,
		                        .filter = (struct sock_filter *)f};
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
		pg->err = r < 0 ? errno : 0;
		pg->returned = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return pg->returned ? pg->err : -1;
}

static void malformed(void)
{
	static struct sock_filter big[VJ_BPF_MAXINSNS + 1];
	const struct pcase cases[] = {
	    {"empty program", big, 0},
	    {"4097 instructions", big, VJ_BPF_MAXINSNS + 1},
	    CASE("no RET at the end", S(BPF_LD | BPF_W | BPF_ABS, 0)),
	    CASE("last insn is a jump", RET_ALLOW, S(BPF_JMP | BPF_JA, 0)),
	    CASE("conditional jump past the end", S(BPF_LD | BPF_W | BPF_ABS, 0),
	         J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), RET_ALLOW),
	    CASE("conditional jump (false) past the end", J(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
	         RET_ALLOW),
	    CASE("JA past the end", S(BPF_JMP | BPF_JA, 1), RET_ALLOW),
	    CASE("JA 0xffffffff", S(BPF_JMP | BPF_JA, 0xffffffffu), RET_ALLOW),
	    CASE("load at offset 64 (past seccomp_data)", S(BPF_LD | BPF_W | BPF_ABS, 64),
	         RET_ALLOW),
	    CASE("unaligned load (offset 2)", S(BPF_LD | BPF_W | BPF_ABS, 2), RET_ALLOW),
	    CASE("load at offset 0xfffffffc", S(BPF_LD | BPF_W | BPF_ABS, 0xfffffffcu), RET_ALLOW),
	    CASE("ancillary load (SKF_AD_OFF)", S(BPF_LD | BPF_W | BPF_ABS, (uint32_t)-0x1000),
	         RET_ALLOW),
	    CASE("16-bit load", S(BPF_LD | BPF_H | BPF_ABS, 0), RET_ALLOW),
	    CASE("8-bit load", S(BPF_LD | BPF_B | BPF_ABS, 0), RET_ALLOW),
	    CASE("indirect load", S(BPF_LD | BPF_W | BPF_IND, 0), RET_ALLOW),
	    CASE("LDX MSH", S(BPF_LDX | BPF_B | BPF_MSH, 0), RET_ALLOW),
	    CASE("division by constant zero", S(BPF_ALU | BPF_DIV | BPF_K, 0), RET_ALLOW),
	    CASE("modulo (not in seccomp's list)", S(BPF_ALU | BPF_MOD | BPF_K, 3), RET_ALLOW),
	    CASE("left shift by 32", S(BPF_ALU | BPF_LSH | BPF_K, 32), RET_ALLOW),
	    CASE("right shift by 33", S(BPF_ALU | BPF_RSH | BPF_K, 33), RET_ALLOW),
	    CASE("scratch slot 16 read", S(BPF_LD | BPF_MEM, 16), RET_ALLOW),
	    CASE("scratch slot 16 written", S(BPF_ST, 16), RET_ALLOW),
	    CASE("scratch slot read before any store", S(BPF_LDX | BPF_MEM, 3), RET_ALLOW),
	    CASE("scratch slot stored on one path only", S(BPF_LD | BPF_W | BPF_ABS, 0),
	         J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), S(BPF_ST, 5), S(BPF_LD | BPF_MEM, 5),
	         RET_ALLOW),
	    CASE("unknown opcode 0xff", S(0xff, 0), RET_ALLOW),
	    CASE("JA with X bit", S(BPF_JMP | BPF_JA | BPF_X, 0), RET_ALLOW),
	    CASE("RET X", S(BPF_RET | BPF_X, 0), RET_ALLOW),
	    CASE("NEG with X bit", S(BPF_ALU | BPF_NEG | BPF_X, 0), RET_ALLOW),
	    CASE("XOR ... with garbage size bits", S(BPF_ALU | BPF_XOR | BPF_K | 0x100, 1),
	         RET_ALLOW),
	};
	struct seccomp_data sd = {.nr = 0, .arch = AUDIT_ARCH_X86_64};

	for (size_t i = 0; i < VJ_BPF_MAXINSNS + 1; i++)
		big[i] = (struct sock_filter)RET_ALLOW;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vj_bpf_prog p = {cases[i].insns, cases[i].len};
		struct vj_err e = {0};
		int rc = vj_bpf_check(&p, &e);
		uint32_t ret = vj_bpf_run(&p, &sd);
		int k = kernel_accepts(p.insns, p.len);
		tap_ok(rc == -EINVAL && ret == SECCOMP_RET_KILL_PROCESS && k == EINVAL,
		       "refused: %s (checker: %s; kernel: %s)", cases[i].name, e.msg,
		       k ? strerror(k) : "accepted");
	}
}

static void edge_valid(void)
{
	const struct pcase cases[] = {
	    CASE("just RET", RET_ALLOW),
	    CASE("last word of seccomp_data", S(BPF_LD | BPF_W | BPF_ABS, 60), RET_ALLOW),
	    CASE("LD LEN / LDX LEN", S(BPF_LD | BPF_W | BPF_LEN, 0),
	         S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)),
	    CASE("jump to the last insn", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), RET_ALLOW,
	         RET_ALLOW),
	    CASE("scratch stored on both paths", J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
	         S(BPF_ST, 15), S(BPF_JMP | BPF_JA, 1), S(BPF_STX, 15), S(BPF_LD | BPF_MEM, 15),
	         S(BPF_RET | BPF_A, 0)),
	    CASE("shift by 31, divide by X", S(BPF_ALU | BPF_LSH | BPF_K, 31),
	         S(BPF_ALU | BPF_DIV | BPF_X, 0), RET_ALLOW),
	    {"4096 instructions", NULL, VJ_BPF_MAXINSNS},
	};
	static struct sock_filter full[VJ_BPF_MAXINSNS];

	for (size_t i = 0; i < VJ_BPF_MAXINSNS; i++)
		full[i] = (struct sock_filter)RET_ALLOW;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vj_bpf_prog p = {cases[i].insns ? cases[i].insns : full, cases[i].len};
		struct vj_err e = {0};
		int rc = vj_bpf_check(&p, &e);
		int k = kernel_accepts(p.insns, p.len);
		tap_ok(rc == 0 && k == 0, "accepted: %s (checker: %s; kernel: %s)", cases[i].name,
		       rc ? e.msg : "ok", k ? strerror(k) : "ok");
	}
}

static uint64_t rs = 0x1234567;
static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rand_k(void)
{
	static const uint32_t ks[] = {0,  1,  2,  3,  4,  15, 16, 17,
	                              31, 32, 33, 60, 61, 63, 64, 0xffffffffu};
	return rnd() % 3 ? ks[rnd() % (sizeof(ks) / sizeof(ks[0]))] : (uint32_t)rnd();
}

/* Random programs: accepted or refused, the checker and the kernel agree. */
static void random_acceptance(void)
{
	unsigned n = 3000, agree = 0, accepted = 0;
	struct sock_filter f[16];

	for (unsigned i = 0; i < n; i++) {
		size_t len = 1 + rnd() % 12;
		for (size_t j = 0; j < len; j++) {
			f[j].code = rnd() % 10 < 8
			                ? vj_bpf_seccomp_opcodes[rnd() % vj_bpf_seccomp_nopcodes]
			                : (uint16_t)(rnd() & 0xff);
			f[j].k = rand_k();
			f[j].jt = (uint8_t)(rnd() % (len + 1));
			f[j].jf = (uint8_t)(rnd() % (len + 1));
		}
		if (rnd() % 5)
			f[len - 1] = (struct sock_filter)RET_ALLOW;
		struct vj_bpf_prog p = {f, len};
		int mine = vj_bpf_check(&p, NULL) == 0;
		int k = kernel_accepts(f, len);
		if (mine == (k == 0))
			agree++;
		else
			tap_diag("program %u: checker %s, kernel %s", i,
			         mine ? "accepts" : "refuses", k ? strerror(k) : "accepts");
		accepted += mine;
	}
	tap_is_int(agree, n,
	           "%u random programs: checker and kernel agree on every one (%u accepted)", n,
	           accepted);
}

/* Random straight-line-ish programs that compute on seccomp_data and
 * return ERRNO | (A & 0xfff): the errno the kernel hands back is A. */
static size_t gen_compute(struct sock_filter *f)
{
	size_t n = 0;

	/* exit_group stays allowed, so the child can report and leave */
	f[n++] = (struct sock_filter)S(BPF_LD | BPF_W | BPF_ABS, 0);
	f[n++] = (struct sock_filter)J(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 0, 1);
	f[n++] = (struct sock_filter)RET_ALLOW;
	for (unsigned s = 0; s < 4; s++) /* all scratch reads below see a store */
		f[n++] = (struct sock_filter)S(BPF_ST, s);
	size_t body = 4 + rnd() % 20;
	size_t end = n + body; /* index of the epilogue */
	while (n < end) {
		uint16_t c = vj_bpf_seccomp_opcodes[rnd() % vj_bpf_seccomp_nopcodes];
		uint32_t k = rand_k();
		if (BPF_CLASS(c) == BPF_RET)
			continue;
		if (c == (BPF_LD | BPF_W | BPF_ABS)) {
			/* not instruction_pointer (8, 12): only the kernel knows it */
			k = 4 * (uint32_t)(rnd() % 14);
			k = k >= 8 ? k + 8 : k;
		}
		if (c == (BPF_ALU | BPF_DIV | BPF_K) && k == 0)
			k = 7;
		if ((c == (BPF_ALU | BPF_LSH | BPF_K) || c == (BPF_ALU | BPF_RSH | BPF_K)))
			k &= 31;
		if (c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM) || c == BPF_ST ||
		    c == BPF_STX)
			k &= 3;
		struct sock_filter in = {c, 0, 0, k};
		size_t room = end - n - 1; /* jumps stay inside the body */
		if (BPF_CLASS(c) == BPF_JMP) {
			if (BPF_OP(c) == BPF_JA)
				in.k = room ? (uint32_t)(rnd() % (room + 1)) : 0;
			else {
				in.jt = (uint8_t)(rnd() % (room + 1));
				in.jf = (uint8_t)(rnd() % (room + 1));
			}
		}
		f[n++] = in;
	}
	f[n++] = (struct sock_filter)S(BPF_ALU | BPF_AND | BPF_K, 0xfff);
	f[n++] = (struct sock_filter)S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
	f[n++] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
	return n;
}

static void random_compute(void)
{
	unsigned n = 400, agree = 0, zero_div = 0, invalid = 0;
	struct sock_filter f[64];

	for (unsigned i = 0; i < n; i++) {
		size_t len = gen_compute(f);
		struct vj_bpf_prog p = {f, len};
		uint64_t a[6];
		for (int j = 0; j < 6; j++)
			a[j] = rnd();
		struct seccomp_data sd = {.nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64};
		memcpy(sd.args, a, sizeof(a));
		if (vj_bpf_check(&p, NULL) != 0) {
			invalid++;
			continue;
		}
		uint32_t want = vj_bpf_run(&p, &sd);
		int status = 0;
		enum probe_end got = probe_syscall(&p, SYS_getppid, a, &status);
		struct probe_page *pg = probe_page();
		int ok;
		if ((want & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO) {
			int e = (int)(want & SECCOMP_RET_DATA);
			ok = got == PROBE_RETURNED &&
			     (e ? (pg->ret == -1 && pg->err == e) : pg->ret == 0);
		} else {
			/* only a zero divisor ends the program with 0 = kill-thread */
			zero_div++;
			ok = want == 0 && got == PROBE_SIGSYS;
		}
		if (ok)
			agree++;
		else
			tap_diag("program %u: interpreter 0x%08x, kernel %s ret %ld errno %d", i,
			         want, probe_end_name(got), pg->ret, pg->err);
	}
	tap_is_int(agree + invalid, n,
	           "%u random computing programs: interpreter result == kernel errno (%u ended by "
	           "a zero divisor)",
	           n - invalid, zero_div);
	tap_is_int(invalid, 0, "the generator only made valid programs");
}

/* Hand-computed results: each opcode's meaning, not just acceptance. */
static void semantics(void)
{
	struct seccomp_data sd = {.nr = 0x11223344, .arch = 0xc000003e, .args = {0x100000007ull}};
	const struct {
		struct pcase c;
		uint32_t want;
	} t[] = {
	    {CASE("A = nr", S(BPF_LD | BPF_W | BPF_ABS, 0), S(BPF_RET | BPF_A, 0)), 0x11223344},
	    {CASE("args[0] low word", S(BPF_LD | BPF_W | BPF_ABS, 16), S(BPF_RET | BPF_A, 0)), 7},
	    {CASE("args[0] high word", S(BPF_LD | BPF_W | BPF_ABS, 20), S(BPF_RET | BPF_A, 0)), 1},
	    {CASE("len", S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)), 64},
	    {CASE("sub wraps", S(BPF_LD | BPF_IMM, 1), S(BPF_ALU | BPF_SUB | BPF_K, 2),
	          S(BPF_RET | BPF_A, 0)),
	     0xffffffffu},
	    {CASE("neg", S(BPF_LD | BPF_IMM, 5), S(BPF_ALU | BPF_NEG, 0), S(BPF_RET | BPF_A, 0)),
	     (uint32_t)-5},
	    {CASE("div by X zero returns 0", S(BPF_LD | BPF_IMM, 5), S(BPF_LDX | BPF_IMM, 0),
	          S(BPF_ALU | BPF_DIV | BPF_X, 0), RET_ALLOW),
	     0},
	    {CASE("shift by X 33 is shift by 1", S(BPF_LD | BPF_IMM, 1), S(BPF_LDX | BPF_IMM, 33),
	          S(BPF_ALU | BPF_LSH | BPF_X, 0), S(BPF_RET | BPF_A, 0)),
	     2},
	    {CASE("tax/txa/mem", S(BPF_LD | BPF_IMM, 9), S(BPF_MISC | BPF_TAX, 0), S(BPF_STX, 2),
	          S(BPF_LD | BPF_IMM, 0), S(BPF_LD | BPF_MEM, 2), S(BPF_RET | BPF_A, 0)),
	     9},
	    {CASE("jset taken", S(BPF_LD | BPF_IMM, 6), J(BPF_JMP | BPF_JSET | BPF_K, 2, 0, 1),
	          S(BPF_RET | BPF_K, 111), S(BPF_RET | BPF_K, 222)),
	     111},
	    {CASE("jgt X unsigned", S(BPF_LD | BPF_IMM, 0xffffffffu), S(BPF_LDX | BPF_IMM, 1),
	          J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), S(BPF_RET | BPF_K, 1),
	          S(BPF_RET | BPF_K, 2)),
	     1},
	    {CASE("jge equal", S(BPF_LD | BPF_IMM, 5), J(BPF_JMP | BPF_JGE | BPF_K, 5, 1, 0),
	          S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)),
	     2},
	    {CASE("ja skips", S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 1), S(BPF_RET | BPF_K, 2)),
	     2},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vj_bpf_prog p = {t[i].c.insns, t[i].c.len};
		tap_is_int(vj_bpf_run(&p, &sd), t[i].want, "interpreter: %s", t[i].c.name);
	}
}

int main(void)
{
	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		return 255;
	}
	malformed();
	edge_valid();
	semantics();
	random_acceptance();
	random_compute();
	return tap_done();
}
