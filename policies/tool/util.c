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

/* Which constant family names the values of (syscall, argument). */
static const char *const *arg_family(const char *sc, unsigned arg)
{
	static const char *const af[] = {"AF_", NULL}, *const sock[] = {"SOCK_", NULL},
	                         *const ipp[] = {"IPPROTO_", NULL}, *const f[] = {"F_", NULL},
	                         *const prot[] = {"PROT_", NULL}, *const map[] = {"MAP_", NULL},
	                         *const clone[] = {"CLONE_", NULL}, *const pr[] = {"PR_", NULL},
	                         *const futex[] = {"FUTEX_", NULL}, *const madv[] = {"MADV_", NULL},
	                         *const uffd[] = {"UFFD_USER", "O_CLOEXEC", "O_NONBLOCK", NULL},
	                         *const per[] = {"PER_LINUX",      "READ_IMPLIES_EXEC", "ADDR_",
	                                         "MMAP_PAGE_ZERO", "UNAME26",           NULL},
	                         *const sol[] = {"SOL_", "IPPROTO_", NULL},
	                         *const opt[] = {"SO_", "TCP_", "IP_", "IPV6_", NULL},
	                         *const o[] = {"O_", NULL}, *const sig[] = {"SIG", NULL},
	                         *const epoll[] = {"EPOLL_CTL_", NULL},
	                         *const arch[] = {"ARCH_", NULL}, *const at[] = {"AT_FDCWD", NULL};
	static const struct {
		const char *sc;
		unsigned arg;
		const char *const *fam;
	} t[] = {
	    {"ioctl", 1, vj_ioctl_prefixes},
	    {"socket", 0, af},
	    {"socket", 1, sock},
	    {"socket", 2, ipp},
	    {"socketpair", 0, af},
	    {"socketpair", 1, sock},
	    {"fcntl", 1, f},
	    {"mmap", 2, prot},
	    {"mmap", 3, map},
	    {"mprotect", 2, prot},
	    {"pkey_mprotect", 2, prot},
	    {"clone", 0, clone},
	    {"unshare", 0, clone},
	    {"prctl", 0, pr},
	    {"futex", 1, futex},
	    {"madvise", 2, madv},
	    {"userfaultfd", 0, uffd},
	    {"personality", 0, per},
	    {"setsockopt", 1, sol},
	    {"setsockopt", 2, opt},
	    {"getsockopt", 1, sol},
	    {"getsockopt", 2, opt},
	    {"openat", 2, o},
	    {"open", 1, o},
	    {"kill", 1, sig},
	    {"tgkill", 2, sig},
	    {"tkill", 1, sig},
	    {"epoll_ctl", 1, epoll},
	    {"arch_prctl", 0, arch},
	    {"openat", 0, at},
	    {"openat2", 0, at},
	    {"newfstatat", 0, at},
	    {"faccessat", 0, at},
	    {"faccessat2", 0, at},
	    {"readlinkat", 0, at},
	    {"unlinkat", 0, at},
	    {"mkdirat", 0, at},
	    {"statx", 0, at},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].arg == arg && strcmp(t[i].sc, sc) == 0)
			return t[i].fam;
	return NULL;
}

static const char *num_str(const char *const *fam, uint64_t v, bool arg32, char *buf, size_t len)
{
	const char *n = fam && v ? vj_const_name(fam, v) : NULL;

	/* A 32-bit argument holds a negative constant (AT_FDCWD) folded to
	 * 32 bits; the table has it sign-extended. */
	if (!n && fam && arg32 && (v >> 31) == 1)
		n = vj_const_name(fam, v | 0xffffffff00000000ull);

	if (n) {
		snprintf(buf, len, "%s", n);
		return buf;
	}
	/* Flags: A|B|C when every set bit has a single-bit name in the family
	 * (ioctl requests are numbers, not flags). */
	if (fam && fam != vj_ioctl_prefixes && v && (v & (v - 1))) {
		size_t o = 0;
		uint64_t left = v;
		for (unsigned bit = 0; bit < 64 && left; bit++) {
			uint64_t m = 1ull << bit;
			const char *bn;
			int w;
			if (!(v & m))
				continue;
			bn = vj_const_name(fam, m);
			if (!bn)
				break;
			w = snprintf(buf + o, len - o, "%s%s", o ? "|" : "", bn);
			if (w < 0 || (size_t)w >= len - o)
				break;
			o += (size_t)w;
			left &= ~m;
		}
		if (!left)
			return buf;
	}
	if (v < 10)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
	return buf;
}

const char *tool_cond_str(const struct vj_rule *r, const struct vj_cond *c, char *buf, size_t len)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">=", "&"};
	const char *const *fam = arg_family(r->name, c->arg);
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
