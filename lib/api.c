// SPDX-License-Identifier: Apache-2.0
/*
 * libvmjail's calls are command lines: each builds the argv the vmjail
 * command would get and runs vmjail_main (jailer/main.c).  So the library
 * and the binary validate, plan, launch and supervise through the same code,
 * and the flags' rules (docs/vmjail.8) are the library's rules.
 */
#include "lib/vmjail.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_ARGS 512

struct args {
	char *v[MAX_ARGS + 1];
	int n;
	char num[2][16];
};

/* false when the list is full: the caller refuses rather than cut it */
static int add(struct args *a, const char *s)
{
	if (a->n >= MAX_ARGS)
		return -1;
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
	return 0;
}

static int add2(struct args *a, const char *flag, const char *v)
{
	return v ? (add(a, flag) < 0 || add(a, v) < 0 ? -1 : 0) : 0;
}

const char *vmjail_version(void)
{
	return VMJAIL_VERSION;
}

int vmjail_launch(const struct vmjail_launch *l)
{
	static struct args a; /* argv outlives this frame for the VMM's lifetime */
	a.n = 0;
	if (!l || !l->id || !l->exec_file)
		return 64;
	snprintf(a.num[0], sizeof(a.num[0]), "%u", l->uid);
	snprintf(a.num[1], sizeof(a.num[1]), "%u", l->gid);
	int rc = add(&a, "vmjail") | add2(&a, "--id", l->id) |
	         add2(&a, "--exec-file", l->exec_file) | add2(&a, "--uid", a.num[0]) |
	         add2(&a, "--gid", a.num[1]) | add2(&a, "--policy", l->policy) |
	         add2(&a, "--chroot-base-dir", l->base_dir) |
	         add2(&a, "--audit-log", l->audit_log) | add2(&a, "--run-dir", l->run_dir) |
	         add2(&a, "--ttl", l->ttl);
	if (l->daemonize)
		rc |= add(&a, "--daemonize");
	for (const char *const *b = l->binds; b && *b; b++)
		rc |= add2(&a, "--bind", *b);
	rc |= add(&a, "--");
	for (const char *const *v = l->vmm_args; v && *v; v++)
		rc |= add(&a, *v);
	if (rc) {
		fprintf(stderr, "vmjail: more than %d arguments\n", MAX_ARGS);
		return 64;
	}
	return vmjail_main(a.n, a.v);
}

static int action(const char *flag, const char *id, const char *exec_file, const char *base_dir)
{
	struct args a = {.n = 0};
	if (!id)
		return 64;
	int rc = add(&a, "vmjail") | add(&a, flag) | add2(&a, "--id", id) |
	         add2(&a, "--exec-file", exec_file) | add2(&a, "--chroot-base-dir", base_dir);
	return rc ? 64 : vmjail_main(a.n, a.v);
}

int vmjail_pause(const char *id, const char *exec_file, const char *base_dir)
{
	return action("--pause", id, exec_file, base_dir);
}

int vmjail_resume(const char *id, const char *exec_file, const char *base_dir)
{
	return action("--resume", id, exec_file, base_dir);
}

int vmjail_suspend(const char *id, const char *exec_file, const char *base_dir)
{
	return action("--suspend", id, exec_file, base_dir);
}

int vmjail_kill(const char *id, const char *exec_file, const char *base_dir)
{
	return action("--kill", id, exec_file, base_dir);
}
