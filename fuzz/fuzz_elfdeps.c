// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the ELF closure reader (jailer/elfdeps.c) on executables
 * a tenant hands in, with the kernel's exec semantics as the oracle.
 *
 * Input byte 0, bit 0 clear: the rest is the file, raw.  Set: the rest is a
 * recipe for a well-formed x86_64 ELF (program headers of chosen types and
 * order, PT_INTERP strings from a dictionary of the interesting cases, a
 * dynamic section with DT_NEEDED/DT_RPATH/DT_RUNPATH), so the fuzzer spends
 * its time on structure rather than on getting past the ELF magic.
 *
 * Oracle (what binfmt_elf's load_elf_binary does, checked independently of
 * libelf): the interpreter is the FIRST PT_INTERP, whose p_filesz is 2..4096
 * bytes and whose last byte is NUL; without a PT_INTERP the file runs
 * without one.  Whatever elfdeps accepts must agree: it may bind only the
 * interpreter the kernel will load (a second PT_INTERP must never pick a
 * host file to bind), none when the kernel loads none, the interpreter it
 * binds must be an ELF object (anything else is a host file handed to the
 * jail for nothing), and every bind target is an absolute path without "..".
 *
 * With VJ_FUZZ_SKIP_OPEN set (fuzz/run.sh sets it for a target that has
 * findings listed in fuzz/regress/OPEN), the two invariants whose findings
 * are open (several PT_INTERP; a non-ELF interpreter) are not checked, so a
 * campaign goes past them instead of finding them again every second.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jailer/elfdeps.h"

#include "fuzz/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (64u << 10)

/* Kernel view: 1 = runs with interpreter *interp, 0 = runs without one,
 * -1 = the kernel refuses the file before it looks for an interpreter. */
static int kernel_interp(const uint8_t *f, size_t n, char *interp, size_t len)
{
	Elf64_Ehdr eh;
	if (n < sizeof(eh))
		return -1;
	memcpy(&eh, f, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_machine != EM_X86_64 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		return -1;
	size_t sz = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (sz == 0 || sz > 65536 || eh.e_phoff > n || sz > n - eh.e_phoff)
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, f + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz > 4096 || ph.p_filesz < 2 || ph.p_offset > n ||
		    ph.p_filesz > n - ph.p_offset || f[ph.p_offset + ph.p_filesz - 1] != '\0')
			return -1;
		snprintf(interp, len, "%s", (const char *)f + ph.p_offset);
		return 1;
	}
	return 0;
}

/* ---- the structured mode: a recipe for an ELF ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const char *const interps[] = {
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    "/etc/passwd", /* exists, is no ELF */
    "/etc/hostname",
    "/nonexistent/ld.so",
    "lib64/ld-linux-x86-64.so.2", /* relative */
    "/lib64/../etc/passwd",
    "/proc/self/exe",
};

static const char *const libs[] = {
    "libc.so.6", "libm.so.6", "libz.so.1", "libnope.so.9", "../../etc/passwd", "libelf.so.1", "",
};

static const char *const paths[] = {
    "$ORIGIN/lib", "/opt/none:/usr/lib/x86_64-linux-gnu", "${ORIGIN}", "$LIB", "/etc", "",
};

struct img {
	uint8_t b[OUT_MAX];
	size_t n;
};

static size_t put(struct img *im, const void *p, size_t len)
{
	size_t off = im->n;
	if (len > sizeof(im->b) - im->n)
		len = sizeof(im->b) - im->n;
	memcpy(im->b + off, p, len);
	im->n += len;
	return off;
}

