// SPDX-License-Identifier: Apache-2.0
// Terminal injection (bubblewrap CVE-2017-5226): the jail has its own session and no controlling tty.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/dev/tty", O_RDWR));
	if (fd >= 0)
		escaped("opened /dev/tty");
	if (getsid(0) != getpid())
		escaped("not its own session leader (sid %d)", getsid(0));
	blocked("jailer", "own session, open(/dev/tty): %s", ename(errno));
}
