// SPDX-License-Identifier: Apache-2.0
// Kernel surface: AF_NETLINK reaches the host's routing and firewall.
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, AF_NETLINK, SOCK_RAW, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_NETLINK): %s", ename(errno));
	escaped("socket(AF_NETLINK) made fd %ld", s);
}
