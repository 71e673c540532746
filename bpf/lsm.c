// SPDX-License-Identifier: Apache-2.0
/*
 * BPF LSM programs: which hooks this kernel has, loading them once per host
 * (pinned under <root>/lsm/, sharing the cgroup-BPF object's pinned maps),
 * and switching them on for a tenant.  docs/bpf.md, "BPF LSM".
 *
 * Pin layout:
 *   <root>/lsm/progs/<program>   <root>/lsm/links/<program>
 *   <root>/lsm/meta              pinned last: object hash + hooks attached
 *
 * LSM links are global (not per cgroup): the programs run for every task and
 * act only for registered tenants with VJBPF_LSM_ENFORCE.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "vjbpf_lsm.skel.h"

const struct vjbpf_lsm_hookdef vjbpf_lsm_hooks[VJBPF_LSM_NHOOKS] = {
    {"vj_lsm_exec_done", "bprm_committed_creds", "exec", 0},
    {"vj_lsm_exec", "bprm_check_security", "exec", VJBPF_HOOK_LSM_EXEC},
    {"vj_lsm_setuid", "task_fix_setuid", "identity", VJBPF_HOOK_LSM_SETUID},
    {"vj_lsm_setgid", "task_fix_setgid", "identity", VJBPF_HOOK_LSM_SETGID},
    {"vj_lsm_setgroups", "task_fix_setgroups", "identity", VJBPF_HOOK_LSM_SETGROUPS},
    {"vj_lsm_capable", "capable", "identity", VJBPF_HOOK_LSM_CAPABLE},
    {"vj_lsm_userns", "userns_create", "identity", VJBPF_HOOK_LSM_USERNS},
    {"vj_lsm_kill", "task_kill", "task", VJBPF_HOOK_LSM_KILL},
    {"vj_lsm_ptrace", "ptrace_access_check", "task", VJBPF_HOOK_LSM_PTRACE},
    {"vj_lsm_file_open", "file_open", "file", VJBPF_HOOK_LSM_FILE_OPEN},
    {"vj_lsm_ioctl", "file_ioctl", "file", VJBPF_HOOK_LSM_IOCTL},
    {"vj_lsm_file_receive", "file_receive", "file", VJBPF_HOOK_LSM_RECEIVE},
    {"vj_lsm_notify", "path_notify", "file", VJBPF_HOOK_LSM_NOTIFY},
    {"vj_lsm_mount", "sb_mount", "mount", VJBPF_HOOK_LSM_MOUNT},
    {"vj_lsm_move_mount", "move_mount", "mount", VJBPF_HOOK_LSM_MOVE_MOUNT},
    {"vj_lsm_pivotroot", "sb_pivotroot", "mount", VJBPF_HOOK_LSM_PIVOTROOT},
    {"vj_lsm_bpf", "bpf", "kernel", VJBPF_HOOK_LSM_BPF},
    {"vj_lsm_perf", "perf_event_open", "kernel", VJBPF_HOOK_LSM_PERF},
    {"vj_lsm_modreq", "kernel_module_request", "kernel", VJBPF_HOOK_LSM_MODREQ},
    {"vj_lsm_read_file", "kernel_read_file", "kernel", VJBPF_HOOK_LSM_READ_FILE},
    {"vj_lsm_load_data", "kernel_load_data", "kernel", VJBPF_HOOK_LSM_LOAD_DATA},
    {"vj_lsm_sock_create", "socket_create", "net", VJBPF_HOOK_LSM_SOCK_CREATE},
    {"vj_lsm_unix_connect", "unix_stream_connect", "net", VJBPF_HOOK_LSM_UNIX_CONNECT},
    {"vj_lsm_listen", "socket_listen", "net", VJBPF_HOOK_LSM_LISTEN},
    {"vj_lsm_file_alloc", "file_alloc_security", "file", VJBPF_HOOK_LSM_FILE_ALLOC},
    {"vj_lsm_file_free", "file_free_security", "file", 0},
};

/* Exec-once and arming need both exec programs: they are one switch. */
#define EXEC_PAIR ((1ull << 0) | (1ull << 1))
/* The file cap counts in one and gives back in the other: a count with no
 * give-back would soon refuse every file, so they are one switch too. */
#define FILE_PAIR ((1ull << 24) | (1ull << 25))

int vjbpf_lsm_kernel_hooks(uint64_t *mask, char *why, size_t whylen)
{
	struct btf *btf = btf__load_vmlinux_btf();
	*mask = 0;
	if (!btf) {
		int err = errno ? errno : ENOENT;
		snprintf(why, whylen, "no kernel BTF (/sys/kernel/btf/vmlinux): %s", strerror(err));
		return -err;
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		char fn[96];
		snprintf(fn, sizeof(fn), "bpf_lsm_%s", vjbpf_lsm_hooks[i].hook);
		if (btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC) > 0)
			*mask |= 1ull << i;
	}
	btf__free(btf);
	if ((*mask & EXEC_PAIR) != EXEC_PAIR)
		*mask &= ~EXEC_PAIR;
	if ((*mask & FILE_PAIR) != FILE_PAIR)
		*mask &= ~FILE_PAIR;
	snprintf(why, whylen, "%d of %d hooks in this kernel's BTF", __builtin_popcountll(*mask),
	         VJBPF_LSM_NHOOKS);
	return 0;
}

