// SPDX-License-Identifier: Apache-2.0
// Kernel surface: bpf() loads programs into the kernel.
#include "attack.h"
#include <linux/bpf.h>

static int attack(const struct target *t)
{
	(void)t;
	union bpf_attr a = {.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1};
	verdict_rc(sys_try(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a), "seccomp", "bpf(BPF_MAP_CREATE)");
	return 0;
}
