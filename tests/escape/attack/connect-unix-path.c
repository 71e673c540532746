// SPDX-License-Identifier: Apache-2.0
// IPC: the host'\''s unix socket by its path.
#include "attack.h"
#include <sys/socket.h>
#include <sys/un.h>

static int attack(const struct target *t)
{
	int s = via(SYS_socket, socket(AF_UNIX, SOCK_STREAM, 0));
	if (s < 0)
		blocked("seccomp-errno", "socket(AF_UNIX): %s", ename(errno));
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", t->unix_path);
	if (via(SYS_connect, connect(s, (struct sockaddr *)&a, sizeof a)) == 0)
		escaped("connected to the host socket %s", t->unix_path);
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "connect(%s): %s", t->unix_path, ename(errno));
}
