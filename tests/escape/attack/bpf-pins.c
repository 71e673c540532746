// SPDX-License-Identifier: Apache-2.0
// Policy tampering: the pinned cgroup-BPF programs and maps (/sys/fs/bpf) are out of reach.
#include "attack.h"
#include <fcntl.h>

static int attack(const struct target *t)
{
	(void)t;
	int fd = via(SYS_openat, open("/sys/fs/bpf", O_RDONLY | O_DIRECTORY));
	if (fd >= 0)
		escaped("opened /sys/fs/bpf");
	blocked(errno == ENOENT ? "mount-ns" : "landlock", "open(/sys/fs/bpf): %s", ename(errno));
}
