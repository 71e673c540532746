// SPDX-License-Identifier: Apache-2.0
// Side channel (finding 14): inotify on a read-only bind every tenant shares
// (the libc) counts the host's opens and reads.  The default policy refuses
// inotify_add_watch; here the jail root stands in for the shared file.
#include <sys/inotify.h>

#include "attack.h"

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_inotify_init1, inotify_init1(IN_CLOEXEC));
	if (fd < 0)
		blocked("seccomp-errno", "inotify_init1: %s", ename(errno));
	verdict_rc(via(SYS_inotify_add_watch, inotify_add_watch(fd, "/", IN_OPEN | IN_ACCESS)), "seccomp",
	           "inotify_add_watch(/)");
}
