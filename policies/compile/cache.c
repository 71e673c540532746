// SPDX-License-Identifier: Apache-2.0
/*
 * The compiled-filter cache a launch reads instead of running libseccomp.
 *
 * Threat model: the cache sits on the privileged path, so an entry is data
 * from disk that is about to become the VMM's syscall filter.  It is used
 * only if every directory on the way is root's alone, the entry is a
 * root-owned regular file nobody else can write, its header names exactly
 * this policy + compiler + libseccomp, its digest matches, and the program
 * passes the same checks the kernel makes.  Anything else is discarded and
 * the policy recompiled: the cache can make a launch faster, never change
 * what it enforces.
 *
 * Entry: <hex key>.bpf = struct entry_hdr + ninsns struct sock_filter.
 *   key    = SHA-256(domain, policy hash, compiler version, libseccomp
 *            version, the running binary's build ID, the resolved rules)
 *   digest = SHA-256(header without digest, instructions)
 * The resolved rules are in the key as well as the policy hash so a parser
 * or constants-table change that resolves the same text differently can
 * never hit an entry compiled from the old resolution.
 */
#include "policies/compile/seccomp.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policies/compile/build_id.h"
#include "policies/lang/sha256.h"

#define ENTRY_MAGIC  "VJSCBPF"
#define ENTRY_FORMAT 1u

struct entry_hdr {
	char magic[8];
	uint32_t format;
	uint32_t ninsns;
	uint8_t key[32];
	uint8_t digest[32];
};

_Static_assert(sizeof(struct entry_hdr) % sizeof(struct sock_filter) == 0,
               "entry size must stay a multiple of the instruction size");
_Static_assert(sizeof(struct sock_filter) == 8, "classic BPF instructions are 8 bytes");

#define ENTRY_MAX (sizeof(struct entry_hdr) + VJ_BPF_MAXINSNS * sizeof(struct sock_filter))

static void why(struct vj_cache_info *info, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void why(struct vj_cache_info *info, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(info->why, sizeof(info->why), fmt, ap);
	va_end(ap);
}

/* Little-endian fixed-width fields into a small buffer, so the key never
 * depends on struct padding or on the host's byte order. */
struct keybuf {
	uint8_t b[256];
	size_t n;
};

static void put_u32(struct keybuf *k, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		k->b[k->n++] = (uint8_t)(v >> (8 * i));
}

static void put_u64(struct keybuf *k, uint64_t v)
{
	put_u32(k, (uint32_t)v);
	put_u32(k, (uint32_t)(v >> 32));
}

static void flush(struct vj_sha256 *h, struct keybuf *k)
{
	vj_sha256_update(h, k->b, k->n);
	k->n = 0;
}

static void cache_key(const struct vj_policy *p, uint8_t key[32])
{
	size_t bid_len;
	const uint8_t *bid = vj_build_id(&bid_len);
	const struct scmp_version *v = seccomp_version();
	const struct vj_seccomp *sc = &p->seccomp;
	struct vj_sha256 h;
	struct keybuf k = {.n = 0};

	vj_sha256_init(&h);
	vj_sha256_update(&h, "vmjail seccomp cache key 1", 27);
	vj_sha256_update(&h, p->hash, sizeof(p->hash));
	put_u32(&k, VJ_SECCOMP_COMPILER_VERSION);
	put_u32(&k, v ? v->major : 0);
	put_u32(&k, v ? v->minor : 0);
	put_u32(&k, v ? v->micro : 0);
	put_u32(&k, (uint32_t)sc->def.kind);
	put_u32(&k, (uint32_t)sc->def.errnum);
	put_u64(&k, sc->nrules);
	put_u32(&k, (uint32_t)bid_len);
	flush(&h, &k);
	vj_sha256_update(&h, bid, bid_len);
	/* one rule is at most 16 + 6 * 28 = 184 bytes: one update each */
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct vj_rule *r = &sc->rules[i];
		put_u32(&k, (uint32_t)r->nr);
		put_u32(&k, (uint32_t)r->action.kind);
		put_u32(&k, (uint32_t)r->action.errnum);
		put_u32(&k, r->ncond);
		for (unsigned c = 0; c < r->ncond && c < VJ_MAX_CONDS; c++) {
			put_u32(&k, r->cond[c].arg);
			put_u32(&k, (uint32_t)r->cond[c].op);
			put_u64(&k, r->cond[c].value);
			put_u64(&k, r->cond[c].mask);
			put_u32(&k, r->cond[c].arg32);
		}
		flush(&h, &k);
	}
	vj_sha256_final(&h, key);
}

static void entry_digest(const struct entry_hdr *hd, const struct sock_filter *insns,
                         uint8_t out[32])
{
	struct vj_sha256 h;

	vj_sha256_init(&h);
	vj_sha256_update(&h, hd, offsetof(struct entry_hdr, digest));
	vj_sha256_update(&h, insns, (size_t)hd->ninsns * sizeof(*insns));
	vj_sha256_final(&h, out);
}

