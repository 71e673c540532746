// SPDX-License-Identifier: Apache-2.0
/*
 * The compiled-filter cache: a miss stores, a hit returns exactly what the
 * compiler would, and every kind of bad entry (corrupt, truncated, too big,
 * wrong policy, wrong owner or mode, symlink, fifo, directory, invalid
 * program with a valid digest) is discarded and recompiled, never used.
 * Unsafe cache directories are not used at all.  Concurrent cold starts
 * agree.  Runs as root in a private temp dir.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policies/lang/sha256.h"
#include "tests/c/tap.h"
#include "tests/c/test_seccomp_policies.h"

static char root[64];
static struct vj_bpf_prog ref; /* what the compiler makes for the test policy */

static struct vj_policy *mkpolicy(struct tpol *t, uint8_t tag)
{
	struct vj_policy *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	memset(p->hash, tag, sizeof(p->hash));
	p->seccomp = t->sc;
	return p;
}

static int same_prog(const struct vj_bpf_prog *a, const struct vj_bpf_prog *b)
{
	return a->len == b->len && memcmp(a->insns, b->insns, a->len * sizeof(*a->insns)) == 0;
}

static int load(struct vj_policy *p, const char *dir, struct vj_cache_info *info,
                struct vj_bpf_prog *out)
{
	struct vj_err e = {0};
	int rc = vj_seccomp_load_cached_ex(p, dir, out, info, &e);
	if (rc)
		tap_diag("load_cached: %s", e.msg);
	return rc;
}

static const char *status_name(enum vj_cache_status s)
{
	static const char *const n[] = {"off", "hit", "stored", "not-stored", "unsafe-dir"};
	return (unsigned)s < 5 ? n[s] : "?";
}

/* A bad entry is discarded, recompiled, stored; the next load is a hit. */
static void expect_discard(struct vj_policy *p, const char *dir, const char *what)
{
	struct vj_cache_info info;
	struct vj_bpf_prog out = {0};
	int rc = load(p, dir, &info, &out);

	tap_ok(rc == 0 && info.status == VJ_CACHE_STORED && info.discarded && same_prog(&out, &ref),
	       "%s: discarded and recompiled (%s, discarded %d: %s)", what,
	       status_name(info.status), info.discarded, info.why);
	vj_bpf_prog_free(&out);
	rc = load(p, dir, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_HIT && same_prog(&out, &ref),
	       "%s: the replacement entry is a verified hit (%s)", what, status_name(info.status));
	vj_bpf_prog_free(&out);
}

static void expect_unsafe(struct vj_policy *p, const char *dir, const char *what)
{
	struct vj_cache_info info;
	struct vj_bpf_prog out = {0};
	int rc = load(p, dir, &info, &out);

	tap_ok(rc == 0 && info.status == VJ_CACHE_UNSAFE_DIR && same_prog(&out, &ref),
	       "%s: cache not used, policy compiled (%s: %s)", what, status_name(info.status),
	       info.why);
	vj_bpf_prog_free(&out);
}

static void entry_path(struct vj_policy *p, const char *dir, char *buf, size_t len)
{
	char name[80];
	vj_seccomp_cache_name(p, name, sizeof(name));
	snprintf(buf, len, "%s/%s", dir, name);
}

static void rewrite(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		abort();
	close(fd);
}

static size_t slurp(const char *path, unsigned char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, cap);
	if (fd >= 0)
		close(fd);
	return n < 0 ? 0 : (size_t)n;
}

/* The on-disk layout (cache.c): 80-byte header, digest at offset 48,
 * digest = SHA-256(first 48 header bytes, instructions). */
#define HDR        80
#define DIGEST_OFF 48
static void redigest(unsigned char *buf, size_t len)
{
	struct vj_sha256 h;
	vj_sha256_init(&h);
	vj_sha256_update(&h, buf, DIGEST_OFF);
	vj_sha256_update(&h, buf + HDR, len - HDR);
	vj_sha256_final(&h, buf + DIGEST_OFF);
}

