// SPDX-License-Identifier: Apache-2.0
/*
 * AppArmor: one profile per tenant, generated from the policy
 * (jailer/apparmor_profile.c), compiled and loaded with apparmor_parser
 * before the tenant runs, entered at the VMM's exec (the tenant process
 * asks for it after the identity drop), removed at cleanup.
 *
 * The jail has no /proc, so the tenant process opens its own
 * attr/apparmor/exec file before it enters the jail
 * (vj_apparmor_child_open) and writes the profile name into it after the
 * identity drop (apply): the kernel checks that the writer is the task
 * itself, which it is.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/kaudit.h"
#include "jailer/apparmor_profile.h"
#include "jailer/canary.h"
#include "jailer/launch.h"
#include "jailer/layer.h"
#include "jailer/plan.h"

#define AA_REMOVE "/sys/kernel/security/apparmor/.remove"

static const char *parser_path(void)
{
	static const char *const c[] = {"/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (access(c[i], X_OK) == 0)
			return c[i];
	return NULL;
}

/* apparmor_parser -r -K with the profile on stdin; its messages into msg. */
static int parser_load(const char *text, size_t len, char *msg, size_t msglen)
{
	const char *parser = parser_path();
	int in[2], out[2];
	msg[0] = '\0';
	if (!parser)
		return -ENOENT;
	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return -err;
	}
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(126);
		char *const argv[] = {"apparmor_parser", "-r", "-K", NULL};
		char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
		execve(parser, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	signal(SIGPIPE, SIG_IGN); /* a parser that dies early must not kill us */
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(in[1], text + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(in[1]);
	size_t m = 0;
	ssize_t r;
	while (m + 1 < msglen && (r = read(out[0], msg + m, msglen - 1 - m)) > 0)
		m += (size_t)r;
	msg[m] = '\0';
	for (size_t i = 0; i < m; i++)
		if (msg[i] == '\n' || (unsigned char)msg[i] < 0x20)
			msg[i] = ' ';
	close(out[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EINVAL;
}

static int profile_remove(const char *name)
{
	int fd = open(AA_REMOVE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, name, strlen(name));
	int err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

/* Canary: a profile that refuses reading /dev/null; a child enters it
 * (aa_change_profile) and must get EACCES. */
static char canary_name[64];

static int canary_child(void *arg)
{
	(void)arg;
	if (aa_change_profile(canary_name) < 0)
		return 2;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

static int probe(struct vj_probe *out)
{
	char msg[300];
	out->available = false;
	if (aa_is_enabled() != 1) {
		int err = errno;
		vj_fmt(out->reason, sizeof(out->reason),
		       "AppArmor is not enabled in this kernel (%s)", strerror(err));
		return 0;
	}
	if (!parser_path()) {
		vj_fmt(out->reason, sizeof(out->reason),
		       "AppArmor is enabled but apparmor_parser is not installed");
		return 0;
	}
	/* not VJ_AA_PREFIX: "." is in no tenant id, so the canary's records can
	 * never be attributed to a tenant called "canary-<pid>" */
	vj_fmt(canary_name, sizeof(canary_name), "vmjail.canary-%d", (int)getpid());
	char text[200];
	int n = snprintf(text, sizeof(text), "profile %s {\n  /dev/null w,\n}\n", canary_name);
	int rc = parser_load(text, (size_t)n, msg, sizeof(msg));
	if (rc < 0) {
		vj_fmt(out->reason, sizeof(out->reason), "loading a canary profile failed: %s",
		       msg[0] ? msg : strerror(-rc));
		return 0;
	}
	rc = vj_canary_run(canary_child, NULL);
	profile_remove(canary_name);
	if (rc != 0) {
		vj_fmt(out->reason, sizeof(out->reason),
		       "a canary profile was loaded but did not refuse a read");
		return 0;
	}
	out->available = true;
	vj_fmt(out->features, sizeof(out->features),
	       "profile per tenant (apparmor_parser), entered at exec; canary refused");
	return 0;
}

static void profile_name(const struct vj_plan *p, char *buf, size_t len)
{
	vj_fmt(buf, len, VJ_AA_PREFIX "%s", p->cli->id);
}

static int generate(const struct vj_plan *p, char **text, size_t *len, struct vj_err *e)
{
	char name[128];
	const char *libs[VJ_AA_MAX_LIBS];
	size_t nlibs = 0;
	profile_name(p, name, sizeof(name));
	for (size_t i = 0; i < p->deps.n && nlibs < VJ_AA_MAX_LIBS - 2; i++)
		libs[nlibs++] = p->deps.v[i].jail;
	if (p->deps.interp[0])
		libs[nlibs++] = p->deps.interp;
	if (p->deps.need_ldcache)
		libs[nlibs++] = "/etc/ld.so.cache";
	struct vj_aa_input in = {.name = name,
	                         .exec_jail = p->exec_jail,
	                         .libs = libs,
	                         .nlibs = nlibs,
	                         .mount_proc = p->mount_proc,
	                         .mount_sys = p->mount_sys};
	FILE *f = open_memstream(text, len);
	if (!f)
		return vj_failx(e, errno, "open_memstream");
	int rc = vj_aa_profile(p->policy, &in, f, e);
	if (fclose(f) != 0 && !rc)
		rc = vj_failx(e, errno, "writing the AppArmor profile");
	return rc;
}

static int prepare(struct vj_launch *l, struct vj_err *e)
{
	char *text = NULL, msg[400];
	size_t len = 0;
	int rc = generate(l->plan, &text, &len, e);
	if (rc == 0) {
		rc = parser_load(text, len, msg, sizeof(msg));
		if (rc < 0)
			rc = vj_fail(e, -rc, "apparmor_parser refused the tenant's profile: %s",
			             msg[0] ? msg : strerror(-rc));
	}
	free(text);
	return rc;
}

static int aa_exec_fd = -1;

int vj_apparmor_child_open(void)
{
	aa_exec_fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (aa_exec_fd < 0)
		aa_exec_fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
	return aa_exec_fd < 0 ? -errno : 0;
}

static int apply(struct vj_launch *l, struct vj_err *e)
{
	char name[128], cmd[160];
	profile_name(l->plan, name, sizeof(name));
	if (aa_exec_fd < 0)
		return vj_fail(e, EBADF,
		               "the AppArmor exec attribute was not opened before the jail");
	int n = snprintf(cmd, sizeof(cmd), "exec %s", name);
	ssize_t w = write(aa_exec_fd, cmd, (size_t)n);
	int err = errno;
	close(aa_exec_fd);
	aa_exec_fd = -1;
	if (w != n)
		return vj_failx(e, w < 0 ? err : EIO, "asking for AppArmor profile %s at exec",
		                name);
	return 0;
}

static void release(struct vj_launch *l)
{
	char name[128];
	profile_name(l->plan, name, sizeof(name));
	profile_remove(name);
}

static void describe(const struct vj_plan *p, FILE *out)
{
	char name[128];
	profile_name(p, name, sizeof(name));
	fprintf(out,
	        "apparmor: profile %s from the policy (vmjail-policy apparmor shows it), "
	        "entered at the VMM's exec\n",
	        name);
}

const struct vj_layer_ops vj_layer_apparmor = {
    .id = VJ_LAYER_APPARMOR,
    .probe = probe,
    .prepare = prepare,
    .apply = apply,
    .release = release,
    .describe = describe,
};
