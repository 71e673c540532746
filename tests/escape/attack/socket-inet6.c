// SPDX-License-Identifier: Apache-2.0
// Network: AF_INET6 is refused by the cgroup sock_create hook (default) or seccomp.
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	/* SOCK_DGRAM: a raw socket with protocol 0 is refused by the kernel
	 * (EPROTONOSUPPORT) before the cgroup hook or the policy is asked */
	long s = sys_try(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_INET6): %s", ename(errno));
	escaped("socket(AF_INET6) made fd %ld", s);
}