static unsigned count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	struct tpol *t = tpol_allowlist(), *t2 = tpol_denylist();
	struct vj_policy *p = mkpolicy(t, 0xab), *q = mkpolicy(t2, 0xcd);
	struct vj_cache_info info;
	struct vj_bpf_prog out = {0};
	struct vj_err e = {0};
	char dir[256], path[512], qpath[512], other[512];
	unsigned char buf[HDR + 8 * (VJ_BPF_MAXINSNS + 2)];
	struct stat st;
	size_t n;
	int rc;

	if (geteuid() != 0) {
		printf("Bail out! tests run as root against the real kernel\n");
		return 255;
	}
	snprintf(root, sizeof(root), "/tmp/vj-sccache-XXXXXX");
	if (!mkdtemp(root) || vj_seccomp_compile(&t->sc, &ref, &e) != 0) {
		printf("Bail out! setup: %s %s\n", strerror(errno), e.msg);
		return 255;
	}

	/* no cache dir: compile only */
	rc = load(p, NULL, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_OFF && same_prog(&out, &ref),
	       "no cache dir: compiled (%s)", status_name(info.status));
	vj_bpf_prog_free(&out);

	/* cold: missing directories are created 0700, the entry 0600 */
	snprintf(dir, sizeof(dir), "%s/var/cache/seccomp", root);
	rc = load(p, dir, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_STORED && !info.discarded &&
	           same_prog(&out, &ref),
	       "cold cache: compiled and stored (%s)", status_name(info.status));
	vj_bpf_prog_free(&out);
	rc = stat(dir, &st);
	tap_ok(rc == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700 && st.st_uid == 0,
	       "cache dir created root 0700 (mode %04o)", (unsigned)(st.st_mode & 07777));
	entry_path(p, dir, path, sizeof(path));
	rc = stat(path, &st);
	tap_ok(rc == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 && st.st_uid == 0 &&
	           st.st_size == (off_t)(HDR + 8 * ref.len),
	       "entry is root 0600, header + %zu instructions (%lld bytes)", ref.len,
	       (long long)st.st_size);

	/* warm */
	rc = load(p, dir, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_HIT && same_prog(&out, &ref),
	       "warm cache: hit, identical to a fresh compile (%s)", status_name(info.status));
	vj_bpf_prog_free(&out);

	/* another policy: another entry */
	entry_path(q, dir, qpath, sizeof(qpath));
	rc = load(q, dir, &info, &out);
	tap_ok(strcmp(path, qpath) != 0 && rc == 0 && info.status == VJ_CACHE_STORED,
	       "a different policy has its own entry (%s)", status_name(info.status));
	vj_bpf_prog_free(&out);
	{
		/* same hash, different resolved rules: a different key too */
		struct vj_policy *p2 = mkpolicy(t, 0xab);
		p2->seccomp.def.kind = VJ_ACT_KILL_THREAD;
		entry_path(p2, dir, other, sizeof(other));
		tap_ok(strcmp(path, other) != 0,
		       "same policy hash, different rules: different key");
		free(p2);
	}

	/* corruption: one flipped byte in the instructions */
	n = slurp(path, buf, sizeof(buf));
	buf[HDR + 8 * (ref.len / 2) + 4] ^= 0x01;
	rewrite(path, buf, n);
	expect_discard(p, dir, "one flipped bit");

	/* truncated mid-instruction */
	n = slurp(path, buf, sizeof(buf));
	rewrite(path, buf, n - 3);
	expect_discard(p, dir, "truncated entry (size not a multiple of 8)");

	/* truncated at an instruction boundary (header count no longer matches) */
	n = slurp(path, buf, sizeof(buf));
	rewrite(path, buf, n - 8);
	expect_discard(p, dir, "entry missing its last instruction");

	/* empty */
	rewrite(path, buf, 0);
	expect_discard(p, dir, "empty entry");

	/* too big: 4097 instructions */
	memset(buf, 0, sizeof(buf));
	rewrite(path, buf, HDR + 8 * (VJ_BPF_MAXINSNS + 1));
	expect_discard(p, dir, "entry of 4097 instructions");

	/* an invalid program behind a valid digest: only the checker sees it */
	n = slurp(path, buf, sizeof(buf));
	{
		struct sock_filter *f = (struct sock_filter *)(buf + HDR);
		size_t last = (n - HDR) / 8 - 1;
		f[last].code = BPF_JMP | BPF_JA; /* last insn no longer a RET */
		f[last].k = 0;
	}
	redigest(buf, n);
	rewrite(path, buf, n);
	expect_discard(p, dir, "valid digest, program the kernel would refuse");

	/* an entry for another policy under this policy's name */
	n = slurp(qpath, buf, sizeof(buf));
	rewrite(path, buf, n);
	expect_discard(p, dir, "another policy's entry renamed");

	/* owner and mode */
	chmod(path, 0660);
	expect_discard(p, dir, "group-writable entry");
	chmod(path, 0602);
	expect_discard(p, dir, "other-writable entry");
	if (chown(path, 1000, 1000) != 0)
		abort();
	expect_discard(p, dir, "entry owned by uid 1000");

	/* not a regular file */
	snprintf(other, sizeof(other), "%s/elsewhere.bpf", root);
	n = slurp(path, buf, sizeof(buf));
	rewrite(other, buf, n);
	unlink(path);
	if (symlink(other, path) != 0)
		abort();
	expect_discard(p, dir, "symlink to a valid entry");
	rc = stat(other, &st);
	tap_ok(rc == 0 && st.st_size == (off_t)n, "the symlink's target was not touched");
	unlink(path);
	if (mkfifo(path, 0600) != 0)
		abort();
	expect_discard(p, dir, "fifo (opened without blocking)");
	unlink(path);
	mkdir(path, 0700);
	rc = load(p, dir, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_NOT_STORED && info.discarded &&
	           same_prog(&out, &ref),
	       "a directory in the entry's place: compiled, not stored (%s: %s)",
	       status_name(info.status), info.why);
	vj_bpf_prog_free(&out);
	rmdir(path);

	/* unsafe directories */
	char bad[512];
	snprintf(bad, sizeof(bad), "%s/open", root);
	mkdir(bad, 0777);
	chmod(bad, 0777);
	expect_unsafe(p, bad, "world-writable cache dir");
	snprintf(bad, sizeof(bad), "%s/open/sub", root);
	expect_unsafe(p, bad, "cache dir below a world-writable (non-sticky) dir");
	snprintf(bad, sizeof(bad), "%s/user", root);
	mkdir(bad, 0700);
	if (chown(bad, 1000, 1000) != 0)
		abort();
	expect_unsafe(p, bad, "cache dir owned by uid 1000");
	snprintf(bad, sizeof(bad), "%s/link", root);
	if (symlink(dir, bad) != 0)
		abort();
	expect_unsafe(p, bad, "cache dir path through a symlink");
	expect_unsafe(p, "var/cache/vmjail", "relative cache dir");
	snprintf(bad, sizeof(bad), "%s/var/../var/cache/seccomp", root);
	expect_unsafe(p, bad, "cache dir path with '..'");
	snprintf(bad, sizeof(bad), "%s/user/x", root);
	tap_ok(stat(bad, &st) != 0, "nothing was created below an unsafe dir");

	/* a policy that does not compile: an error, never a cached fallback */
	{
		struct tpol *broken = tpol_new("broken", VJ_ACT_KILL_PROCESS, 0);
		CMP64(RULE(broken, ioctl, VJ_ACT_ALLOW, 0), 1, VJ_OP_LT, 5)->cond[0].arg32 = true;
		struct vj_policy *bp = mkpolicy(broken, 0xee);
		struct vj_err be = {0};
		rc = vj_seccomp_load_cached_ex(bp, dir, &out, &info, &be);
		tap_ok(rc == -EINVAL && out.insns == NULL && out.len == 0,
		       "a policy that does not compile fails the load (%s)", be.msg);
		free(bp);
		tpol_free(broken);
	}

	/* concurrent cold starts agree, and leave one valid entry */
	snprintf(dir, sizeof(dir), "%s/concurrent", root);
	int ok = 0;
	for (int i = 0; i < 8; i++) {
		if (fork() == 0) {
			struct vj_bpf_prog o = {0};
			struct vj_cache_info in;
			int good = 1;
			for (int k = 0; k < 20 && good; k++) {
				good = vj_seccomp_load_cached_ex(p, dir, &o, &in, NULL) == 0 &&
				       same_prog(&o, &ref);
				vj_bpf_prog_free(&o);
			}
			_exit(good ? 0 : 1);
		}
	}
	for (int i = 0, status; i < 8; i++)
		if (wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	tap_is_int(ok, 8, "8 processes x 20 loads on a cold cache all got the right program");
	rc = load(p, dir, &info, &out);
	tap_ok(rc == 0 && info.status == VJ_CACHE_HIT,
	       "after the race the entry is a verified hit (%s)", status_name(info.status));
	vj_bpf_prog_free(&out);
	snprintf(dir, sizeof(dir), "%s/var/cache/seccomp", root);
	tap_is_int(count_files(dir, ".tmp") + count_files(root, ".tmp"), 0,
	           "no temporary files left behind");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", root);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", root);
	vj_bpf_prog_free(&ref);
	free(p);
	free(q);
	tpol_free(t);
	tpol_free(t2);
	return tap_done();
}
