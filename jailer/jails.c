// SPDX-License-Identifier: Apache-2.0
/*
 * Commands on jails that exist already: --cleanup, --list, --pause,
 * --resume, --kill, --reap, --bpf-unload (and --suspend, jailer/suspend.c).
 *
 * They find a jail by id under the base dir, trust only its root-owned state
 * record (never anything inside the jail root), and write lifecycle records
 * to the jail's audit log.
 */
#include "jailer/jails.h"
#include "jailer/hostdirs.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "bpf/vjbpf.h"
#include "jailer/jsonout.h"
#include "jailer/paths.h"
#include "jailer/qmp.h"
#include "jailer/rmtree.h"
#include "jailer/state.h"

void vj_jail_ref_close(struct vj_jail_ref *j)
{
	if (j->jail_fd >= 0)
		close(j->jail_fd);
	if (j->vmmdir_fd >= 0)
		close(j->vmmdir_fd);
	if (j->base_fd >= 0)
		close(j->base_fd);
	if (j->have_state)
		vj_state_free(&j->st);
	memset(j, 0, sizeof(*j));
	j->jail_fd = j->vmmdir_fd = j->base_fd = -1;
}

/* Find <base>/<vmm>/<id>: the VMM name from --exec-file when given, else the
 * one directory under base that holds this id. */
int vj_jail_find(const struct vj_cli *cli, struct vj_jail_ref *j, struct vj_err *e)
{
	return vj_jail_find_in(cli->base_dir, cli->exec_file, cli->id, j, e);
}

int vj_jail_find_in(const char *base_dir, const char *exec_file, const char *id,
                    struct vj_jail_ref *j, struct vj_err *e)
{
	memset(j, 0, sizeof(*j));
	j->jail_fd = j->vmmdir_fd = j->base_fd = -1;
	char base[PATH_MAX];
	if (vj_path_normalize(base_dir, base, sizeof(base)) < 0)
		return vj_fail(e, EINVAL, "bad --chroot-base-dir");
	j->base_fd = vj_open_dir_nofollow(base, e);
	if (j->base_fd < 0)
		return j->base_fd;
	if (exec_file) {
		char tmp[PATH_MAX];
		vj_fmt(tmp, sizeof(tmp), "%s", exec_file);
		vj_fmt(j->vmm, sizeof(j->vmm), "%s", basename(tmp));
	} else {
		int dfd = vj_open_beneath(j->base_fd, ".", O_RDONLY | O_DIRECTORY, 0);
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!d) {
			if (dfd >= 0)
				close(dfd);
			return vj_failx(e, errno, "reading %s", base);
		}
		struct dirent *de;
		int found = 0;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || !vj_name_ok(de->d_name))
				continue;
			char rel[PATH_MAX];
			vj_fmt(rel, sizeof(rel), "%s/%s", de->d_name, id);
			int fd = vj_open_beneath(j->base_fd, rel, O_PATH | O_DIRECTORY, 0);
			if (fd < 0)
				continue;
			close(fd);
			if (found++ == 0)
				vj_fmt(j->vmm, sizeof(j->vmm), "%s", de->d_name);
		}
		closedir(d);
		if (found > 1)
			return vj_fail(e, EEXIST,
			               "jail id %s exists for several VMMs; name one with "
			               "--exec-file",
			               id);
		if (!found)
			return vj_fail(e, ENOENT, "no jail %s under %s", id, base);
	}
	if (!vj_name_ok(j->vmm))
		return vj_fail(e, EINVAL, "bad VMM name");
	j->vmmdir_fd = vj_open_beneath(j->base_fd, j->vmm, O_PATH | O_DIRECTORY, 0);
	if (j->vmmdir_fd < 0)
		return vj_fail(e, ENOENT, "no jail %s/%s under %s", j->vmm, id, base);
	j->jail_fd = vj_open_beneath(j->vmmdir_fd, id, O_PATH | O_DIRECTORY, 0);
	if (j->jail_fd < 0)
		return vj_fail(e, ENOENT, "no jail %s/%s under %s", j->vmm, id, base);
	vj_fmt(j->id, sizeof(j->id), "%s", id);
	vj_fmt(j->base, sizeof(j->base), "%s", base);
	struct vj_err soft = {0};
	j->have_state = vj_state_read(j->jail_fd, &j->st, &soft) == 0;
	j->running = vj_state_locked(j->jail_fd);
	return 0;
}

