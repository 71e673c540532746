// SPDX-License-Identifier: Apache-2.0
/*
 * Loading and pinning: the programs and maps are loaded once per host and
 * pinned under the pin root; every later launch only opens the pins.
 *
 * Pin layout (docs/bpf.md):
 *   <root>/maps/{vj_tenants,vj_stats,vj_rings}
 *   <root>/progs/<program>
 *   <root>/links/<parent cgroup id>/<program>    (attach.c)
 *   <root>/maps/vj_meta                          pinned last: the commit mark
 *
 * A pin set without vj_meta is what a crash during the first load leaves; it
 * cannot have tenants or links yet, so it is removed and loaded again.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vjbpf.skel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define DEFAULT_BPFFS "/sys/fs/bpf"

const struct vjbpf_progdef vjbpf_progs[VJBPF_NPROGS] = {
    {"vj_dev", BPF_CGROUP_DEVICE},
    {"vj_sock_create", BPF_CGROUP_INET_SOCK_CREATE},
    {"vj_connect4", BPF_CGROUP_INET4_CONNECT},
    {"vj_connect6", BPF_CGROUP_INET6_CONNECT},
    {"vj_bind4", BPF_CGROUP_INET4_BIND},
    {"vj_bind6", BPF_CGROUP_INET6_BIND},
    {"vj_sendmsg4", BPF_CGROUP_UDP4_SENDMSG},
    {"vj_sendmsg6", BPF_CGROUP_UDP6_SENDMSG},
    {"vj_sysctl", BPF_CGROUP_SYSCTL},
    {"vj_ingress", BPF_CGROUP_INET_INGRESS},
};

static const char *const pinned_maps[] = {"vj_tenants", "vj_stats", "vj_rings"};

static char pin_root[PATH_MAX / 4] = VJBPF_PIN_ROOT;
static char lock_path[PATH_MAX / 4] = VJBPF_LOCK_PATH;

int vjbpf_set_root(const char *root, const char *lock)
{
	const char *r = root ? root : VJBPF_PIN_ROOT;
	const char *l = lock ? lock : VJBPF_LOCK_PATH;
	if (strlen(r) >= sizeof(pin_root) || strlen(l) >= sizeof(lock_path))
		return -ENAMETOOLONG;
	if (r[0] != '/' || l[0] != '/')
		return -EINVAL;
	snprintf(pin_root, sizeof(pin_root), "%s", r);
	snprintf(lock_path, sizeof(lock_path), "%s", l);
	return 0;
}

const char *vjbpf_root(void)
{
	return pin_root;
}

int vjbpf__path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s/", pin_root);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return -ENAMETOOLONG;
	return 0;
}

uint64_t vjbpf__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ lock */

static int mkdir_parents(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/*
 * Setup and unload take the lock exclusively; tenant changes take it shared,
 * so that unload cannot remove the maps under a tenant_add and two launches
 * never load twice.
 */
int vjbpf__lock(int how, struct vj_err *e)
{
	int rc = mkdir_parents(lock_path, 0700);
	if (rc < 0)
		return vj_failx(e, rc, "creating the directory of %s", lock_path);
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vj_failx(e, errno, "opening lock file %s", lock_path);
	while (flock(fd, how) < 0) {
		if (errno == EINTR)
			continue;
		rc = -errno;
		close(fd);
		return vj_failx(e, rc, "locking %s", lock_path);
	}
	return fd;
}

/*
 * For readers that must write nothing (the probe, --dry-run): a lock file that
 * does not exist means nothing was ever loaded under it, so there is nothing
 * to protect; -ENOENT without creating the file or its directory.
 */
int vjbpf__lock_existing(int how, struct vj_err *e)
{
	int fd = open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return vj_failx(e, errno, "opening lock file %s", lock_path);
	}
	while (flock(fd, how) < 0) {
		if (errno == EINTR)
			continue;
		int rc = -errno;
		close(fd);
		return vj_failx(e, rc, "locking %s", lock_path);
	}
	return fd;
}

void vjbpf__unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* ------------------------------------------------------------ libbpf log */

/* libbpf reports the verifier's verdict through its print callback; keep the
 * tail so a failed load says why in the error context. */
