// SPDX-License-Identifier: Apache-2.0
/*
 * Tenant garbage collection: entries whose cgroup no longer exists.  A
 * jailer that died between tenant_add and tenant_del leaves its entry
 * behind; such an entry enforces nothing (no process can be in a removed
 * cgroup, and cgroup ids are not reused) but it holds a ring buffer and
 * makes vjbpf_unload refuse.  Whether a cgroup exists is asked of the kernel
 * by id: on cgroup2 the id is a file handle (type FILEID_KERNFS), and
 * open_by_handle_at() answers ESTALE for a removed cgroup.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define FILEID_KERNFS 0xfe

/* 1: exists, 0: gone, -errno: cannot tell (then the entry is kept). */
static int cgroup_exists(int mntfd, uint64_t id)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &id, sizeof(id));
	int fd = open_by_handle_at(mntfd, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == ESTALE || errno == ENOENT ? 0 : -errno;
}

int vjbpf_tenant_gc(struct vj_err *e)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	char root[PATH_MAX];
	__u64 key, next, *keys = NULL;
	size_t n = 0, cap = 0;
	int removed = 0, rc;

	vj_err_step(e, "cgroup-bpf");
	rc = vjbpf__cgroup2_root(root, sizeof(root));
	if (rc)
		return vj_failx(e, rc, "finding the cgroup2 mount");
	int mntfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mntfd < 0)
		return vj_failx(e, errno, "opening %s", root);
	int lock = vjbpf__lock(LOCK_SH, e);
	if (lock < 0) {
		close(mntfd);
		return lock;
	}
	rc = vjbpf__open_pinned_maps(&m, e);
	if (rc)
		goto out;
	/* Collect first: deleting while walking a hash restarts the walk. */
	for (rc = bpf_map_get_next_key(m.tenants, NULL, &next); rc == 0;
	     rc = bpf_map_get_next_key(m.tenants, &key, &next)) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			__u64 *k = realloc(keys, ncap * sizeof(*k));
			if (!k) {
				rc = vj_failx(e, ENOMEM, "listing tenants");
				goto out;
			}
			keys = k;
			cap = ncap;
		}
		keys[n++] = next;
		key = next;
	}
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		int ex = cgroup_exists(mntfd, keys[i]);
		if (ex < 0) {
			rc = vj_failx(e, ex, "asking whether cgroup %llu exists",
			              (unsigned long long)keys[i]);
			break;
		}
		if (ex == 0 && vjbpf__tenant_remove(&m, keys[i]) == 0)
			removed++;
	}
out:
	free(keys);
	vjbpf__close_maps(&m);
	vjbpf__unlock(lock);
	close(mntfd);
	return rc ? rc : removed;
}