struct vj_audit *vj_jail_audit(const struct vj_jail_ref *j)
{
	if (!j->have_state || !j->st.audit_log[0])
		return NULL;
	struct vj_audit_cfg cfg = {.log_path = j->st.audit_log,
	                           .run_dir = vj_run_dir(),
	                           .tenant = j->id,
	                           .vmm = j->vmm,
	                           .policy_hash = j->st.policy_hash,
	                           .log_format = j->st.audit_format};
	struct vj_audit *a = NULL;
	struct vj_err e = {0};
	if (vj_audit_open(&a, &cfg, &e) < 0)
		return NULL;
	vj_audit_set_cgroup_id(a, j->st.cgid);
	return a;
}

void vj_jail_emit(struct vj_audit *a, const char *type, int pid, const char *msg)
{
	if (!a)
		return;
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, type);
	ev.enforcer = "jailer";
	ev.pid = pid;
	if (msg)
		ev.message = (struct vj_bytes){msg, strlen(msg)};
	vj_audit_emit(a, &ev);
}

/* What the state does not say (a launch killed before writing it) is
 * recomputed from the id: the default cgroup layout of that VMM. */
static void fallback_cg(const struct vj_jail_ref *j, struct vj_cg_plan *cg)
{
	struct vj_cg_layout lay;
	struct vj_err e = {0};
	struct vj_cli cli;
	memset(&cli, 0, sizeof(cli));
	vj_fmt(cli.id, sizeof(cli.id), "%s", j->id);
	memset(cg, 0, sizeof(*cg));
	cg->v2_dir = -1;
	if (vj_cg_discover("/proc/self/mountinfo", &lay, &e) == 0)
		vj_cg_plan_build(&lay, &cli, NULL, j->vmm, cg, &e);
}

static int do_cleanup(const char *base, const char *exec, const char *id, bool ttl_reap)
{
	struct vj_err e = {0};
	struct vj_jail_ref j;
	int rc = vj_jail_find_in(base, exec, id, &j, &e);
	if (rc == -ENOENT) {
		vj_jail_ref_close(&j);
		if (!ttl_reap)
			printf("vmjail: %s: nothing to clean up\n", id);
		return 0; /* idempotent */
	}
	if (rc < 0) {
		fprintf(stderr, "vmjail: %s: %s\n", id, e.msg);
		vj_jail_ref_close(&j);
		return 1;
	}
	if (j.running) {
		fprintf(stderr,
		        "vmjail: %s: the jail is running (supervisor pid %d); stop it with "
		        "--kill first\n",
		        id, j.have_state ? (int)j.st.supervisor : 0);
		vj_jail_ref_close(&j);
		return 1;
	}
	bool suspended = j.have_state && strcmp(j.st.status, "suspended") == 0;
	bool expired = j.have_state && j.st.ttl_deadline && time(NULL) >= j.st.ttl_deadline;
	if (suspended && !expired && !ttl_reap) {
		printf("vmjail: %s: suspended to disk; kept until restore or its time-to-live\n",
		       id);
		vj_jail_ref_close(&j);
		return 0;
	}
	struct vj_audit *a = vj_jail_audit(&j);
	if (ttl_reap)
		vj_jail_emit(a, "ttl-expired", 0, "time-to-live expired while not running");
	struct vj_cg_plan cg;
	if (j.have_state && j.st.cg.ndirs)
		cg = j.st.cg;
	else
		fallback_cg(&j, &cg);
	/* A VMM that outlived its supervisor (it should not: PDEATHSIG) dies here. */
	int left = vj_cg_count_tasks(&cg);
	if (left > 0 && vj_cg_kill_all(&cg, &e) < 0)
		fprintf(stderr, "vmjail: %s: %s\n", id, e.msg);
	if (j.have_state && j.st.cgid)
		vjbpf_tenant_del(j.st.cgid);
	vj_err_clear(&e);
	int failed = 0;
	char why[600] = "";
	if (vj_cg_remove(&cg, &e) < 0) {
		fprintf(stderr, "vmjail: %s: %s\n", id, e.msg);
		vj_fmt(why, sizeof(why), "cgroups left: %s", e.msg);
		failed = 1;
	}
	close(j.jail_fd);
	j.jail_fd = -1;
	vj_err_clear(&e);
	if (vj_remove_tree(j.vmmdir_fd, id, &e) < 0) {
		fprintf(stderr, "vmjail: %s: %s\n", id, e.msg);
		size_t n = strlen(why);
		vj_fmt(why + n, sizeof(why) - n, "%sjail dir left: %s", n ? "; " : "", e.msg);
		failed = 1;
	}
	unlinkat(j.base_fd, j.vmm, AT_REMOVEDIR); /* only when no other jail is left */
	if (!failed)
		vj_jail_emit(a, "cleaned", 0,
		             left > 0 ? "killed leftover tasks; removed jail dir "
		                        "and cgroups"
		                      : "removed jail dir and cgroups");
	else
		vj_jail_emit(a, "cleanup-failed", 0, why);
	if (a)
		vj_audit_close(a);
	if (!ttl_reap && !failed)
		printf("vmjail: %s: cleaned up\n", id);
	else if (failed)
		fprintf(stderr,
		        "vmjail: %s: cleanup incomplete; the jail dir or cgroups are left\n", id);
	vj_jail_ref_close(&j);
	return failed;
}

