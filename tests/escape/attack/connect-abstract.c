// SPDX-License-Identifier: Apache-2.0
// IPC: the host'\''s abstract unix socket (abstract names are per network namespace; Landlock scopes them too).
#include "attack.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static int attack(const struct target *t)
{
	int s = via(SYS_socket, socket(AF_UNIX, SOCK_STREAM, 0));
	if (s < 0)
		blocked("seccomp-errno", "socket(AF_UNIX): %s", ename(errno));
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "%s", t->abstract);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(t->abstract));
	if (via(SYS_connect, connect(s, (struct sockaddr *)&a, len)) == 0)
		escaped("connected to the host abstract socket @%s", t->abstract);
	blocked(errno == EPERM ? "landlock" : "net-ns", "connect(@%s): %s", t->abstract, ename(errno));
}
