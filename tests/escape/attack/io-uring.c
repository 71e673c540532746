// SPDX-License-Identifier: Apache-2.0
// Kernel surface: io_uring performs I/O that bypasses seccomp (finding 3).
#include "attack.h"
#include <linux/io_uring.h>

static int attack(const struct target *t)
{
	(void)t;
	struct io_uring_params p = {0};
	verdict_rc(sys_try(SYS_io_uring_setup, 4, &p), "seccomp", "io_uring_setup");
	return 0;
}
