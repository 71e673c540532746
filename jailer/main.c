// SPDX-License-Identifier: Apache-2.0
/*
 * vmjail: jail one VMM process, supervise it, clean up after it.
 *
 * main() reads as the list of steps.  Each step returns 0 or -errno and
 * leaves its reason in one error context; this file is the one place that
 * prints it (and audits it).  Exit codes are in docs/vmjail.8.
 */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "audit/audit.h"
#include "jailer/cli.h"
#include "jailer/fc_compat.h"
#include "lib/vmjail.h"
#include "jailer/hostdirs.h"
#include "jailer/jails.h"
#include "jailer/launch.h"
#include "jailer/layer.h"
#include "jailer/plan.h"

#define EXIT_USAGE   64
#define EXIT_REFUSED 125
#define EXIT_NOEXEC  126

static void print_error(const char *id, const struct vj_err *e)
{
	char buf[700];
	fprintf(stderr, "vmjail: %s%s%s\n", id && *id ? id : "", id && *id ? ": " : "",
	        vj_err_str(e, buf, sizeof(buf)));
}

/*
 * Step 1: a clean process.  Inherited fds other than the declared
 * pass-through ones are closed (runc CVE-2024-21626 leaked one), 0-2 exist
 * (so no fd we open later can become the VMM's stdio), the environment is
 * empty, and the process is not dumpable while privileged (no ptrace or
 * /proc/pid/mem from the tenant's uid: bubblewrap CVE-2016-8659).
 */
static int sanitize_process(const struct vj_cli *cli, struct vj_err *e)
{
	vj_err_step(e, "sanitize");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return vj_failx(e, errno, "PR_SET_DUMPABLE");
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			int n = open("/dev/null", O_RDWR);
			if (n < 0)
				return vj_failx(e, errno, "/dev/null");
			if (n != fd)
				return vj_fail(e, EBADF, "could not reopen fd %d", fd);
		}
	/* close everything above 2 except the --keep-fd list (sorted gaps) */
	int keep[VJ_MAX_KEEP_FDS + 1];
	unsigned n = cli->nkeep_fds;
	memcpy(keep, cli->keep_fds, n * sizeof(int));
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned lo = 3;
	for (unsigned i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)keep[i] - 1 : ~0U;
		if (hi >= lo && syscall(SYS_close_range, lo, hi, 0) < 0)
			return vj_failx(e, errno, "close_range");
		if (i < n)
			lo = (unsigned)keep[i] + 1;
	}
	if (clearenv() != 0)
		return vj_fail(e, ENOMEM, "clearenv");
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1); /* for our own tools only */
	umask(022);
	return 0;
}

/* Signals queue for the supervisor's signalfd from now on; the tenant
 * process unblocks them before exec. */
static void block_signals(void)
{
	sigset_t set;
	vj_supervisor_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Always opened: with no --audit-log the records still go to vmjaild when
 * one runs (audit/lib/emit.c decides), and cost nothing otherwise. */
static struct vj_audit *open_audit(const struct vj_cli *cli, const struct vj_plan *p)
{
	if (!vj_id_valid(cli->id))
		return NULL;
	char tmp[PATH_MAX];
	vj_fmt(tmp, sizeof(tmp), "%s", cli->exec_file ? cli->exec_file : "");
	struct vj_audit_cfg cfg = {
	    .log_path = cli->audit_log,
	    .log_format = cli->audit_format,
	    .run_dir = vj_run_dir(),
	    .tenant = cli->id,
	    .vmm = p && p->exec_base[0] ? p->exec_base : basename(tmp),
	    .policy = p && p->policy ? p->policy->name : NULL,
	    .policy_hash = p && p->policy ? p->policy_hash : NULL,
	};
	struct vj_audit *a = NULL;
	struct vj_err e = {0};
	if (vj_audit_open(&a, &cfg, &e) < 0) {
		print_error(cli->id, &e);
		return NULL;
	}
	return a;
}

static void audit_refusal(struct vj_audit *a, const struct vj_err *e)
{
	if (!a)
		return;
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, "launch-failed");
	ev.enforcer = "jailer";
	ev.step = e->step ? e->step : "launch";
	ev.err = e->err;
	ev.message = (struct vj_bytes){e->msg, strlen(e->msg)};
	vj_audit_emit(a, &ev);
}

