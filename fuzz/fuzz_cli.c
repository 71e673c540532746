// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the jailer's command-line parser (jailer/cli.c).
 *
 * Input: the arguments after argv[0], NUL-separated (a trailing NUL does not
 * add an empty argument), so a seed reads like /proc/PID/cmdline.  Whoever
 * may run vmjail (an orchestrator passing tenant-chosen ids, paths and
 * cgroup values) controls these bytes.
 *
 * Must hold for every input: no crash or sanitizer report; a refusal records
 * why; an acceptance leaves a struct every later step may trust without
 * re-checking (valid id, counts within their arrays, each mode's required
 * flags, pointers into argv, vmm_argv NULL-terminated at vmm_argc).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jailer/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 512

/* Far too large for a stack frame (the --bind table alone is 512 KiB). */
static struct vj_cli cli;

static void check(bool cond)
{
	if (!cond)
		__builtin_trap();
}

/* Does p point into one of the arguments (never into our own storage)? */
static bool in_argv(const char *p, char **argv, int argc)
{
	for (int i = 1; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void check_accepted(char **argv, int argc)
{
	check((unsigned)cli.mode <= VJ_MODE_BPF_UNLOAD);
	/* help and version stop reading at once: nothing else is meaningful */
	if (cli.mode == VJ_MODE_HELP || cli.mode == VJ_MODE_VERSION)
		return;

	check(terminated(cli.id, sizeof(cli.id)));
	check(!cli.id[0] || vj_id_valid(cli.id));
	check(!cli.exec_file || (cli.exec_file[0] && in_argv(cli.exec_file, argv, argc)));
	check(!cli.uid_set || (cli.uid != 0 && cli.uid != (uid_t)-1));
	check(!cli.gid_set || (cli.gid != 0 && cli.gid != (gid_t)-1));
	check(cli.base_dir && cli.base_dir[0] == '/');
	check(!strcmp(cli.base_dir, VJ_DEFAULT_BASE) || in_argv(cli.base_dir, argv, argc));
	check(!cli.netns || (cli.netns[0] == '/' && in_argv(cli.netns, argv, argc)));
	check(cli.cgroup_version == 0 || cli.cgroup_version == 1 || cli.cgroup_version == 2);
	check(!cli.policy || (cli.policy[0] && in_argv(cli.policy, argv, argc)));
	check(!cli.audit_log || in_argv(cli.audit_log, argv, argc));
	check(!cli.cache_dir || !cli.cache_dir[0] || cli.cache_dir[0] == '/');
	check(cli.ttl_sec >= -1);
	check(cli.audit_rate <= 1000000);
	check(!cli.audit_ring ||
	      (cli.audit_ring >= 4096 && !(cli.audit_ring & (cli.audit_ring - 1))));

	/* A parent cgroup is joined onto every hierarchy's mount: it must not
	 * climb out of it. */
	if (cli.parent_cgroup) {
		const char *p = cli.parent_cgroup;
		check(p[0] && p[0] != '/' && !strstr(p, "//"));
		check(strcmp(p, "..") && strncmp(p, "../", 3) && !strstr(p, "/../"));
		size_t n = strlen(p);
		check(n < 2 || strcmp(p + n - 2, "/.."));
	}

	check(cli.ncgroups <= VJ_MAX_CGROUP_ARG);
	for (unsigned i = 0; i < cli.ncgroups; i++) {
		const struct vj_cgroup_arg *c = &cli.cgroups[i];
		check(terminated(c->file, sizeof(c->file)) &&
		      terminated(c->value, sizeof(c->value)));
		/* a cgroup file name is a name, never a path */
		check(c->file[0] && strchr(c->file, '.') && !strchr(c->file, '/') &&
		      !strstr(c->file, ".."));
		/* a newline in the value would write a second value */
		check(c->value[0] && !strchr(c->value, '\n'));
	}

	check(cli.nrlimits <= RLIM_NLIMITS);
	for (unsigned i = 0; i < cli.nrlimits; i++) {
		check(cli.rlimits[i].resource >= 0 && cli.rlimits[i].resource < RLIM_NLIMITS);
		check(cli.rlimits[i].cur <= cli.rlimits[i].max);
		for (unsigned k = 0; k < i; k++)
			check(cli.rlimits[k].resource != cli.rlimits[i].resource);
	}

	check(cli.nkeep_fds <= VJ_MAX_KEEP_FDS);
	for (unsigned i = 0; i < cli.nkeep_fds; i++) {
		check(cli.keep_fds[i] >= 3 && cli.keep_fds[i] <= 1023);
		for (unsigned k = 0; k < i; k++)
			check(cli.keep_fds[k] != cli.keep_fds[i]);
	}

	check(cli.nbinds <= VJ_MAX_BIND_ARGS);
	for (unsigned i = 0; i < cli.nbinds; i++) {
		const struct vj_bind_arg *b = &cli.binds[i];
		check(terminated(b->src, sizeof(b->src)) && terminated(b->dst, sizeof(b->dst)));
		check(b->src[0] == '/' && b->dst[0] == '/');
	}

	switch (cli.mode) {
	case VJ_MODE_LAUNCH:
	case VJ_MODE_DRY_RUN:
		check(cli.id[0] && cli.exec_file && cli.uid_set && cli.gid_set);
		break;
	case VJ_MODE_CLEANUP:
	case VJ_MODE_PAUSE:
	case VJ_MODE_RESUME:
	case VJ_MODE_SUSPEND:
	case VJ_MODE_KILL:
		check(cli.id[0]);
		check(cli.vmm_argc == 0);
		break;
	default:
		check(cli.vmm_argc == 0);
		break;
	}

	/* The VMM's arguments are the tail of argv, ending at its NULL. */
	check(cli.vmm_argv && cli.vmm_argc >= 0 && cli.vmm_argc < argc);
	check(cli.vmm_argv + cli.vmm_argc == argv + argc);
	check(cli.vmm_argv[cli.vmm_argc] == NULL);
	for (int i = 0; i < cli.vmm_argc; i++)
		check(cli.vmm_argv[i] != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "vmjail";
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = prog;
	/* One exact-size heap copy per argument: ASan then sees a read past
	 * any argument's NUL, not just past the last one. */
	for (size_t off = 0; off < size && argc < MAX_ARGS + 1;) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t n = nul ? (size_t)(nul - (data + off)) : size - off;
		char *a = malloc(n + 1);
		if (!a)
			break;
		memcpy(a, data + off, n);
		a[n] = '\0';
		argv[argc++] = a;
		off += n + 1;
	}
	argv[argc] = NULL;

	struct vj_err e = {0};
	int rc = vj_cli_parse(argc, argv, &cli, &e);
	if (rc == 0) {
		check(!vj_err_set(&e));
		check_accepted(argv, argc);
	} else {
		check(rc < 0 && vj_err_set(&e) && e.msg[0] && terminated(e.msg, sizeof(e.msg)));
	}

	for (int i = 1; i < argc; i++)
		free(argv[i]);
	return 0;
}
