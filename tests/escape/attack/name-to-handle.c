// SPDX-License-Identifier: Apache-2.0
// Files: name_to_handle_at, the first half of the shocker escape.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	struct { struct file_handle h; unsigned char b[128]; } fh = {.h = {.handle_bytes = 128}};
	int mnt;
	verdict_rc(sys_try(SYS_name_to_handle_at, AT_FDCWD, "/", &fh.h, &mnt, 0), "seccomp", "name_to_handle_at");
	return 0;
}