static void build(struct rd *r, struct img *im)
{
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[8];
	unsigned nph = take(r) % 8 + 1;
	char strtab[512] = "";
	size_t strn = 1;
	Elf64_Dyn dyn[12];
	unsigned ndyn = 0;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = take(r) & 1 ? ET_EXEC : ET_DYN;
	eh.e_machine = take(r) == 0xff ? EM_386 : EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)nph;
	eh.e_phoff = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	im->n = sizeof(eh) + nph * sizeof(Elf64_Phdr);
	memset(im->b, 0, im->n);

	/* Dynamic entries first, their strings into strtab. */
	unsigned nd = take(r) % 6;
	for (unsigned i = 0; i < nd && ndyn < 10; i++) {
		unsigned k = take(r);
		const char *s = (k & 3) == 0   ? paths[(k >> 2) % (sizeof(paths) / sizeof(*paths))]
		                : (k & 3) == 1 ? paths[(k >> 2) % (sizeof(paths) / sizeof(*paths))]
		                               : libs[(k >> 2) % (sizeof(libs) / sizeof(*libs))];
		size_t l = strlen(s) + 1;
		if (strn + l > sizeof(strtab))
			break;
		dyn[ndyn].d_tag = (k & 3) == 0 ? DT_RPATH : (k & 3) == 1 ? DT_RUNPATH : DT_NEEDED;
		dyn[ndyn].d_un.d_val = take(r) == 0xfe ? 0xffff : strn;
		memcpy(strtab + strn, s, l);
		strn += l;
		ndyn++;
	}
	dyn[ndyn].d_tag = DT_NULL;
	dyn[ndyn++].d_un.d_val = 0;

	for (unsigned i = 0; i < nph; i++) {
		unsigned k = take(r);
		memset(&ph[i], 0, sizeof(ph[i]));
		switch (k & 7) {
		case 0:
		case 1:
		case 2: { /* PT_INTERP, sized in one of the ways the kernel judges */
			const char *s = interps[(k >> 3) % (sizeof(interps) / sizeof(*interps))];
			size_t l = strlen(s) + 1;
			unsigned how = take(r) & 3;
			ph[i].p_type = PT_INTERP;
			ph[i].p_offset = put(im, s, l);
			ph[i].p_filesz = how == 0 ? l : how == 1 ? l - 1 : how == 2 ? l + 1 : 1;
			break;
		}
		case 3:
			ph[i].p_type = PT_LOAD;
			ph[i].p_filesz = im->n;
			break;
		case 4:
			ph[i].p_type = PT_DYNAMIC;
			break;
		case 5:
			ph[i].p_type = PT_GNU_STACK;
			break;
		default: /* raw bytes */
			ph[i].p_type = take(r) | take(r) << 8 | (uint32_t)take(r) << 24;
			ph[i].p_offset = take(r) * 8u;
			ph[i].p_filesz = take(r);
			break;
		}
	}
	/* .dynstr, .dynamic and a section table naming them. */
	size_t stroff = put(im, strtab, strn);
	im->n = (im->n + 7) & ~(size_t)7;
	size_t dynoff = put(im, dyn, ndyn * sizeof(Elf64_Dyn));
	im->n = (im->n + 7) & ~(size_t)7;
	Elf64_Shdr sh[3] = {{0}};
	sh[1].sh_type = SHT_STRTAB;
	sh[1].sh_offset = stroff;
	sh[1].sh_size = strn;
	sh[2].sh_type = SHT_DYNAMIC;
	sh[2].sh_offset = dynoff;
	sh[2].sh_size = ndyn * sizeof(Elf64_Dyn);
	sh[2].sh_entsize = take(r) == 0xfd ? 0 : sizeof(Elf64_Dyn);
	sh[2].sh_link = take(r) == 0xfc ? 7 : 1;
	for (unsigned i = 0; i < nph; i++)
		if (ph[i].p_type == PT_DYNAMIC) {
			ph[i].p_offset = dynoff;
			ph[i].p_filesz = sh[2].sh_size;
		}
	if (im->n + sizeof(sh) <= sizeof(im->b)) {
		eh.e_shoff = im->n;
		eh.e_shnum = 3;
		put(im, sh, sizeof(sh));
	}
	memcpy(im->b, &eh, sizeof(eh));
	memcpy(im->b + sizeof(eh), ph, nph * sizeof(Elf64_Phdr));
}

/* How many PT_INTERP headers a well-formed header table has. */
static unsigned count_interp(const uint8_t *f, size_t n)
{
	Elf64_Ehdr eh;
	unsigned c = 0;
	if (n < sizeof(eh))
		return 0;
	memcpy(&eh, f, sizeof(eh));
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > n ||
	    (size_t)eh.e_phnum * sizeof(Elf64_Phdr) > n - eh.e_phoff)
		return 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, f + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		c += ph.p_type == PT_INTERP;
	}
	return c;
}

static int is_elf(const char *path)
{
	char m[SELFMAG];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ok = fd >= 0 && read(fd, m, sizeof(m)) == SELFMAG && memcmp(m, ELFMAG, SELFMAG) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img im;
	static int fd = -1;
	const uint8_t *f;
	size_t n;
	char path[64], kinterp[4096];
	struct vj_elfdeps d;
	struct vj_err e = {0};

	if (size < 1 || size > OUT_MAX)
		return 0;
	if (data[0] & 1) {
		struct rd r = {data + 1, size - 1};
		build(&r, &im);
		f = im.b;
		n = im.n;
	} else {
		f = data + 1;
		n = size - 1;
	}
	if (fd < 0 && (fd = memfd_create("fuzz-elf", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, f, n, 0) != (ssize_t)n)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	int k = kernel_interp(f, n, kinterp, sizeof(kinterp));
	int rc = vj_elfdeps_resolve(path, &d, &e);
	if (rc != 0) {
		FUZZ_CHECK(e.err && e.msg[0], "a refusal that does not say why");
		return 0;
	}
	static int skip_open = -1;
	if (skip_open < 0)
		skip_open = getenv("VJ_FUZZ_SKIP_OPEN") != NULL;
	if (skip_open && count_interp(f, n) > 1)
		k = -1;
	FUZZ_CHECK(k != 1 || (!d.is_static && strcmp(d.interp, kinterp) == 0),
	           "binds another interpreter than the kernel loads (first PT_INTERP)");
	FUZZ_CHECK(k != 0 || !d.interp[0], "binds an interpreter the kernel never loads");
	if (d.interp[0]) {
		int found = 0;
		for (size_t i = 0; i < d.n; i++)
			if (strcmp(d.v[i].jail, d.interp) == 0) {
				found = 1;
				FUZZ_CHECK(
				    skip_open || is_elf(d.v[i].host),
				    "binds a host file that is no ELF object as interpreter");
			}
		FUZZ_CHECK(found, "the interpreter is not among the binds");
	}
	for (size_t i = 0; i < d.n; i++)
		FUZZ_CHECK(d.v[i].jail[0] == '/' && !strstr(d.v[i].jail, "/../") &&
		               d.v[i].host[0] == '/',
		           "a bind that is not an absolute path without ..");
	vj_elfdeps_free(&d);
	return 0;
}
