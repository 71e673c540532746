// SPDX-License-Identifier: Apache-2.0
// Side channel: fanotify watches whole mounts (needs CAP_SYS_ADMIN).
#include "attack.h"
#include <fcntl.h>
#include <sys/fanotify.h>

static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY), "caps", "fanotify_init");
}
