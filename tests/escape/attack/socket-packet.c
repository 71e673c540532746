// SPDX-License-Identifier: Apache-2.0
// Network: AF_PACKET raw frames.
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, AF_PACKET, SOCK_RAW, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_PACKET): %s", ename(errno));
	escaped("socket(AF_PACKET) made fd %ld", s);
}
