// SPDX-License-Identifier: Apache-2.0
// seccomp ABI: the i386 entry (int 0x80) with i386 numbers; the compiled
// filter kills every foreign architecture.  Tried in a child, so the parent
// can tell a seccomp kill (SIGSYS) from a kernel without IA32 emulation
// (SIGSEGV: the technique does not apply).
#include <signal.h>
#include <sys/wait.h>

#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	pid_t pid = fork();
	if (pid == 0) {
		long r;
		tried(199);
		/* i386 __NR_getuid32 = 199 */
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(199L) : "memory");
		_exit(r < 0 ? 2 : 1);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		blocked("jailer", "fork: %s", ename(errno));
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		blocked("seccomp", "int 0x80 getuid32: the child was killed by SIGSYS");
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
		note("SKIP this kernel has no IA32 emulation (int 0x80 raised SIGSEGV)");
		_exit(0);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		blocked("seccomp-errno", "int 0x80 getuid32 returned an error");
	escaped("int 0x80 getuid32 ran (child status %#x)", st);
}
