// SPDX-License-Identifier: Apache-2.0
// Files: open_by_handle_at opens by inode number past every path check (the shocker escape).
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	struct { struct file_handle h; unsigned char b[128]; } fh = {.h = {.handle_bytes = 8, .handle_type = 1}};
	unsigned int ino = 2; /* the root inode of most filesystems */
	memcpy(fh.h.f_handle, &ino, sizeof ino);
	verdict_rc(sys_try(SYS_open_by_handle_at, 0, &fh.h, O_RDONLY), "seccomp", "open_by_handle_at");
	return 0;
}
