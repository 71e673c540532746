// SPDX-License-Identifier: Apache-2.0
// Network: AF_VSOCK reaches the host's vsock services.
#include "attack.h"
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, AF_VSOCK, SOCK_RAW, 0);
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_VSOCK): %s", ename(errno));
	escaped("socket(AF_VSOCK) made fd %ld", s);
}
