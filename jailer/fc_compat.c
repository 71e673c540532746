// SPDX-License-Identifier: Apache-2.0
/*
 * Firecracker jailer compatibility.  Facts from the jailer's source
 * (src/jailer/src/env.rs, main.rs) and firecracker-go-sdk (jailer.go,
 * machine.go), written down in docs/firecracker.md:
 *   - the VMM runs as `<exec> --id ID --start-time-us T --start-time-cpu-us C
 *     --parent-cpu-time-us P ARGS...`: T is the jailer's start on the
 *     monotonic clock, C the VMM process's CPU time at exec, P the CPU time
 *     the jailer spent (all microseconds); Firecracker reports boot time
 *     metrics from them and names its instance after --id;
 *   - `<jail root>/<exec name>.pid` holds the VMM's pid, created once
 *     (O_EXCL), with and without --new-pid-ns;
 *   - `--cgroup` must split on '=' into exactly two parts, the value not empty
 *     (`cpuset.cpus=0=1` is refused);
 *   - every jailer error exits 1.
 */
#include "jailer/fc_compat.h"
#include "jailer/launch.h"
#include "jailer/plan.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool name_is_firecracker(const char *path)
{
	if (!path)
		return false;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, "firecracker", 11) == 0;
}

bool vj_fc_compat_on(const struct vj_cli *cli)
{
	if (cli->fc_compat)
		return cli->fc_compat > 0;
	return name_is_firecracker(cli->exec_file);
}

bool vj_fc_compat_on_argv(int argc, char **argv)
{
	bool on = false;
	for (int i = 1; i < argc && argv[i] && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--no-firecracker-compat"))
			return false;
		if (!strcmp(argv[i], "--firecracker-compat"))
			on = true;
		else if (!strcmp(argv[i], "--exec-file") && i + 1 < argc)
			on = on || name_is_firecracker(argv[i + 1]);
		else if (!strncmp(argv[i], "--exec-file=", 12))
			on = on || name_is_firecracker(argv[i] + 12);
	}
	return on;
}

static uint64_t clock_us(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The argv strings that are numbers; the child rewrites cpu_us in place. */
static char start_us[24], cpu_us[24], parent_us[24];

int vj_fc_compat_plan(const struct vj_cli *cli, struct vj_plan *p, struct vj_err *e)
{
	p->fc_compat = vj_fc_compat_on(cli);
	if (!p->fc_compat)
		return 0;
	vj_err_step(e, "firecracker-compat");
	/* the jailer execs Firecracker in place, except in a new pid namespace */
	p->fc_inplace = !p->pidns;
	/* cli.c split FILE=VALUE at the first '=': another one is a third part */
	for (unsigned i = 0; i < cli->ncgroups; i++)
		if (strchr(cli->cgroups[i].value, '='))
			return vj_fail(e, EINVAL, "Invalid format for cgroups: %s=%.200s",
			               cli->cgroups[i].file, cli->cgroups[i].value);

	/* The monotonic start of this process, from its start time in ticks:
	 * what the jailer takes as its first act. */
	uint64_t now = clock_us(CLOCK_MONOTONIC);
	uint64_t start = now;
	FILE *f = fopen("/proc/self/stat", "re");
	if (f) {
		char buf[1024];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* field 22 (starttime), counted after the ")" that ends comm */
		char *s = strrchr(buf, ')');
		unsigned long long ticks;
		long hz = sysconf(_SC_CLK_TCK);
		if (s && hz > 0 &&
		    sscanf(s + 2,
		           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
		           "%*d %*d %*d %llu",
		           &ticks) == 1) {
			/* starttime counts from boot like CLOCK_BOOTTIME; shift it onto
			 * CLOCK_MONOTONIC (they differ by the time spent suspended) */
			uint64_t boot = clock_us(CLOCK_BOOTTIME);
			uint64_t st = (uint64_t)ticks * 1000000u / (uint64_t)hz;
			if (st <= boot && boot - st <= now)
				start = now - (boot - st);
		}
	}
	snprintf(start_us, sizeof(start_us), "%" PRIu64, start);
	snprintf(cpu_us, sizeof(cpu_us), "%020" PRIu64, (uint64_t)0); /* rewritten at exec */
	snprintf(parent_us, sizeof(parent_us), "%" PRIu64, clock_us(CLOCK_PROCESS_CPUTIME_ID));

	int n = 0;
	while (p->vmm_argv[n])
		n++;
	char **argv = calloc((size_t)n + 10, sizeof(char *));
	if (!argv)
		return vj_fail(e, ENOMEM, "out of memory");
	int k = 0;
	argv[k++] = p->vmm_argv[0];
	argv[k++] = "--id";
	argv[k++] = (char *)cli->id;
	argv[k++] = "--start-time-us";
	argv[k++] = start_us;
	argv[k++] = "--start-time-cpu-us";
	argv[k++] = cpu_us;
	argv[k++] = "--parent-cpu-time-us";
	argv[k++] = parent_us;
	for (int i = 1; i < n; i++)
		argv[k++] = p->vmm_argv[i];
	free(p->vmm_argv);
	p->vmm_argv = argv;
	return 0;
}

void vj_fc_compat_child(const struct vj_plan *p)
{
	if (!p->fc_compat)
		return;
	/* the buffer holds 20 digits: any 64-bit value fits in place */
	snprintf(cpu_us, sizeof(cpu_us), "%" PRIu64, clock_us(CLOCK_PROCESS_CPUTIME_ID));
}

int vj_fc_compat_pidfile(const struct vj_launch *l, struct vj_err *e)
{
	const struct vj_plan *p = l->plan;
	if (!p->fc_compat)
		return 0;
	vj_err_step(e, "firecracker-compat");
	char name[NAME_MAX + 8], pid[24];
	vj_fmt(name, sizeof(name), "%s.pid", p->exec_base);
	int n = snprintf(pid, sizeof(pid), "%d", (int)l->pid);
	/* the tenant has not run yet; O_EXCL|O_NOFOLLOW all the same */
	int fd =
	    openat(l->root_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return vj_failx(e, errno, "creating %s in the jail", name);
	ssize_t w = write(fd, pid, (size_t)n);
	int err = w == n ? 0 : w < 0 ? errno : EIO;
	if (close(fd) < 0 && !err)
		err = errno;
	return err ? vj_failx(e, err, "writing %s", name) : 0;
}

int vj_fc_compat_exit(const struct vj_cli *cli, int status)
{
	return vj_fc_compat_on(cli) ? VJ_FC_EXIT_ERROR : status;
}
