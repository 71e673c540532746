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
 *   SYSCALL <nr>              before each attempt a verdict may judge
 *                             (sys_try, via): the harness looks for the
 *                             tenant's refusal record naming that number
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

/* The syscall a verdict is about.  Every attempt the verdict may judge is
 * announced as "SYSCALL <nr>" (its number on the ABI it enters by) before it
 * is made, so the line survives a seccomp kill: the harness takes the last
 * one before the verdict and requires a seccomp record with the tenant's id
 * naming that number whenever seccomp refused it (errno, trap or kill). */
__attribute__((unused)) static void tried(long nr)
{
	char b[40];
	int n = snprintf(b, sizeof b, "SYSCALL %ld\n", nr);
	(void)!write(1, b, (size_t)n);
}
/* sys_try(SYS_x, args...): syscall(SYS_x, args...), announced */
#define sys_try(nr, ...) (tried(nr), syscall((nr), ##__VA_ARGS__))
/* via(SYS_x, libc_call(...)): a libc wrapper whose syscall is SYS_x, announced */
#define via(nr, call) (tried(nr), (call))

/* errno as its name: the verdict says exactly which refusal it met */
__attribute__((unused)) static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

/* The verdict for "a raw syscall returned": -1 blocked with its errno (the
 * layer given by the caller), anything else escaped.  A seccomp rule that
 * returns an errno is "seccomp-errno" (audited since the policy's filter is
 * loaded with SECCOMP_FILTER_FLAG_LOG: the harness requires the record naming
 * the announced syscall, see tried()).  A capability, permission or limit
 * check answers EPERM or EACCES, nothing else: any other errno (ENOSYS, the
 * default policy's answer) came from the policy, so it is "seccomp-errno" and
 * cannot pass as an unaudited refusal. */
__attribute__((unused)) static const char *errno_layer(const char *layer, int e)
{
	if (!strcmp(layer, "seccomp"))
		return "seccomp-errno";
	if ((!strcmp(layer, "caps") || !strcmp(layer, "dac") || !strcmp(layer, "rlimit")) &&
	    e != EPERM && e != EACCES)
		return "seccomp-errno";
	return layer;
}

__attribute__((unused, noreturn)) static void verdict_rc(long rc, const char *layer, const char *what)
{
	if (rc < 0) {
		int e = errno;
		blocked(errno_layer(layer, e), "%s: %s", what, ename(e));
	}
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
