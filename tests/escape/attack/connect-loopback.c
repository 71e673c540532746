// SPDX-License-Identifier: Apache-2.0
// Network: reach the host's loopback TCP listener.
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int attack(const struct target *t)
{
	int s = via(SYS_socket, socket(AF_INET, SOCK_STREAM, 0));
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket(AF_INET): %s", ename(errno));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(t->port))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (via(SYS_connect, connect(s, (struct sockaddr *)&a, sizeof a)) == 0)
		escaped("connected to the host listener 127.0.0.1:%s", t->port);
	blocked(errno == EPERM ? "cgroup-bpf" : "net-ns", "connect(127.0.0.1:%s): %s", t->port, ename(errno));
}