const char *vjbpf_lsm_off_reason(uint64_t kernel_mask, int i)
{
	if (kernel_mask & (1ull << i))
		return NULL;
	if (i < 2)
		return "exec-once needs both bprm_check_security and bprm_committed_creds";
	if ((1ull << i) & FILE_PAIR)
		return "the file cap needs both file_alloc_security and file_free_security";
	if (!strcmp(vjbpf_lsm_hooks[i].hook, "userns_create"))
		return "no userns_create hook in this kernel (Linux 6.7+, or a backport)";
	return "hook not in this kernel's BTF (no bpf_lsm_ function to attach to)";
}

/* Open the LSM object with the hooks of `mask` only; maps from `m` if given. */
struct vjbpf_lsm *vjbpf__lsm_open(uint64_t mask, const struct vjbpf_maps *m, struct vj_err *e)
{
	struct vjbpf_lsm *skel = vjbpf_lsm__open();
	if (!skel) {
		vj_failx(e, errno, "opening the BPF LSM object");
		return NULL;
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		struct bpf_program *p =
		    bpf_object__find_program_by_name(skel->obj, vjbpf_lsm_hooks[i].prog);
		if (!p) {
			vj_fail(e, ENOENT, "BPF LSM program %s missing from the object",
			        vjbpf_lsm_hooks[i].prog);
			vjbpf_lsm__destroy(skel);
			return NULL;
		}
		bpf_program__set_autoload(p, (mask >> i) & 1);
	}
	/* The canary (no pinned maps) counts a handful of files: no need for
	 * the pinned set's 16 MiB of buckets. */
	if (!m && bpf_map__set_max_entries(skel->maps.vj_file_owner, 1024)) {
		vj_failx(e, errno, "sizing the canary's file owner map");
		vjbpf_lsm__destroy(skel);
		return NULL;
	}
	if (m) {
		struct bpf_map *maps[] = {skel->maps.vj_tenants, skel->maps.vj_stats,
		                          skel->maps.vj_rings};
		int fds[] = {m->tenants, m->stats, m->rings};
		for (int i = 0; i < 3; i++) {
			int rc = bpf_map__reuse_fd(maps[i], fds[i]);
			if (rc) {
				vj_failx(e, rc, "reusing pinned map %s", bpf_map__name(maps[i]));
				vjbpf_lsm__destroy(skel);
				return NULL;
			}
		}
	}
	vjbpf__log_begin();
	int rc = vjbpf_lsm__load(skel);
	const char *why = vjbpf__log_end();
	if (rc) {
		vj_fail(e, rc < 0 ? -rc : rc, "loading the BPF LSM programs failed (%s): %s",
		        strerror(rc < 0 ? -rc : rc), why);
		vjbpf_lsm__destroy(skel);
		return NULL;
	}
	return skel;
}

/* Which build the pinned LSM programs came from. */
static uint64_t lsm_obj_hash(void)
{
	size_t sz = 0;
	const unsigned char *p = vjbpf_lsm__elf_bytes(&sz);
	uint64_t x = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sz; i++) {
		x ^= p[i];
		x *= 0x100000001b3ull;
	}
	return x ? x : 1;
}

