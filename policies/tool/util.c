// SPDX-License-Identifier: Apache-2.0
/* Loading, printing and escaping shared by the subcommands. */
#include "policies/tool/tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policies/lang/consts.h"
#include "policies/lang/syscalls.h"

int tool_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmjail-policy %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vmjail-policy %s --help)\n", cmd);
	return EXIT_USAGE;
}

int tool_read_all(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t cap = 65536, n = 0;
	char *b;
	struct stat st;

	if (fd < 0) {
		fprintf(stderr, "vmjail-policy: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vmjail-policy: %s: is a directory\n", path);
		if (fd)
			close(fd);
		return EXIT_IO;
	}
	b = malloc(cap + 1);
	while (b) {
		ssize_t r;
		if (n == cap) {
			char *nb;
			if (cap >= max + 1)
				break;
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "vmjail-policy: %s: %s\n", path, strerror(errno));
			free(b);
			if (fd)
				close(fd);
			return EXIT_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	if (!b) {
		fprintf(stderr, "vmjail-policy: %s: out of memory\n", path);
		return EXIT_IO;
	}
	if (n > max) {
		fprintf(stderr, "vmjail-policy: %s: larger than %zu bytes\n", path, max);
		free(b);
		return EXIT_IO;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return EXIT_OK;
}

int tool_load(const char *path, struct vj_policy **out, struct vj_diag *diag, bool quiet)
{
	struct vj_diag local = {0};
	struct vj_diag *d = diag ? diag : &local;
	int r;

	*out = NULL;
	if (strcmp(path, "@default") == 0) {
		r = vj_policy_load_buffer("@default", vj_default_policy_text, vj_default_policy_len,
		                          NULL, out, d);
	} else if (strcmp(path, "-") == 0) {
		char *buf;
		size_t len;
		int rc = tool_read_all("-", 1u << 20, &buf, &len);
		if (rc)
			return rc;
		r = vj_policy_load_buffer("<stdin>", buf, len, NULL, out, d);
		free(buf);
	} else {
		r = vj_policy_load_file(path, out, d);
	}
	if (!quiet)
		vj_diag_print(d, stderr);
	if (!diag)
		vj_diag_free(&local);
	if (r == 0)
		return EXIT_OK;
	if (r == -EINVAL)
		return EXIT_FINDINGS;
	if (!quiet)
		fprintf(stderr, "vmjail-policy: %s: %s\n", path, strerror(-r));
	return EXIT_IO;
}

/*
 * How the values of one (syscall, argument) are named.  Most arguments are
 * an enumeration (a socket family, a protocol, an ioctl request, an fcntl
 * command): a value is one name or a number, never an OR of names, or
 * protocol 9 would print as IPPROTO_ICMP|IPPROTO_EGP.  Some are pure flag
 * sets (PROT_*, CLONE_*): an OR of single-bit names.  A few are both: an
 * enumerated part under enum_mask plus flag bits above it (futex's
 * operation and its PRIVATE/CLOCK_REALTIME flags, socket's type and its
 * NONBLOCK/CLOEXEC flags, mmap's MAP_SHARED/MAP_PRIVATE and its flags).
 */
struct argfam {
	const char *const *names; /* the enumerated part's names (exact) */
	uint64_t enum_mask;       /* 0: flags only; ~0: enumeration only */
	const char *const *flags; /* names of the single bits above enum_mask */
	bool zero;                /* 0 is a name of its own (FUTEX_WAIT) */
};

static const struct argfam *arg_family(const char *sc, unsigned arg)
{
	static const char *const af[] = {"AF_", NULL}, *const sock[] = {"SOCK_", NULL},
	                         *const sockf[] = {"SOCK_NONBLOCK", "SOCK_CLOEXEC", NULL},
	                         *const ipp[] = {"IPPROTO_", NULL}, *const f[] = {"F_", NULL},
	                         *const prot[] = {"PROT_", NULL}, *const map[] = {"MAP_", NULL},
	                         *const maptype[] = {"MAP_SHARED", "MAP_PRIVATE", NULL},
	                         *const clone[] = {"CLONE_", NULL}, *const pr[] = {"PR_", NULL},
	                         *const madv[] = {"MADV_", NULL},
	                         *const uffd[] = {"UFFD_USER", "O_CLOEXEC", "O_NONBLOCK", NULL},
	                         *const per[] = {"PER_LINUX",      "READ_IMPLIES_EXEC", "ADDR_",
	                                         "MMAP_PAGE_ZERO", "UNAME26",           NULL},
	                         *const sol[] = {"SOL_", "IPPROTO_", NULL},
	                         *const opt[] = {"SO_", "TCP_", "IP_", "IPV6_", NULL},
	                         *const o[] = {"O_", NULL}, *const sig[] = {"SIG", NULL},
	                         *const epoll[] = {"EPOLL_CTL_", NULL},
	                         *const arch[] = {"ARCH_", NULL}, *const at[] = {"AT_FDCWD", NULL},
	                         *const seccomp[] = {"SECCOMP_SET_", "SECCOMP_GET_", NULL};
	/* futex operations, not FUTEX_OP_* (the WAKE_OP encoding) nor
	 * FUTEX_WAITERS/OWNER_DIED (lock word bits), which share their values. */
	static const char *const futex[] = {"FUTEX_WAIT",       "FUTEX_WAKE",
	                                    "FUTEX_REQUEUE",    "FUTEX_CMP_REQUEUE",
	                                    "FUTEX_LOCK_PI",    "FUTEX_UNLOCK_PI",
	                                    "FUTEX_TRYLOCK_PI", NULL},
	                         *const futexf[] = {"FUTEX_PRIVATE_FLAG", "FUTEX_CLOCK_REALTIME",
	                                            NULL};
	static const struct argfam E_ioctl = {vj_ioctl_prefixes, ~0ull, NULL, false},
	                           E_af = {af, ~0ull, NULL, false},
	                           E_ipp = {ipp, ~0ull, NULL, false},
	                           E_sock = {sock, 0xf, sockf, false},
	                           E_f = {f, ~0ull, NULL, false}, E_prot = {prot, 0, prot, false},
	                           E_map = {maptype, 0xf, map, false},
	                           E_clone = {clone, 0, clone, false},
	                           E_pr = {pr, ~0ull, NULL, false},
	                           E_futex = {futex, 0x7f, futexf, true},
	                           E_madv = {madv, ~0ull, NULL, false},
	                           E_uffd = {uffd, 0, uffd, false}, E_per = {per, 0, per, false},
	                           E_sol = {sol, ~0ull, NULL, false},
	                           E_opt = {opt, ~0ull, NULL, false}, E_o = {o, 0, o, false},
	                           E_sig = {sig, ~0ull, NULL, false},
	                           E_epoll = {epoll, ~0ull, NULL, false},
	                           E_arch = {arch, ~0ull, NULL, false},
	                           E_at = {at, ~0ull, NULL, false},
	                           E_seccomp = {seccomp, ~0ull, NULL, false};
	static const struct {
		const char *sc;
		unsigned arg;
		const struct argfam *fam;
	} t[] = {
	    {"ioctl", 1, &E_ioctl},      {"socket", 0, &E_af},          {"socket", 1, &E_sock},
	    {"socket", 2, &E_ipp},       {"socketpair", 0, &E_af},      {"socketpair", 1, &E_sock},
	    {"fcntl", 1, &E_f},          {"mmap", 2, &E_prot},          {"mmap", 3, &E_map},
	    {"mprotect", 2, &E_prot},    {"pkey_mprotect", 2, &E_prot}, {"clone", 0, &E_clone},
	    {"unshare", 0, &E_clone},    {"prctl", 0, &E_pr},           {"futex", 1, &E_futex},
	    {"madvise", 2, &E_madv},     {"userfaultfd", 0, &E_uffd},   {"personality", 0, &E_per},
	    {"setsockopt", 1, &E_sol},   {"setsockopt", 2, &E_opt},     {"getsockopt", 1, &E_sol},
	    {"getsockopt", 2, &E_opt},   {"openat", 2, &E_o},           {"open", 1, &E_o},
	    {"kill", 1, &E_sig},         {"tgkill", 2, &E_sig},         {"tkill", 1, &E_sig},
	    {"rt_sigaction", 0, &E_sig}, {"epoll_ctl", 1, &E_epoll},    {"arch_prctl", 0, &E_arch},
	    {"seccomp", 0, &E_seccomp},  {"openat", 0, &E_at},          {"openat2", 0, &E_at},
	    {"newfstatat", 0, &E_at},    {"faccessat", 0, &E_at},       {"faccessat2", 0, &E_at},
	    {"readlinkat", 0, &E_at},    {"unlinkat", 0, &E_at},        {"mkdirat", 0, &E_at},
	    {"statx", 0, &E_at},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].arg == arg && strcmp(t[i].sc, sc) == 0)
			return t[i].fam;
	return NULL;
}

/* The flag bits of v as A|B|C after `o` bytes of buf; false unless every
 * bit has a single-bit name. */
static bool flag_names(const char *const *flags, uint64_t v, char *buf, size_t len, size_t o)
{
	for (unsigned bit = 0; bit < 64 && v; bit++) {
		uint64_t m = 1ull << bit;
		const char *bn;
		int w;
		if (!(v & m))
			continue;
		bn = vj_const_name(flags, m);
		if (!bn)
			return false;
		w = snprintf(buf + o, len - o, "%s%s", o ? "|" : "", bn);
		if (w < 0 || (size_t)w >= len - o)
			return false;
		o += (size_t)w;
		v &= ~m;
	}
	return true;
}

static const char *num_str(const struct argfam *fam, uint64_t v, bool arg32, char *buf, size_t len)
{
	const char *n = fam && (v || fam->zero) ? vj_const_name(fam->names, v) : NULL;

	/* A 32-bit argument holds a negative constant (AT_FDCWD) folded to
	 * 32 bits; the table has it sign-extended. */
	if (!n && fam && arg32 && (v >> 31) == 1)
		n = vj_const_name(fam->names, v | 0xffffffff00000000ull);

	/* ioctl numbers are reused across drivers and fds (VFIO_IOMMU_MAP_DMA
	 * on a container is VFIO_DEVICE_PCI_HOT_RESET on a device): a number
	 * with several names is shown as the number with all of them, since
	 * the filter allows the number, whatever the caller meant. */
	if (n && fam && fam->names == vj_ioctl_prefixes) {
		const char *all[4];
		size_t k = vj_const_names(fam->names, v, all, 4);
		while (k > 1 && k <= 4 && vj_const_is_alias(all[k - 1]))
			k--; /* aliases come last: FIONREAD, not SIOCINQ too */
		if (k > 1) {
			int o = snprintf(buf, len, "0x%llx (%s", (unsigned long long)v, all[0]);
			for (size_t i = 1; i < k && i < 4 && o > 0 && (size_t)o < len; i++)
				o += snprintf(buf + o, len - (size_t)o, " or %s", all[i]);
			if (o > 0 && (size_t)o < len)
				snprintf(buf + o, len - (size_t)o, "%s)", k > 4 ? " or more" : "");
			return buf;
		}
	}
	if (n) {
		snprintf(buf, len, "%s", n);
		return buf;
	}
	/* An enumerated part, then flags: FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME. */
	if (fam && fam->flags && v) {
		uint64_t e = v & fam->enum_mask;
		size_t o = 0;
		if (e || (fam->zero && fam->enum_mask)) {
			const char *en = vj_const_name(fam->names, e);
			if (en && (e || fam->zero))
				o = (size_t)snprintf(buf, len, "%s", en);
			else if (e)
				goto number;
		}
		if (o < len && flag_names(fam->flags, v & ~fam->enum_mask, buf, len, o))
			return buf;
	}
number:
	if (v < 10)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
	return buf;
}

const char *tool_cond_str(const struct vj_rule *r, const struct vj_cond *c, char *buf, size_t len)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">=", "&"};
	const struct argfam *fam = arg_family(r->name, c->arg);
	char v[192], m[192];

	if (c->op == VJ_OP_MASKED_EQ)
		snprintf(buf, len, "arg%u & %s == %s", c->arg,
		         num_str(fam, c->mask, c->arg32, m, sizeof(m)),
		         num_str(fam, c->value, c->arg32, v, sizeof(v)));
	else
		snprintf(buf, len, "arg%u %s %s", c->arg,
		         (unsigned)c->op < sizeof(ops) / sizeof(ops[0]) ? ops[c->op] : "?",
		         num_str(fam, c->value, c->arg32, v, sizeof(v)));
	return buf;
}

const char *tool_conds_str(const struct vj_rule *r, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->ncond && o < len; i++) {
		char one[512];
		int w = snprintf(buf + o, len - o, "%s%s", i ? " and " : "",
		                 tool_cond_str(r, &r->cond[i], one, sizeof(one)));
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

bool tool_parse_value(const char *s, uint64_t *out)
{
	uint64_t acc = 0;
	char tok[128];

	if (!*s)
		return false;
	for (;;) {
		const char *bar = strchr(s, '|');
		size_t l = bar ? (size_t)(bar - s) : strlen(s);
		uint64_t v;
		char *end;

		if (l == 0 || l >= sizeof(tok))
			return false;
		memcpy(tok, s, l);
		tok[l] = '\0';
		if ((tok[0] >= '0' && tok[0] <= '9') || tok[0] == '-') {
			errno = 0;
			if (tok[0] == '-')
				v = (uint64_t)strtoll(tok, &end, 0);
			else
				v = strtoull(tok, &end, 0);
			if (errno || *end)
				return false;
		} else if (!vj_const_lookup(tok, &v)) {
			return false;
		}
		acc |= v;
		s += l;
		if (!*s)
			break;
		s++; /* '|': another term must follow */
	}
	*out = acc;
	return true;
}
