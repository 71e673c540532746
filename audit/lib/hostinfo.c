// SPDX-License-Identifier: Apache-2.0
#include "audit/lib/hostinfo.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void vj_hostinfo_load(struct vj_hostinfo *h)
{
	memset(h, 0, sizeof(*h));
	if (gethostname(h->host, sizeof(h->host) - 1) < 0)
		h->host[0] = '\0';
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, h->boot_id, sizeof(h->boot_id) - 1);
		close(fd);
		if (n < 0)
			n = 0;
		h->boot_id[n] = '\0';
		h->boot_id[strcspn(h->boot_id, "\n")] = '\0';
	}
}
