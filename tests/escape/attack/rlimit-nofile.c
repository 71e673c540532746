// SPDX-License-Identifier: Apache-2.0
// Resources: fds are bounded (RLIMIT_NOFILE); raising the hard limit is refused.
#include "attack.h"
#include <sys/resource.h>

static int attack(const struct target *t)
{
	(void)t;
	struct rlimit r;
	getrlimit(RLIMIT_NOFILE, &r);
	if (r.rlim_max == RLIM_INFINITY || r.rlim_max > 1048576)
		escaped("RLIMIT_NOFILE hard limit is %lu", (unsigned long)r.rlim_max);
	struct rlimit up = {r.rlim_max * 2, r.rlim_max * 2};
	verdict_rc(via(SYS_prlimit64, setrlimit(RLIMIT_NOFILE, &up)), "rlimit", "raise RLIMIT_NOFILE");
}