static int read_meta(struct vjbpf_meta *meta)
{
	char path[PATH_MAX];
	__u32 zero = 0;
	vjbpf__path(path, sizeof(path), "lsm/meta");
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	int rc = bpf_map_lookup_elem(fd, &zero, meta) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

static int remove_lsm_pins(void)
{
	char path[PATH_MAX];
	vjbpf__path(path, sizeof(path), "lsm");
	return vjbpf__remove_tree(path);
}

static int load_and_pin(uint64_t mask, struct vj_err *e)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	char path[PATH_MAX];
	int rc = vjbpf__open_pinned_maps(&m, e);
	if (rc)
		return rc;
	struct vjbpf_lsm *skel = vjbpf__lsm_open(mask, &m, e);
	vjbpf__close_maps(&m);
	if (!skel)
		return e && e->err ? -e->err : -EINVAL;
	static const char *const dirs[] = {"lsm", "lsm/progs", "lsm/links"};
	for (int i = 0; i < 3; i++) {
		vjbpf__path(path, sizeof(path), "%s", dirs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			rc = vj_failx(e, errno, "mkdir %s", path);
			goto out;
		}
	}
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++) {
		if (!((mask >> i) & 1))
			continue;
		struct bpf_program *p =
		    bpf_object__find_program_by_name(skel->obj, vjbpf_lsm_hooks[i].prog);
		vjbpf__path(path, sizeof(path), "lsm/progs/%s", vjbpf_lsm_hooks[i].prog);
		rc = bpf_program__pin(p, path);
		if (rc) {
			rc = vj_failx(e, rc, "pinning %s", path);
			goto out;
		}
		struct bpf_link *link = bpf_program__attach_lsm(p);
		if (!link) {
			rc = vj_failx(e, errno, "attaching lsm/%s", vjbpf_lsm_hooks[i].hook);
			goto out;
		}
		vjbpf__path(path, sizeof(path), "lsm/links/%s", vjbpf_lsm_hooks[i].prog);
		rc = bpf_link__pin(link, path);
		bpf_link__destroy(link); /* the pin holds it */
		if (rc) {
			rc = vj_failx(e, rc, "pinning %s", path);
			goto out;
		}
	}
	struct vjbpf_meta meta = {.magic = VJBPF_META_MAGIC,
	                          .obj_hash = lsm_obj_hash(),
	                          .loaded_at = (uint64_t)time(NULL),
	                          .pad = mask};
	__u32 zero = 0;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.vj_meta), &zero, &meta, BPF_ANY) < 0) {
		rc = vj_failx(e, errno, "writing the BPF LSM pin set's version");
		goto out;
	}
	vjbpf__path(path, sizeof(path), "lsm/meta");
	rc = bpf_map__pin(skel->maps.vj_meta, path);
	if (rc)
		rc = vj_failx(e, rc, "pinning %s", path);
out:
	vjbpf_lsm__destroy(skel);
	if (rc)
		remove_lsm_pins();
	return rc;
}

int vjbpf_lsm_setup(uint64_t *hooks, struct vj_err *e)
{
	struct vjbpf_meta meta;
	uint64_t mask = 0;
	char why[128];

	vj_err_step(e, "bpf-lsm");
	int rc = vjbpf_lsm_kernel_hooks(&mask, why, sizeof(why));
	if (rc)
		return vj_fail(e, -rc, "%s", why);
	int lock = vjbpf__lock(LOCK_EX, e);
	if (lock < 0)
		return lock;
	rc = read_meta(&meta);
	if (rc == 0 && meta.magic == VJBPF_META_MAGIC && meta.obj_hash == lsm_obj_hash()) {
		*hooks = meta.pad;
		goto out;
	}
	if (rc == 0) {
		/* Another build's programs: replace them only when no tenant
		 * depends on them (they share the tenants' maps). */
		struct vjbpf_maps m = VJBPF_MAPS_INIT;
		__u64 key;
		rc = vjbpf__open_pinned_maps(&m, e);
		if (rc == 0 && bpf_map_get_next_key(m.tenants, NULL, &key) == 0)
			rc = vj_fail(e, ESTALE,
			             "the BPF LSM programs pinned in %s/lsm come from another "
			             "vmjail build and tenants are registered",
			             vjbpf_root());
		vjbpf__close_maps(&m);
		if (rc)
			goto out;
	} else if (rc != -ENOENT) {
		rc = vj_failx(e, -rc, "reading %s/lsm/meta", vjbpf_root());
		goto out;
	}
	/* Nothing usable pinned (or a crashed first load): load afresh. */
	remove_lsm_pins();
	rc = load_and_pin(mask, e);
	if (rc == 0)
		*hooks = mask;
out:
	vjbpf__unlock(lock);
	return rc;
}

int vjbpf_lsm_tenant_enable(uint64_t cgid, struct vj_err *e)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	struct vjbpf_rules r;
	__u64 key = cgid;

	vj_err_step(e, "bpf-lsm");
	int lock = vjbpf__lock(LOCK_SH, e);
	if (lock < 0)
		return lock;
	int rc = vjbpf__open_pinned_maps(&m, e);
	if (rc == 0 && bpf_map_lookup_elem(m.tenants, &key, &r) < 0)
		rc = errno == ENOENT ? vj_fail(e, ENOENT,
		                               "cgroup %llu is not a registered tenant (the BPF "
		                               "LSM rules live in the cgroup-BPF tenant entry)",
		                               (unsigned long long)cgid)
		                     : vj_failx(e, errno, "reading the rules of cgroup %llu",
		                                (unsigned long long)cgid);
	if (rc == 0) {
		r.flags |= VJBPF_LSM_ENFORCE;
		if (bpf_map_update_elem(m.tenants, &key, &r, BPF_EXIST) < 0)
			rc = vj_failx(e, errno, "switching on the BPF LSM rules of cgroup %llu",
			              (unsigned long long)cgid);
	}
	vjbpf__close_maps(&m);
	vjbpf__unlock(lock);
	return rc;
}
