// SPDX-License-Identifier: Apache-2.0
/*
 * --suspend: a QEMU tenant's state to disk, the VMM gone, the jail kept.
 *
 * QEMU 7.2 has no `file:` migration target and `exec:` would need a shell in
 * the jail, so vmjail opens the file itself and hands QEMU the descriptor
 * over QMP (getfd + migrate fd:NAME).  The file sits in the tenant's jail dir
 * beside its root (<base>/<vmm>/<id>/suspended.vmstate), owned by the
 * tenant, mode 0600: QEMU never learns a path, the tenant cannot swap it, and
 * `--restore` reads it back (launch.c).  Once the migration completed, QEMU is
 * told to quit; its supervisor sees the "suspended" state, keeps the jail dir
 * and state, and frees everything else.  `--reap` reclaims it after its TTL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "jailer/guest_ram.h"
#include "jailer/jails.h"
#include "jailer/paths.h"
#include "jailer/qmp.h"
#include "jailer/suspend.h"

static int create_state_file(const struct vj_jail_ref *j, struct vj_err *e)
{
	int dfd = vj_open_beneath(j->jail_fd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return vj_failx(e, dfd, "opening the jail dir");
	if (unlinkat(dfd, VJ_SUSPEND_FILE, 0) < 0 && errno != ENOENT) {
		int err = errno;
		close(dfd);
		return vj_failx(e, err, "removing an older %s", VJ_SUSPEND_FILE);
	}
	int fd = openat(dfd, VJ_SUSPEND_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	                0600);
	int err = errno;
	close(dfd);
	if (fd < 0)
		return vj_failx(e, err, "creating %s", VJ_SUSPEND_FILE);
	if (fchown(fd, j->st.uid, j->st.gid) < 0) {
		err = errno;
		close(fd);
		return vj_failx(e, err, "chown %s", VJ_SUSPEND_FILE);
	}
	return fd;
}

static void remove_state_file(const struct vj_jail_ref *j)
{
	int dfd = vj_open_beneath(j->jail_fd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (dfd >= 0) {
		unlinkat(dfd, VJ_SUSPEND_FILE, 0);
		close(dfd);
	}
}

#define CAP_IGNORE_SHARED                                                                          \
	"{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{"             \
	"\"capability\":\"x-ignore-shared\",\"state\":true}]}}"

int vj_restore_mapped(int root_fd, const char *qmp_jail, uid_t uid, int state_fd, struct vj_err *e)
{
	vj_err_step(e, "restore");
	struct vj_qmp q;
	struct vj_err quiet = {0};
	int rc = -ENOENT;
	/* QEMU creates the socket a few ms after exec */
	for (int i = 0; i < 200; i++) {
		rc = vj_qmp_open(&q, root_fd, qmp_jail, uid, 5000, &quiet);
		if (rc != -ENOENT && rc != -ECONNREFUSED)
			break;
		usleep(50000);
	}
	if (rc < 0)
		return vj_fail(e, -rc, "QMP of the restored QEMU: %s", quiet.msg);
	char cmd[160];
	rc = vj_qmp_cmd(&q, CAP_IGNORE_SHARED, -1, NULL, 0, 5000, e);
	if (!rc) {
		vj_fmt(cmd, sizeof(cmd),
		       "{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"fd:%d\"}}",
		       state_fd);
		rc = vj_qmp_cmd(&q, cmd, -1, NULL, 0, 5000, e);
	}
	vj_qmp_close(&q);
	return rc;
}

/* Poll query-migrate until QEMU says completed (or gave up). */
static int wait_migration(struct vj_qmp *q, struct vj_err *e)
{
	char reply[8192];
	for (int i = 0; i < 6000; i++) { /* 10 min: a large guest on a slow disk */
		int rc = vj_qmp_cmd(q, "{\"execute\":\"query-migrate\"}", -1, reply, sizeof(reply),
		                    5000, e);
		if (rc < 0)
			return rc;
		if (strstr(reply, "\"completed\""))
			return 0;
		if (strstr(reply, "\"failed\"") || strstr(reply, "\"cancelled\""))
			return vj_fail(e, EIO, "QEMU's migration to the state file failed: %.300s",
			               reply);
		usleep(100000);
	}
	return vj_fail(e, ETIMEDOUT, "the migration did not complete within 10 minutes");
}