/*
 * QEMU is told too (QMP stop/cont) when it has a monitor: its clocks and
 * timers then agree with the guest being stopped.  The freezer is what
 * works for any VMM and cannot be ignored, so it is always used; a monitor
 * that does not answer only costs the QMP half.
 */
static const char *qmp_pause(const struct vj_jail_ref *j, bool stop)
{
	if (!j->st.qmp[0])
		return "";
	int root = vj_open_beneath(j->jail_fd, "root", O_PATH | O_DIRECTORY, 0);
	if (root < 0)
		return " (QMP unavailable)";
	struct vj_qmp q;
	struct vj_err e = {0};
	int rc = vj_qmp_open(&q, root, j->st.qmp, j->st.uid, 2000, &e);
	close(root);
	if (rc == 0) {
		rc = vj_qmp_cmd(&q, stop ? "{\"execute\":\"stop\"}" : "{\"execute\":\"cont\"}", -1,
		                NULL, 0, 2000, &e);
		vj_qmp_close(&q);
	}
	return rc == 0 ? (stop ? " and QMP stop" : " and QMP cont") : " (QMP did not answer)";
}

static int do_freeze(const struct vj_cli *cli, bool freeze)
{
	struct vj_err e = {0};
	struct vj_jail_ref j;
	const char *qmp = "";
	int rc = vj_jail_find(cli, &j, &e);
	if (rc == 0 && (!j.running || !j.have_state))
		rc = vj_fail(&e, ESRCH, "jail %s is not running", cli->id);
	if (rc == 0 && freeze)
		qmp = qmp_pause(&j, true);
	if (rc == 0)
		rc = vj_cg_freeze(&j.st.cg, freeze, &e);
	if (rc == 0 && !freeze)
		qmp = qmp_pause(&j, false);
	if (rc < 0) {
		fprintf(stderr, "vmjail: %s: %s\n", cli->id, e.msg);
		vj_jail_ref_close(&j);
		return 1;
	}
	vj_fmt(j.st.status, sizeof(j.st.status), "%s", freeze ? "paused" : "running");
	vj_state_write(j.jail_fd, &j.st, &e);
	struct vj_audit *a = vj_jail_audit(&j);
	char msg[160];
	vj_fmt(msg, sizeof(msg), "%s%s",
	       freeze ? "every task of the tenant frozen (cgroup freezer)" : "tenant thawed", qmp);
	vj_jail_emit(a, freeze ? "paused" : "resumed", j.st.vmm_pid, msg);
	if (a)
		vj_audit_close(a);
	vj_jail_ref_close(&j);
	return 0;
}

static int do_kill(const struct vj_cli *cli)
{
	struct vj_err e = {0};
	struct vj_jail_ref j;
	int rc = vj_jail_find(cli, &j, &e);
	if (rc == 0 && !j.have_state)
		rc = vj_fail(&e, ENOENT, "jail %s has no state", cli->id);
	if (rc < 0) {
		fprintf(stderr, "vmjail: %s: %s\n", cli->id, e.msg);
		vj_jail_ref_close(&j);
		return 1;
	}
	struct vj_audit *a = vj_jail_audit(&j);
	vj_jail_emit(a, "killed", j.st.vmm_pid, "killed on request (vmjail --kill)");
	if (a)
		vj_audit_close(a);
	vj_cg_freeze(&j.st.cg, false, &e);
	rc = vj_cg_kill_all(&j.st.cg, &e);
	if (rc < 0)
		fprintf(stderr, "vmjail: %s: %s\n", cli->id, e.msg);
	/* the supervisor sees the VMM die, reports it and cleans up; wait for it */
	for (int i = 0; i < 500 && vj_state_locked(j.jail_fd); i++)
		usleep(10000);
	vj_jail_ref_close(&j);
	return rc < 0;
}