static char logbuf[2048];
static size_t loglen;
static libbpf_print_fn_t prev_print;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	if (level == LIBBPF_DEBUG)
		return 0;
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	size_t l = strnlen(line, sizeof(line));
	if (l >= sizeof(logbuf))
		l = sizeof(logbuf) - 1;
	if (loglen + l >= sizeof(logbuf)) {
		/* keep the tail: that is where the verifier says why */
		size_t drop = loglen + l - (sizeof(logbuf) - 1);
		if (drop > loglen)
			drop = loglen;
		memmove(logbuf, logbuf + drop, loglen - drop);
		loglen -= drop;
	}
	memcpy(logbuf + loglen, line, l);
	loglen += l;
	logbuf[loglen] = '\0';
	return n;
}

void vjbpf__log_begin(void)
{
	loglen = 0;
	logbuf[0] = '\0';
	prev_print = libbpf_set_print(capture_print);
}

const char *vjbpf__log_end(void)
{
	libbpf_set_print(prev_print);
	/* newlines would split the one-line error message */
	for (size_t i = 0; i < loglen; i++)
		if (logbuf[i] == '\n')
			logbuf[i] = ' ';
	return loglen ? logbuf : "no message from libbpf";
}

/* ----------------------------------------------------------------- bpffs */

/*
 * The pins must be on a bpf filesystem that outlives this process, i.e. one
 * mounted in the host's mount namespace.  Hosts with systemd have
 * /sys/fs/bpf; if nothing is mounted there and the pin root is below it,
 * mount it (each bpffs mount is a separate instance, so mounting over a
 * populated one would hide its pins: only an empty, unmounted dir qualifies).
 */
static int ensure_bpffs(struct vj_err *e)
{
	char parent[PATH_MAX];
	struct statfs sfs;

	snprintf(parent, sizeof(parent), "%s", pin_root);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return vj_fail(e, EINVAL, "pin root %s must be a directory below a bpffs",
		               pin_root);
	*slash = '\0';
	if (statfs(parent, &sfs) < 0)
		return vj_failx(e, errno, "statfs %s", parent);
	if (sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (strcmp(parent, DEFAULT_BPFFS) != 0)
		return vj_fail(e, ENOTSUP, "%s is not on a bpf filesystem", parent);
	if (mount("bpf", DEFAULT_BPFFS, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		return vj_failx(e, errno, "mounting bpffs on %s", DEFAULT_BPFFS);
	return 0;
}

/* ----------------------------------------------------------- pinned maps */

int vjbpf__open_pinned_maps(struct vjbpf_maps *m, struct vj_err *e)
{
	char path[PATH_MAX];
	int *fds[] = {&m->tenants, &m->stats, &m->rings};

	for (size_t i = 0; i < 3; i++) {
		vjbpf__path(path, sizeof(path), "maps/%s", pinned_maps[i]);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			int err = errno;
			vjbpf__close_maps(m);
			if (err == ENOENT)
				return vj_fail(e, ENOENT,
				               "cgroup-BPF is not set up on this host (no %s): "
				               "run vjbpf_setup first",
				               path);
			return vj_failx(e, err, "opening pinned map %s", path);
		}
	}
	return 0;
}

void vjbpf__close_maps(struct vjbpf_maps *m)
{
	int *fds[] = {&m->tenants, &m->stats, &m->rings, &m->meta};
	for (size_t i = 0; i < 4; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int vjbpf__link_create(int prog_fd, int cgroup_fd, int attach_type)
{
	/* cgroup links are always multi-attach (BPF_F_ALLOW_MULTI semantics):
	 * other programs on the same cgroup keep running and any deny wins. */
	int fd = bpf_link_create(prog_fd, cgroup_fd, (enum bpf_attach_type)attach_type, NULL);
	return fd < 0 ? -errno : fd;
}

/* ------------------------------------------------------------ load + pin */

/* Which build the pinned programs came from: FNV-1a over the BPF object. */
static uint64_t obj_hash(void)
{
	static uint64_t h;
	if (h)
		return h;
	size_t sz = 0;
	const unsigned char *p = vjbpf__elf_bytes(&sz);
	uint64_t x = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sz; i++) {
		x ^= p[i];
		x *= 0x100000001b3ull;
	}
	h = x ? x : 1;
	return h;
}

/* Remove <root> and everything in it (three levels at most). */
static int remove_tree_at(int dirfd, const char *name, int depth)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_DIR) {
			if (depth >= 3)
				rc = rc ? rc : -ELOOP;
			else if (remove_tree_at(fd, de->d_name, depth + 1) < 0 && !rc)
				rc = -errno;
		} else if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT && !rc) {
			rc = -errno;
		}
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && !rc)
		rc = -errno;
	return rc;
}