static int suspend(struct vj_jail_ref *j, struct vj_err *e)
{
	if (!j->running || !j->have_state)
		return vj_fail(e, ESRCH, "jail %s is not running", j->id);
	if (!j->st.qmp[0])
		return vj_fail(e, ENOTSUP,
		               "jail %s has no QMP socket (-qmp unix:PATH): only QEMU "
		               "can be suspended to disk",
		               j->id);
	int root = vj_open_beneath(j->jail_fd, "root", O_PATH | O_DIRECTORY, 0);
	if (root < 0)
		return vj_failx(e, root, "opening the jail root");
	/* A paused (frozen) tenant cannot answer QMP: thaw it first. */
	if (strcmp(j->st.status, "paused") == 0)
		vj_cg_freeze(&j->st.cg, false, e);
	struct vj_qmp q;
	int rc = vj_qmp_open(&q, root, j->st.qmp, j->st.uid, 5000, e);
	close(root);
	if (rc < 0)
		return rc;
	int fd = create_state_file(j, e);
	if (fd < 0) {
		vj_qmp_close(&q);
		return fd;
	}
	/* Guest memory in the jail's file (--guest-ram) stays there: only the
	 * device state goes to the state file, and restore maps the memory. */
	if (vj_guest_ram_present(j->jail_fd))
		rc = vj_qmp_cmd(&q, CAP_IGNORE_SHARED, -1, NULL, 0, 5000, e);
	if (!rc)
		rc = vj_qmp_cmd(
		    &q, "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"vmjail-suspend\"}}", fd,
		    NULL, 0, 5000, e);
	if (!rc)
		rc = vj_qmp_cmd(
		    &q, "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"fd:vmjail-suspend\"}}",
		    -1, NULL, 0, 5000, e);
	if (!rc)
		rc = wait_migration(&q, e);
	if (!rc && fsync(fd) < 0)
		rc = vj_failx(e, errno, "fsync of the state file");
	close(fd);
	if (rc < 0) {
		/* the VM keeps running (a failed migration resumes it) */
		vj_qmp_cmd(&q, "{\"execute\":\"cont\"}", -1, NULL, 0, 2000, &(struct vj_err){0});
		vj_qmp_close(&q);
		remove_state_file(j);
		return rc;
	}
	/* Mark it suspended before QEMU quits, so the supervisor keeps the jail. */
	vj_fmt(j->st.status, sizeof(j->st.status), "suspended");
	vj_fmt(j->st.saved_state, sizeof(j->st.saved_state), "%s", VJ_SUSPEND_FILE);
	rc = vj_state_write(j->jail_fd, &j->st, e);
	if (rc == 0)
		vj_qmp_cmd(&q, "{\"execute\":\"quit\"}", -1, NULL, 0, 2000, &(struct vj_err){0});
	vj_qmp_close(&q);
	return rc;
}

int vj_jail_suspend(const struct vj_cli *cli)
{
	struct vj_err e = {0};
	struct vj_jail_ref j;
	int rc = vj_jail_find(cli, &j, &e);
	if (rc == 0)
		rc = suspend(&j, &e);
	if (rc < 0) {
		fprintf(stderr, "vmjail: %s: suspend: %s\n", cli->id, e.msg);
		vj_jail_ref_close(&j);
		return 1;
	}
	/* The supervisor now sees QEMU exit, frees the cgroups and leaves. */
	for (int i = 0; i < 3000 && vj_state_locked(j.jail_fd); i++)
		usleep(10000);
	struct stat st;
	int dfd = vj_open_beneath(j.jail_fd, VJ_SUSPEND_FILE, O_PATH, 0);
	long long size = dfd >= 0 && fstat(dfd, &st) == 0 ? (long long)st.st_size : -1;
	if (dfd >= 0)
		close(dfd);
	char msg[160];
	vj_fmt(msg, sizeof(msg), "guest state saved to %s (%lld bytes); the VMM stopped",
	       VJ_SUSPEND_FILE, size);
	struct vj_audit *a = vj_jail_audit(&j);
	vj_jail_emit(a, "suspended", j.st.vmm_pid, msg);
	if (a)
		vj_audit_close(a);
	printf("vmjail: %s: suspended (%lld bytes)\n", cli->id, size);
	vj_jail_ref_close(&j);
	return 0;
}
