// SPDX-License-Identifier: Apache-2.0
// Network: bind a privileged port (80) to impersonate a host service.
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int attack(const struct target *t)
{
	(void)t;
	int s = via(SYS_socket, socket(AF_INET, SOCK_STREAM, 0));
	if (s < 0)
		blocked(errno == EPERM ? "cgroup-bpf" : "seccomp-errno", "socket: %s", ename(errno));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
	if (via(SYS_bind, bind(s, (struct sockaddr *)&a, sizeof a)) == 0)
		escaped("bound port 80");
	blocked(errno == EACCES ? "caps" : "cgroup-bpf", "bind(:80): %s", ename(errno));
}