/* "<64 hex digits>.bpf" into buf (at least 69 bytes). */
static void key_name(const uint8_t key[32], char *buf)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < 32; i++) {
		buf[2 * i] = hex[key[i] >> 4];
		buf[2 * i + 1] = hex[key[i] & 15];
	}
	memcpy(buf + 64, ".bpf", sizeof(".bpf"));
}

int vj_seccomp_cache_name(const struct vj_policy *p, char *buf, size_t len)
{
	uint8_t key[32];

	if (!p || !buf || len < 64 + sizeof(".bpf"))
		return -EINVAL;
	cache_key(p, key);
	key_name(key, buf);
	return 0;
}

/*
 * Walk dir from "/" one component at a time without following symlinks,
 * creating missing components 0700.  Every component must be a root-owned
 * directory that group and others cannot write (sticky dirs such as /tmp
 * excepted on the way, not as the cache itself): whoever can write a parent
 * can swap the cache for one of their own.
 */
static int open_cache_dir(const char *dir, struct vj_cache_info *info)
{
	char *copy, *save = NULL, *comp, *next;
	struct stat st;
	int fd, nfd;

	if (!dir || dir[0] != '/') {
		why(info, "cache dir '%s' is not an absolute path", dir ? dir : "");
		return -1;
	}
	copy = strdup(dir);
	if (!copy) {
		why(info, "out of memory");
		return -1;
	}
	fd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		why(info, "open /: %m");
		free(copy);
		return -1;
	}
	comp = strtok_r(copy, "/", &save);
	while (comp) {
		next = strtok_r(NULL, "/", &save);
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			why(info, "cache dir '%s' contains '%s'", dir, comp);
			goto fail;
		}
		nfd = openat(fd, comp, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT) {
			if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST) {
				why(info, "mkdir %s in %s: %m", comp, dir);
				goto fail;
			}
			nfd = openat(fd, comp, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			why(info, "open %s (of %s): %m", comp, dir);
			goto fail;
		}
		close(fd);
		fd = nfd;
		if (fstat(fd, &st) < 0) {
			why(info, "stat %s: %m", comp);
			goto fail;
		}
		if (st.st_uid != 0) {
			why(info, "%s (of %s) is owned by uid %u, not root", comp, dir,
			    (unsigned)st.st_uid);
			goto fail;
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (!next || !(st.st_mode & S_ISVTX))) {
			why(info, "%s (of %s) is writable by group or others (mode %04o)", comp,
			    dir, (unsigned)(st.st_mode & 07777));
			goto fail;
		}
		comp = next;
	}
	free(copy);
	return fd;