int vjbpf__remove_tree(const char *path)
{
	return remove_tree_at(AT_FDCWD, path, 0);
}

static int remove_root(void)
{
	return remove_tree_at(AT_FDCWD, pin_root, 0);
}

static int mkdirs(struct vj_err *e)
{
	static const char *const sub[] = {"", "maps", "progs", "links"};
	char path[PATH_MAX];
	for (size_t i = 0; i < 4; i++) {
		vjbpf__path(path, sizeof(path), "%s", sub[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return vj_failx(e, errno, "mkdir %s", path);
	}
	return 0;
}

static int load_and_pin(struct vj_err *e)
{
	char path[PATH_MAX];
	struct bpf_program *prog;
	int rc;

	struct vjbpf *skel = vjbpf__open();
	if (!skel)
		return vj_failx(e, errno, "opening the cgroup-BPF object");
	vjbpf__log_begin();
	rc = vjbpf__load(skel);
	const char *why = vjbpf__log_end();
	if (rc) {
		rc = vj_fail(e, rc, "loading the cgroup-BPF programs failed (%s): %s",
		             strerror(rc < 0 ? -rc : rc), why);
		goto out;
	}
	rc = mkdirs(e);
	if (rc)
		goto out;
	for (size_t i = 0; i < 3; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, pinned_maps[i]);
		vjbpf__path(path, sizeof(path), "maps/%s", pinned_maps[i]);
		rc = map ? bpf_map__pin(map, path) : -ENOENT;
		if (rc) {
			rc = vj_failx(e, rc, "pinning %s", path);
			goto out;
		}
	}
	bpf_object__for_each_program(prog, skel->obj)
	{
		vjbpf__path(path, sizeof(path), "progs/%s", bpf_program__name(prog));
		rc = bpf_program__pin(prog, path);
		if (rc) {
			rc = vj_failx(e, rc, "pinning %s", path);
			goto out;
		}
	}
	struct vjbpf_meta meta = {
	    .magic = VJBPF_META_MAGIC,
	    .obj_hash = obj_hash(),
	    .loaded_at = (uint64_t)time(NULL),
	};
	__u32 zero = 0;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.vj_meta), &zero, &meta, BPF_ANY) < 0) {
		rc = vj_failx(e, errno, "writing the pin set's version");
		goto out;
	}
	vjbpf__path(path, sizeof(path), "maps/vj_meta");
	rc = bpf_map__pin(skel->maps.vj_meta, path);
	if (rc)
		rc = vj_failx(e, rc, "pinning %s", path);
out:
	vjbpf__destroy(skel); /* the pins hold what is needed */
	if (rc)
		remove_root();
	return rc;
}

/*
 * Loaded already (and from this build)?  Returns 1 if so, 0 if nothing is
 * pinned, -errno if the pins cannot be used.
 */
static int check_pinned(struct vj_err *e)
{
	char path[PATH_MAX];
	struct vjbpf_meta meta;
	__u32 zero = 0;

	vjbpf__path(path, sizeof(path), "maps/vj_meta");
	int fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return vj_failx(e, errno, "opening %s", path);
	}
	int rc = bpf_map_lookup_elem(fd, &zero, &meta);
	int err = errno;
	close(fd);
	if (rc < 0)
		return vj_failx(e, err, "reading %s", path);
	if (meta.magic != VJBPF_META_MAGIC || meta.obj_hash != obj_hash())
		return vj_fail(
		    e, ESTALE,
		    "the cgroup-BPF programs pinned in %s come from another vmjail build "
		    "(object %016llx, this build %016llx): unload them (no tenant may be "
		    "registered) before using this build",
		    pin_root, (unsigned long long)meta.obj_hash, (unsigned long long)obj_hash());
	return 1;
}

int vjbpf__pinned_current(void)
{
	struct vj_err quiet = {0};
	return check_pinned(&quiet) == 1;
}

