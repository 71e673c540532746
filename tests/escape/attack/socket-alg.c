// SPDX-License-Identifier: Apache-2.0
// Kernel surface: AF_ALG, the kernel crypto API (a long CVE list).
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, AF_ALG, SOCK_RAW, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_ALG): %s", ename(errno));
	escaped("socket(AF_ALG) made fd %ld", s);
}
