// SPDX-License-Identifier: Apache-2.0
/*
 * vjbpf_lsm_probe: can this kernel run a BPF LSM layer?  The seam for that
 * future layer; no LSM policy is built here.
 *
 * Three separate facts, because each can fail alone:
 *   1. "bpf" is in /sys/kernel/security/lsm (without it an LSM program loads
 *      and attaches but never runs);
 *   2. an lsm/ program loads and attaches (BPF trampolines);
 *   3. the attached canary actually refuses: a forked child in a temporary
 *      cgroup opens /dev/null, which the canary refuses for that cgroup and
 *      that inode only.
 */
#include "bpf/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "vjbpf_lsmcanary.skel.h"

#define SECURITYFS     "/sys/kernel/security"
#define SECURITYFS_LSM SECURITYFS "/lsm"
#ifndef SECURITYFS_MAGIC
#define SECURITYFS_MAGIC 0x73636673
#endif

static int read_lsm_list(struct vjbpf_lsm_probe *out)
{
	int fd = open(SECURITYFS_LSM, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		struct statfs s;
		if (statfs(SECURITYFS, &s) == 0 && s.f_type != SECURITYFS_MAGIC) {
			/* Not mounted (no systemd here): mount it, and say so. */
			if (mount("securityfs", SECURITYFS, "securityfs",
			          MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
				return -errno;
			out->mounted_securityfs = true;
			fd = open(SECURITYFS_LSM, O_RDONLY | O_CLOEXEC);
		}
	}
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, out->lsm_list, sizeof(out->lsm_list) - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	out->lsm_list[n] = '\0';
	out->lsm_list[strcspn(out->lsm_list, "\n")] = '\0';
	char list[sizeof(out->lsm_list)], *save = NULL;
	snprintf(list, sizeof(list), "%s", out->lsm_list);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!strcmp(t, "bpf"))
			out->lsm_active = true;
	return 0;
}

/* 0 if the child's open of /dev/null was refused with EPERM. */
static int canary_child(const char *dir)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (vjbpf__cgroup_enter(dir, 0) < 0)
			_exit(2);
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		_exit(fd < 0 && errno == EPERM ? 0 : 1);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EACCES;
}

int vjbpf_lsm_probe(struct vjbpf_lsm_probe *out)
{
	struct vjbpf_lsmcanary *skel = NULL;
	struct bpf_link *link = NULL;
	char dir[PATH_MAX] = "";
	struct stat st;
	uint64_t cgid = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_lsm_list(out);
	if (rc) {
		snprintf(out->reason, sizeof(out->reason), "cannot read %s: %s", SECURITYFS_LSM,
		         strerror(-rc));
		return rc;
	}
	rc = vjbpf__cgroup_mktemp("vmjail-lsmprobe", dir, sizeof(dir));
	if (rc == 0)
		rc = vjbpf_cgroup_id(dir, &cgid);
	if (rc == 0 && stat("/dev/null", &st) < 0)
		rc = -errno;
	if (rc) {
		snprintf(out->reason, sizeof(out->reason), "preparing the canary: %s",
		         strerror(-rc));
		goto out;
	}
	skel = vjbpf_lsmcanary__open();
	if (!skel) {
		rc = -errno;
		snprintf(out->reason, sizeof(out->reason), "opening the LSM canary: %s",
		         strerror(-rc));
		goto out;
	}
	skel->rodata->target_cgid = cgid;
	skel->rodata->target_ino = st.st_ino;
	vjbpf__log_begin();
	int lrc = vjbpf_lsmcanary__load(skel);
	const char *why = vjbpf__log_end();
	if (lrc) {
		out->load_err = lrc < 0 ? -lrc : lrc;
		if (out->load_err == EPERM)
			snprintf(
			    out->reason, sizeof(out->reason),
			    "BPF LSM programs are refused by this kernel (EPERM on load as root, "
			    "with bpf %s the active LSMs): BPF trampolines are unavailable",
			    out->lsm_active ? "among" : "NOT among");
		else
			snprintf(out->reason, sizeof(out->reason),
			         "loading an lsm/file_open program failed: %s (%s)",
			         strerror(out->load_err), why);
		goto out;
	}
	link = bpf_program__attach_lsm(skel->progs.vj_lsm_canary);
	if (!link) {
		out->attach_err = errno;
		snprintf(out->reason, sizeof(out->reason),
		         "an lsm/file_open program loaded but did not attach: %s",
		         strerror(out->attach_err));
		goto out;
	}
	out->canary_denied = canary_child(dir) == 0 && skel->bss->hits > 0;
	if (!out->lsm_active)
		snprintf(out->reason, sizeof(out->reason),
		         "bpf is not an active LSM (%s): LSM programs load but never run",
		         out->lsm_list);
	else if (!out->canary_denied)
		snprintf(out->reason, sizeof(out->reason),
		         "an lsm/file_open canary loaded and attached but did not refuse");
	else
		snprintf(out->reason, sizeof(out->reason),
		         "an lsm/file_open canary loaded, attached and refused an open");
	out->available = out->lsm_active && out->canary_denied;
	rc = 0;
out:
	bpf_link__destroy(link);
	vjbpf_lsmcanary__destroy(skel);
	if (dir[0])
		rmdir(dir);
	return rc;
}