/* -EBUSY while a tenant is registered in the pinned rules map, else 0. */
static int idle_pins(struct vj_err *e)
{
	char path[PATH_MAX];
	vjbpf__path(path, sizeof(path), "maps/vj_tenants");
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : vj_failx(e, errno, "opening %s", path);
	__u64 key;
	int rc = bpf_map_get_next_key(fd, NULL, &key);
	close(fd);
	return rc == 0 ? -EBUSY : 0;
}

/* attach.c */
int vjbpf__attach_parent(int parent_fd, uint64_t parent_id, struct vj_err *e);

int vjbpf_setup(const char *parent, struct vj_err *e)
{
	struct stat st;
	int rc, lock = -1;

	vj_err_step(e, "cgroup-bpf");
	int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return vj_failx(e, errno, "opening parent cgroup %s", parent);
	if (!vjbpf__is_cgroup2(pfd) || fstat(pfd, &st) < 0) {
		rc = vj_fail(e, ENOTDIR, "%s is not a cgroup2 directory", parent);
		goto out;
	}
	rc = ensure_bpffs(e);
	if (rc)
		goto out;
	lock = vjbpf__lock(LOCK_EX, e);
	if (lock < 0) {
		rc = lock;
		goto out;
	}
	struct vj_err stale = {0};
	rc = check_pinned(&stale);
	if (rc == -ESTALE) {
		/*
		 * Programs of another vmjail build.  With no tenant registered
		 * nothing depends on them (links only carry rules for
		 * registered tenants): replace them.  Otherwise refuse — two
		 * builds' programs must never judge the same cgroups.
		 */
		rc = idle_pins(e);
		if (rc == 0)
			rc = remove_root() < 0 ? vj_failx(e, errno, "removing %s", pin_root) : 0;
		if (rc == 0)
			rc = load_and_pin(e);
		if (rc == -EBUSY)
			rc = vj_fail(e, ESTALE, "%s (and tenants of that build still run)",
			             stale.msg);
		if (rc)
			goto out;
	} else if (rc < 0) {
		vj_fail(e, -rc, "%s", stale.msg);
	} else if (rc == 0) {
		/* leftovers of a crashed first load: no tenant, no link yet */
		if (remove_root() < 0) {
			rc = vj_failx(e, errno, "removing incomplete pins in %s", pin_root);
			goto out;
		}
		rc = load_and_pin(e);
	} else if (rc > 0) {
		rc = 0;
	}
	if (rc)
		goto out;
	rc = vjbpf__attach_parent(pfd, (uint64_t)st.st_ino, e);
out:
	vjbpf__unlock(lock);
	close(pfd);
	return rc;
}

int vjbpf_unload(struct vj_err *e)
{
	char path[PATH_MAX];
	int rc;

	vj_err_step(e, "cgroup-bpf");
	/* Entries of cgroups that are gone do not hold the programs (before
	 * the exclusive lock: the collector takes the shared one).  A scratch
	 * error context: no pins at all is not a failure of unload. */
	struct vj_err scratch = {0};
	vjbpf_tenant_gc(&scratch);
	int lock = vjbpf__lock(LOCK_EX, e);
	if (lock < 0)
		return lock;
	vjbpf__path(path, sizeof(path), "maps/vj_tenants");
	int fd = bpf_obj_get(path);
	if (fd >= 0) {
		__u64 key;
		rc = bpf_map_get_next_key(fd, NULL, &key);
		close(fd);
		if (rc == 0) {
			rc = vj_fail(e, EBUSY,
			             "tenants are still registered (cgroup %llu, ...): "
			             "not unloading the cgroup-BPF programs",
			             (unsigned long long)key);
			goto out;
		}
	} else if (errno != ENOENT) {
		rc = vj_failx(e, errno, "opening %s", path);
		goto out;
	}
	/* Uncommit first: an unload cut short looks like a crashed load, which
	 * the next setup cleans up.  Unpinning a link detaches it. */
	vjbpf__path(path, sizeof(path), "maps/vj_meta");
	if (unlink(path) < 0 && errno != ENOENT) {
		rc = vj_failx(e, errno, "unpinning %s", path);
		goto out;
	}
	rc = remove_root();
	if (rc)
		rc = vj_failx(e, rc, "removing %s", pin_root);
out:
	vjbpf__unlock(lock);
	return rc;
}
