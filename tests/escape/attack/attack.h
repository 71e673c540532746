/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by every attacker in tests/escape/attack/: each <technique>.c is one
 * statically linked program that vmjail starts as tenant A's exec file.  It
 * writes "START <technique>" first (so the harness can tell a policy that
 * cannot start a program from a technique that was stopped), tries exactly
 * one way out and ends with one verdict line:
 *
 *   BLOCKED <layer> <how>     layer: seccomp landlock cgroup-bpf cgroup
 *                             exec-once bpf-lsm apparmor | mount-ns net-ns
 *                             pid-ns ipc-ns dac caps rlimit jailer kernel
 *   ESCAPED <evidence>
 *
 * A seccomp kill ends the program before the verdict; the harness reads the
 * SIGSYS exit as "BLOCKED seccomp" and looks for the kernel's record.
 *
 * argv (the harness passes the host canaries' coordinates; a jailed program
 * cannot learn them otherwise):
 *   1 secret file path    2 host unix socket path   3 abstract socket name
 *   4 loopback TCP port   5 host pid of another uid 6 tenant B's VMM pid
 *   7 tenant B's root on the host
 * Everything is written with write(2) so the verdict survives a kill.
 */
#ifndef VJ_ATTACK_H
#define VJ_ATTACK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct target {
	const char *secret, *unix_path, *abstract, *port, *host_pid, *b_pid, *b_root;
};

static int attack(const struct target *t);
/* argv[0]: the exec file's path in the jail (for the exec-after-start techniques) */
static const char *attack_argv0;

__attribute__((unused)) static void say(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	if (n < 0)
		return;
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	(void)!write(1, buf, (size_t)n);
}

__attribute__((format(printf, 2, 3), noreturn, unused)) static void blocked(const char *layer,
                                                                    const char *fmt, ...)
{
	char how[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(how, sizeof how, fmt, ap);
	va_end(ap);
	char line[480];
	snprintf(line, sizeof line, "BLOCKED %s %s\n", layer, how);
	(void)!write(1, line, strlen(line));
	_exit(0);
}

__attribute__((format(printf, 1, 2), noreturn, unused)) static void escaped(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[480] = "ESCAPED ";
	vsnprintf(line + 8, sizeof line - 9, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	line[n++] = '\n';
	(void)!write(1, line, n);
	_exit(0);
}

__attribute__((format(printf, 1, 2), unused)) static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

/* errno as its name: the verdict says exactly which refusal it met */
__attribute__((unused)) static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

/* The verdict for "a raw syscall returned": -1 blocked with its errno (the
 * layer given by the caller), anything else escaped.  A seccomp rule that
 * returns an errno is "seccomp-errno" (audited since the policy's filter is
 * loaded with SECCOMP_FILTER_FLAG_LOG: tests/escape/seccomp-errno-audit.t;
 * the harness does not yet ask for that record per technique). */
__attribute__((unused, noreturn)) static void verdict_rc(long rc, const char *layer, const char *what)
{
	if (rc < 0)
		blocked(strcmp(layer, "seccomp") ? layer : "seccomp-errno", "%s: %s", what,
		        ename(errno));
	escaped("%s returned %ld", what, rc);
}

int main(int argc, char **argv)
{
	static const char start[] = "START\n";
	(void)!write(1, start, sizeof start - 1);
	attack_argv0 = argv[0];
	struct target t = {0};
	const char **f[] = {&t.secret, &t.unix_path, &t.abstract, &t.port,
	                    &t.host_pid, &t.b_pid,     &t.b_root};
	for (int i = 1; i < argc && i <= 7; i++)
		*f[i - 1] = argv[i];
	for (int i = 0; i < 7; i++)
		if (!*f[i])
			*f[i] = "";
	int rc = attack(&t);
	note("ESCAPED the technique returned %d without a verdict", rc);
	return 3;
}

#endif