/* Every jail under the base dir: callback per (vmm, id). */
static int each_jail(const char *base_dir, int (*cb)(const char *vmm, const char *id, void *ctx),
                     void *ctx)
{
	char base[PATH_MAX];
	struct vj_err e = {0};
	if (vj_path_normalize(base_dir, base, sizeof(base)) < 0)
		return -EINVAL;
	int bfd = vj_open_dir_nofollow(base, &e);
	if (bfd < 0)
		return bfd == -ENOENT ? 0 : bfd;
	int dfd = vj_open_beneath(bfd, ".", O_RDONLY | O_DIRECTORY, 0);
	close(bfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d)
		return -errno;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !vj_name_ok(de->d_name))
			continue;
		int vfd = vj_open_beneath(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY, 0);
		DIR *vd = vfd >= 0 ? fdopendir(vfd) : NULL;
		if (!vd) {
			if (vfd >= 0)
				close(vfd);
			continue;
		}
		struct dirent *je;
		while (rc == 0 && (je = readdir(vd)))
			if (je->d_name[0] != '.' && vj_id_valid(je->d_name))
				rc = cb(de->d_name, je->d_name, ctx);
		closedir(vd);
	}
	closedir(d);
	return rc;
}

struct list_ctx {
	const struct vj_cli *cli;
	int n;
};

static int list_one(const char *vmm, const char *id, void *ctx_)
{
	struct list_ctx *ctx = ctx_;
	struct vj_err e = {0};
	struct vj_jail_ref j;
	if (vj_jail_find_in(ctx->cli->base_dir, vmm, id, &j, &e) < 0) {
		vj_jail_ref_close(&j);
		return 0;
	}
	const char *status = j.have_state ? j.st.status : "unknown";
	if (j.have_state && !j.running && strcmp(status, "suspended"))
		status = "orphaned"; /* supervisor gone: vmjail --cleanup */
	int64_t ttl = j.have_state && j.st.ttl_deadline ? j.st.ttl_deadline - time(NULL) : -1;
	if (ctx->cli->json) {
		printf("%s{\"id\":", ctx->n ? "," : "");
		vj_json_str(stdout, id);
		printf(",\"vmm\":");
		vj_json_str(stdout, vmm);
		printf(
		    ",\"status\":\"%s\",\"vmm_pid\":%d,\"supervisor\":%d,\"ttl_left_sec\":%" PRId64
		    "}",
		    status, j.have_state ? (int)j.st.vmm_pid : 0,
		    j.have_state && j.running ? (int)j.st.supervisor : 0, ttl);
	} else {
		char ttlbuf[32] = "-";
		if (ttl >= 0)
			vj_fmt(ttlbuf, sizeof(ttlbuf), "%" PRId64 "s", ttl);
		printf("%-20s %-24s %-10s %-8d %s\n", vmm, id, status,
		       j.have_state ? (int)j.st.vmm_pid : 0, ttlbuf);
	}
	ctx->n++;
	vj_jail_ref_close(&j);
	return 0;
}

static int do_list(const struct vj_cli *cli)
{
	struct list_ctx ctx = {.cli = cli};
	if (cli->json)
		printf("[");
	else
		printf("%-20s %-24s %-10s %-8s %s\n", "VMM", "ID", "STATUS", "PID", "TTL-LEFT");
	int rc = each_jail(cli->base_dir, list_one, &ctx);
	if (cli->json)
		printf("]\n");
	return rc < 0;
}

static int reap_one(const char *vmm, const char *id, void *ctx)
{
	const struct vj_cli *cli = ctx;
	struct vj_err e = {0};
	struct vj_jail_ref j;
	bool expired = false;
	if (vj_jail_find_in(cli->base_dir, vmm, id, &j, &e) == 0 && j.have_state && !j.running)
		expired = j.st.ttl_deadline && time(NULL) >= j.st.ttl_deadline;
	vj_jail_ref_close(&j);
	if (expired) {
		printf("vmjail: %s/%s: time-to-live expired, reclaimed\n", vmm, id);
		do_cleanup(cli->base_dir, vmm, id, true);
	}
	return 0;
}

int vj_jails_command(const struct vj_cli *cli)
{
	struct vj_err e = {0};
	switch (cli->mode) {
	case VJ_MODE_CLEANUP:
		return do_cleanup(cli->base_dir, cli->exec_file, cli->id, false);
	case VJ_MODE_PAUSE:
		return do_freeze(cli, true);
	case VJ_MODE_RESUME:
		return do_freeze(cli, false);
	case VJ_MODE_KILL:
		return do_kill(cli);
	case VJ_MODE_LIST:
		return do_list(cli);
	case VJ_MODE_REAP:
		return each_jail(cli->base_dir, reap_one, (void *)cli) < 0;
	case VJ_MODE_SUSPEND:
		return vj_jail_suspend(cli);
	case VJ_MODE_BPF_UNLOAD:
		if (vjbpf_unload(&e) < 0) {
			fprintf(stderr, "vmjail: %s\n", e.msg);
			return 1;
		}
		return 0;
	default:
		fprintf(stderr, "vmjail: unsupported action\n");
		return 64;
	}
}
