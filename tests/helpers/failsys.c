// SPDX-License-Identifier: Apache-2.0
/*
 * failsys NR ERRNO CMD [ARGS...]: run CMD with syscall NR (x86_64) failing
 * with ERRNO, through a seccomp filter of its own (inherited across exec and
 * fork).  Tests use it to make one kernel call of vmjail fail for real and
 * check that vmjail fails closed (e.g. the supervisor's signalfd).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: failsys NR ERRNO CMD [ARGS...]\n");
		return 64;
	}
	unsigned nr = (unsigned)strtoul(argv[1], NULL, 0);
	unsigned err = (unsigned)strtoul(argv[2], NULL, 0);
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("failsys: seccomp");
		return 125;
	}
	execvp(argv[3], argv + 3);
	perror("failsys: exec");
	return 127;
}
