// SPDX-License-Identifier: Apache-2.0
// Network: a raw IPv4 socket (forged packets) needs CAP_NET_RAW.
#include "attack.h"
#include <netinet/in.h>
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	long s = sys_try(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (s < 0)
		blocked(errno == EPERM ? "caps" : "seccomp-errno", "socket(AF_INET, SOCK_RAW): %s", ename(errno));
	escaped("raw socket fd %ld", s);
}