fail:
	close(fd);
	free(copy);
	return -1;
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = pread(fd, (char *)buf + off, len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* 1: verified and loaded into out; 0: absent; -1: present but not trusted. */
static int load_entry(int dfd, const char *name, const uint8_t key[32], struct vj_bpf_prog *out,
                      struct vj_cache_info *info)
{
	struct entry_hdr *hd;
	unsigned char *buf;
	uint8_t digest[32];
	struct stat st;
	size_t size, n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		why(info, "open: %m");
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		why(info, "stat: %m");
		goto bad;
	}
	if (!S_ISREG(st.st_mode)) {
		why(info, "not a regular file");
		goto bad;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		why(info, "owner uid %u mode %04o (must be root's, not group/other writable)",
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		goto bad;
	}
	if (st.st_size < (off_t)(sizeof(*hd) + sizeof(struct sock_filter)) ||
	    st.st_size > (off_t)ENTRY_MAX || st.st_size % (off_t)sizeof(struct sock_filter)) {
		why(info, "size %lld is not a header plus 1..%d instructions",
		    (long long)st.st_size, VJ_BPF_MAXINSNS);
		goto bad;
	}
	size = (size_t)st.st_size;
	n = (size - sizeof(*hd)) / sizeof(struct sock_filter);
	buf = malloc(size);
	if (!buf) {
		why(info, "out of memory");
		goto bad;
	}
	if (read_all(fd, buf, size) < 0) {
		why(info, "short read");
		goto bad_free;
	}
	hd = (struct entry_hdr *)buf;
	if (memcmp(hd->magic, ENTRY_MAGIC, sizeof(ENTRY_MAGIC)) != 0 ||
	    hd->format != ENTRY_FORMAT || hd->ninsns != n) {
		why(info, "bad header");
		goto bad_free;
	}
	if (memcmp(hd->key, key, sizeof(hd->key)) != 0) {
		why(info, "entry is for another policy or compiler");
		goto bad_free;
	}
	entry_digest(hd, (const struct sock_filter *)(buf + sizeof(*hd)), digest);
	if (memcmp(digest, hd->digest, sizeof(digest)) != 0) {
		why(info, "digest mismatch");
		goto bad_free;
	}
	out->insns = malloc(n * sizeof(struct sock_filter));
	if (!out->insns) {
		why(info, "out of memory");
		goto bad_free;
	}
	memcpy(out->insns, buf + sizeof(*hd), n * sizeof(struct sock_filter));
	out->len = n;
	free(buf);
	close(fd);
	if (vj_bpf_check(out, NULL) != 0) {
		why(info, "program fails the kernel's checks");
		vj_bpf_prog_free(out);
		return -1;
	}
	return 1;
bad_free:
	free(buf);
bad:
	close(fd);
	return -1;
}

static int write_all(int fd, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/*
 * Publish atomically: readers see the old entry, no entry, or the whole new
 * one.  O_TMPFILE + linkat leaves nothing behind if we die half-way; the
 * temp-name + rename fallback is for filesystems without O_TMPFILE.  No
 * fsync: a torn entry after a crash fails verification and is recompiled.
 */
static int store_entry(int dfd, const char *name, const uint8_t key[32],
                       const struct vj_bpf_prog *prog, struct vj_cache_info *info)
{
	size_t size = sizeof(struct entry_hdr) + prog->len * sizeof(struct sock_filter);
	struct entry_hdr *hd;
	char tmp[96];
	int fd, rc = -1;
	bool named = false;

	hd = calloc(1, size);
	if (!hd) {
		why(info, "out of memory");
		return -1;
	}
	memcpy(hd->magic, ENTRY_MAGIC, sizeof(ENTRY_MAGIC));
	hd->format = ENTRY_FORMAT;
	hd->ninsns = (uint32_t)prog->len;
	memcpy(hd->key, key, sizeof(hd->key));
	memcpy(hd + 1, prog->insns, prog->len * sizeof(struct sock_filter));
	entry_digest(hd, prog->insns, hd->digest);

	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), name);
		fd = openat(dfd, tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
		named = true;
	}
	if (fd < 0) {
		why(info, "create: %m");
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, hd, size) < 0) {
		why(info, "write: %m");
		goto out;
	}
	if (!named) {
		if (linkat(fd, "", dfd, name, AT_EMPTY_PATH) == 0) {
			rc = 0;
			goto out;
		}
		/* EEXIST (a concurrent launch, or something we could not
		 * unlink): replace it by rename below.  Otherwise linkat
		 * (AT_EMPTY_PATH) wanted CAP_DAC_READ_SEARCH: go by /proc. */
		snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), name);
		if (linkat(fd, "", dfd, tmp, AT_EMPTY_PATH) < 0) {
			char proc[64];
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			if (linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) < 0) {
				why(info, "link: %m");
				goto out;
			}
		}
		named = true;
	}
	if (renameat(dfd, tmp, dfd, name) < 0) {
		why(info, "rename: %m");
		goto out;
	}
	named = false;
	rc = 0;
out:
	if (named)
		unlinkat(dfd, tmp, 0);
	if (fd >= 0)
		close(fd);
	free(hd);
	return rc;
}

int vj_seccomp_load_cached_ex(const struct vj_policy *p, const char *cache_dir,
                              struct vj_bpf_prog *out, struct vj_cache_info *info, struct vj_err *e)
{
	struct vj_cache_info scratch;
	char name[80];
	uint8_t key[32];
	int dfd, rc;

	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (!p || !out)
		return vj_fail(e, EINVAL, "seccomp cache: no policy or output");
	out->insns = NULL;
	out->len = 0;
	if (!cache_dir) {
		info->status = VJ_CACHE_OFF;
		return vj_seccomp_compile(&p->seccomp, out, e);
	}

	dfd = open_cache_dir(cache_dir, info);
	if (dfd < 0) {
		info->status = VJ_CACHE_UNSAFE_DIR;
		return vj_seccomp_compile(&p->seccomp, out, e);
	}
	cache_key(p, key);
	key_name(key, name);
	snprintf(info->path, sizeof(info->path), "%s/%s", cache_dir, name);

	rc = load_entry(dfd, name, key, out, info);
	if (rc == 1) {
		info->status = VJ_CACHE_HIT;
		close(dfd);
		return 0;
	}
	if (rc < 0) {
		/* Never trusted, never left for the next launch to trip over.
		 * AT_REMOVEDIR is not tried: a directory here is left for root. */
		info->discarded = 1;
		unlinkat(dfd, name, 0);
	}

	rc = vj_seccomp_compile(&p->seccomp, out, e);
	if (rc < 0) {
		close(dfd);
		return rc;
	}
	{
		/* Keep the discard reason if there was one; the store's own
		 * failure reason replaces it only if storing fails. */
		struct vj_cache_info st = *info;
		if (store_entry(dfd, name, key, out, &st) == 0) {
			info->status = VJ_CACHE_STORED;
		} else {
			info->status = VJ_CACHE_NOT_STORED;
			memcpy(info->why, st.why, sizeof(info->why));
		}
	}
	close(dfd);
	return 0;
}

int vj_seccomp_load_cached(const struct vj_policy *p, const char *cache_dir,
                           struct vj_bpf_prog *out, struct vj_err *e)
{
	return vj_seccomp_load_cached_ex(p, cache_dir, out, NULL, e);
}
