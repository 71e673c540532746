// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * The BPF LSM canary (vjbpf_lsm_probe): refuses file_open of one inode, for
 * one cgroup only, so that loading it can never disturb the host.  Loading
 * and attaching prove little (an LSM program attaches even when `bpf` is not
 * an active LSM); the probe also checks that the open is refused.
 *
 * LSM programs must carry a GPL-compatible license.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

const volatile __u64 target_cgid = 0;
const volatile __u64 target_ino = 0;
__u64 hits = 0;

SEC("lsm/file_open")
int BPF_PROG(vj_lsm_canary, struct file *file)
{
	if (target_cgid == 0 || bpf_get_current_cgroup_id() != target_cgid)
		return 0;
	if (BPF_CORE_READ(file, f_inode, i_ino) != target_ino)
		return 0;
	__sync_fetch_and_add(&hits, 1);
	return -1; /* -EPERM */
}

char LICENSE[] SEC("license") = "GPL";