static void audit_decisions(struct vj_audit *a, const struct vj_launch *l)
{
	if (!a)
		return;
	const struct vj_plan *p = l->plan;
	for (int i = 0; i < VJ_LAYER__COUNT; i++) {
		const struct vj_layer_decision *d = &p->layer[i];
		if (d->req != VJ_REQ_IF_AVAILABLE || d->apply)
			continue;
		struct vj_event ev;
		vj_event_init(&ev, VJ_EV_LIFECYCLE, "layer-skipped");
		ev.enforcer = vj_layer_name((enum vj_layer)i);
		ev.message = (struct vj_bytes){d->probe.reason, strlen(d->probe.reason)};
		vj_audit_emit(a, &ev);
	}
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LIFECYCLE, p->restore ? "restored" : "created");
	ev.enforcer = "jailer";
	ev.pid = l->pid;
	ev.uid = (long)p->uid; /* vmjaild attributes kernel records by it too */
	if (p->restore)
		ev.message = (struct vj_bytes){"QEMU started from the saved guest state", 39};
	if (l->audit_ses)
		ev.ses = l->audit_ses;
	ev.path = (struct vj_bytes){p->root_dir, strlen(p->root_dir)};
	vj_audit_emit(a, &ev);
}

static void say_skipped(const struct vj_plan *p)
{
	for (int i = 0; i < VJ_LAYER__COUNT; i++)
		if (p->layer[i].req == VJ_REQ_IF_AVAILABLE && !p->layer[i].apply)
			fprintf(stderr, "vmjail: %s: layer %s skipped (if-available): %s\n",
			        p->cli->id, vj_layer_name((enum vj_layer)i),
			        p->layer[i].probe.reason);
}

/*
 * --daemonize, as Firecracker's: the caller gets its exit status once the
 * VMM runs (or the launch failed); the supervisor carries on in a new
 * session with stdio on /dev/null.  Without full (compat mode with
 * --new-pid-ns, where the jailer forks the VMM, writes its pid file and
 * exits) the supervisor keeps the caller's session and stdio.  fail: the
 * caller's exit status for a refused launch.
 */
static int daemonize(int *report_fd, bool full, int fail)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pfd[1]);
		char buf[720];
		ssize_t n = read(pfd[0], buf, sizeof(buf) - 1);
		if (n <= 0)
			_exit(fail);
		buf[n] = '\0';
		if (buf[0] == '0')
			_exit(0);
		if (full) /* else the supervisor printed it on the same stderr */
			fprintf(stderr, "%s", buf + 1);
		_exit(fail);
	}
	close(pfd[0]);
	if (!full) {
		*report_fd = pfd[1];
		return 0;
	}
	if (setsid() < 0)
		return -errno;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	close(null);
	*report_fd = pfd[1];
	return 0;
}

