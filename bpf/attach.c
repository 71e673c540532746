// SPDX-License-Identifier: Apache-2.0
/*
 * Attaching the pinned programs to a parent cgroup, once per parent, with
 * bpf_links pinned in <root>/links/<parent cgroup id>/ so that the attachment
 * outlives the process that made it.  A later launch finds the pinned links,
 * checks they still point at this cgroup and at the pinned programs, and
 * creates nothing.
 *
 * Runs under the exclusive lock (loader.c).
 */
#include "bpf/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return 0;
	return info.id;
}

/* Is the pinned link still this program on this cgroup with this hook? */
static int link_ok(const char *path, uint32_t want_prog, uint64_t cgid, int attach_type)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return rc == 0 && info.type == BPF_LINK_TYPE_CGROUP && info.prog_id == want_prog &&
	       info.cgroup.cgroup_id == cgid && (int)info.cgroup.attach_type == attach_type;
}

/*
 * Links of parents that no longer exist: the kernel detached them when the
 * cgroup went away (their cgroup id reads 0).  Unpin them so that the pin
 * tree does not grow with every recreated parent.
 */
static void collect_dead_parents(void)
{
	char path[PATH_MAX];
	vjbpf__path(path, sizeof(path), "links");
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char lp[PATH_MAX];
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		if (de->d_name[0] == '.')
			continue;
		if (vjbpf__path(lp, sizeof(lp), "links/%s/%s", de->d_name, vjbpf_progs[0].name))
			continue;
		int fd = bpf_obj_get(lp);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (rc < 0 || info.cgroup.cgroup_id != 0)
			continue;
		for (size_t i = 0; i < VJBPF_NPROGS; i++) {
			if (!vjbpf__path(lp, sizeof(lp), "links/%s/%s", de->d_name,
			                 vjbpf_progs[i].name))
				unlink(lp);
		}
		if (!vjbpf__path(lp, sizeof(lp), "links/%s", de->d_name))
			rmdir(lp);
	}
	closedir(d);
}

int vjbpf__attach_parent(int parent_fd, uint64_t parent_id, struct vj_err *e)
{
	char dir[PATH_MAX], path[PATH_MAX];
	bool created[VJBPF_NPROGS] = {false};
	bool any = false;
	int rc = 0;

	vjbpf__path(dir, sizeof(dir), "links/%llu", (unsigned long long)parent_id);
	for (size_t i = 0; i < VJBPF_NPROGS; i++) {
		const struct vjbpf_progdef *pd = &vjbpf_progs[i];
		vjbpf__path(path, sizeof(path), "progs/%s", pd->name);
		int pfd = bpf_obj_get(path);
		if (pfd < 0) {
			rc = vj_failx(e, errno, "opening pinned program %s", path);
			goto fail;
		}
		uint32_t pid = prog_id(pfd);
		vjbpf__path(path, sizeof(path), "links/%llu/%s", (unsigned long long)parent_id,
		            pd->name);
		if (link_ok(path, pid, parent_id, pd->attach_type)) {
			close(pfd);
			continue;
		}
		if (!any) {
			collect_dead_parents();
			any = true;
		}
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = vj_failx(e, errno, "mkdir %s", dir);
			close(pfd);
			goto fail;
		}
		unlink(path); /* a stale link: replaced below */
		int lfd = vjbpf__link_create(pfd, parent_fd, pd->attach_type);
		close(pfd);
		if (lfd < 0) {
			rc = vj_failx(e, lfd,
			              "attaching %s to cgroup %llu (a non-multi program attached "
			              "there refuses links)",
			              pd->name, (unsigned long long)parent_id);
			goto fail;
		}
		rc = bpf_obj_pin(lfd, path) < 0 ? -errno : 0;
		close(lfd); /* the pin keeps it attached */
		if (rc) {
			rc = vj_failx(e, rc, "pinning %s", path);
			goto fail;
		}
		created[i] = true;
	}
	return 0;
fail:
	/* Leave no half attachment made by this call behind. */
	for (size_t i = 0; i < VJBPF_NPROGS; i++) {
		if (!created[i])
			continue;
		vjbpf__path(path, sizeof(path), "links/%llu/%s", (unsigned long long)parent_id,
		            vjbpf_progs[i].name);
		unlink(path);
	}
	rmdir(dir); /* fails harmlessly if older links remain */
	return rc;
}
