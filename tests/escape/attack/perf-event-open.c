// SPDX-License-Identifier: Apache-2.0
// Kernel surface: perf_event_open (a long CVE list, host-wide counters).
#include "attack.h"
#include <linux/perf_event.h>

static int attack(const struct target *t)
{
	(void)t;
	struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof a, .config = PERF_COUNT_SW_CPU_CLOCK, .exclude_kernel = 1};
	verdict_rc(sys_try(SYS_perf_event_open, &a, 0, -1, -1, 0), "seccomp", "perf_event_open");
	return 0;
}