static int run_launch(const struct vj_cli *cli)
{
	struct vj_err e = {0};
	struct vj_plan plan;
	block_signals();
	if (vj_plan_build(cli, &plan, &e) < 0) {
		print_error(cli->id, &e);
		/* a refused --dry-run writes nothing either (no spool, no seq) */
		struct vj_audit *a = cli->mode == VJ_MODE_DRY_RUN ? NULL : open_audit(cli, &plan);
		audit_refusal(a, &e);
		if (a)
			vj_audit_close(a);
		vj_plan_free(&plan);
		return vj_fc_compat_exit(cli, EXIT_REFUSED);
	}
	if (cli->mode == VJ_MODE_DRY_RUN) {
		vj_plan_print(&plan, stdout, cli->json);
		vj_plan_free(&plan);
		return 0;
	}
	say_skipped(&plan);
	int report_fd = -1;
	/* the jailer with --new-pid-ns: its VMM is a new process (our
	 * supervisor's child), and the caller's process returns once it runs */
	bool fc_fork = plan.fc_compat && plan.pidns && !cli->daemonize;
	if ((cli->daemonize || fc_fork) &&
	    daemonize(&report_fd, cli->daemonize, vj_fc_compat_exit(cli, EXIT_REFUSED)) < 0) {
		vj_failx(&e, errno, "daemonize");
		print_error(cli->id, &e);
		vj_plan_free(&plan);
		return EXIT_REFUSED;
	}

	struct vj_launch l;
	vj_launch_init(&l, &plan);
	l.audit = open_audit(cli, &plan);
	int rc = vj_launch_start(&l, &e);
	if (rc < 0) {
		print_error(cli->id, &e);
		audit_refusal(l.audit, &e);
		if (report_fd >= 0) {
			char buf[720];
			int n = snprintf(buf, sizeof(buf), "1vmjail: %s: %s: %s\n", cli->id,
			                 e.step ? e.step : "launch", e.msg);
			if (write(report_fd, buf, (size_t)n) < 0)
				n = 0;
		}
		if (l.audit)
			vj_audit_close(l.audit);
		vj_plan_free(&plan);
		return vj_fc_compat_exit(cli, e.step && strcmp(e.step, "exec") == 0 ? EXIT_NOEXEC
		                                                                    : EXIT_REFUSED);
	}
	audit_decisions(l.audit, &l);
	if (report_fd >= 0) {
		if (write(report_fd, "0", 1) < 0)
			report_fd = -1;
		close(report_fd);
	}
	int status = vj_supervise(&l);
	if (l.audit)
		vj_audit_close(l.audit);
	vj_plan_free(&plan);
	return status;
}

/* The vmjail command (lib/vmjail_cli.c is its main; lib/vmjail.h) */
int vmjail_main(int argc, char **argv)
{
	struct vj_err e = {0};
	static struct vj_cli cli; /* large (the --bind list): not on the stack */

	/* An execve with an empty argv must not shift argv (our first flag would
	 * be read as the program name).  Linux 5.18+ turns it into argv[0] == "". */
	if (argc < 1 || !argv || !argv[0] || !argv[0][0]) {
		fprintf(stderr, "vmjail: started without argv[0]; refusing\n");
		return EXIT_USAGE;
	}
	if (vj_cli_parse(argc, argv, &cli, &e) < 0) {
		print_error(NULL, &e);
		return vj_fc_compat_on_argv(argc, argv) ? VJ_FC_EXIT_ERROR : EXIT_USAGE;
	}
	if (cli.mode == VJ_MODE_HELP) {
		vj_usage(stdout);
		return 0;
	}
	if (cli.mode == VJ_MODE_VERSION) {
		printf("vmjail %s\n", VMJAIL_VERSION);
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "vmjail: must run as root (it creates namespaces, cgroups and "
		                "device nodes, then drops every privilege for the VMM)\n");
		return EXIT_REFUSED;
	}
	/* before sanitize_process clears the environment it may come from */
	if (vj_hostdirs_init(&cli, &e) < 0) {
		print_error(cli.id, &e);
		return EXIT_USAGE;
	}
	if (sanitize_process(&cli, &e) < 0) {
		print_error(cli.id, &e);
		return EXIT_REFUSED;
	}
	switch (cli.mode) {
	case VJ_MODE_PROBE:
		return vj_probe_print(stdout, cli.json) < 0 ? 1 : 0;
	case VJ_MODE_LAUNCH:
	case VJ_MODE_DRY_RUN:
		return run_launch(&cli);
	default:
		return vj_jails_command(&cli);
	}
}
