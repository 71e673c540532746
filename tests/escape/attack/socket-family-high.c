// SPDX-License-Identifier: Apache-2.0
// Module autoload: a socket family with bit 0x40 set (the filter compares 32-bit families).
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, (0x40 | AF_INET), SOCK_RAW, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket((0x40 | AF_INET)): %s", ename(errno));
	escaped("socket((0x40 | AF_INET)) made fd %ld", s);
}
