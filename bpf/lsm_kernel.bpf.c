// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0-only)
/*
 * BPF LSM, the kernel's own surface: no mount, move_mount or pivot_root
 * after the VMM started, no bpf(), no perf_event_open, no module request,
 * no kernel file or blob loading (modules, firmware, kexec, policy).  A
 * jailed VMM needs none of them; each is a route to kernel code that the
 * seccomp filter may also refuse, refused here again where the kernel can
 * see the object.
 *
 * bpf and perf_event_open do not read their arguments: their signatures
 * differ between kernel versions (6.9 added bpf's `kernel`, and the
 * perf_event_open hook lost its attr), and the positional context would
 * read the wrong one.
 */
#include "bpf/vjbpf_lsm.bpf.h"

static __always_inline int vj_kernel_deny(__u32 hook, __s64 arg, const char *kstr)
{
	struct vj_lsm_ctx c;
	if (!vj_lsm_tenant(&c))
		return 0;
	return vj_lsm_deny(&c, hook, arg, kstr);
}

SEC("lsm/sb_mount")
int BPF_PROG(vj_lsm_mount, const char *dev_name, const struct path *path, const char *type,
             unsigned long flags, void *data, int ret)
{
	if (ret)
		return ret;
	return vj_kernel_deny(VJBPF_HOOK_LSM_MOUNT, (__s64)flags, type);
}

SEC("lsm/move_mount")
int BPF_PROG(vj_lsm_move_mount, const struct path *from, const struct path *to)
{
	return vj_kernel_deny(VJBPF_HOOK_LSM_MOVE_MOUNT, 0, NULL);
}

SEC("lsm/sb_pivotroot")
int BPF_PROG(vj_lsm_pivotroot, const struct path *old_path, const struct path *new_path, int ret)
{
	if (ret)
		return ret;
	return vj_kernel_deny(VJBPF_HOOK_LSM_PIVOTROOT, 0, NULL);
}

SEC("lsm/bpf")
int BPF_PROG(vj_lsm_bpf, int cmd)
{
	return vj_kernel_deny(VJBPF_HOOK_LSM_BPF, cmd, NULL);
}

SEC("lsm/perf_event_open")
int BPF_PROG(vj_lsm_perf)
{
	return vj_kernel_deny(VJBPF_HOOK_LSM_PERF, 0, NULL);
}

SEC("lsm/kernel_module_request")
int BPF_PROG(vj_lsm_modreq, char *kmod_name, int ret)
{
	if (ret)
		return ret;
	return vj_kernel_deny(VJBPF_HOOK_LSM_MODREQ, 0, kmod_name);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(vj_lsm_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
             int ret)
{
	if (ret)
		return ret;
	return vj_kernel_deny(VJBPF_HOOK_LSM_READ_FILE, id, NULL);
}

SEC("lsm/kernel_load_data")
int BPF_PROG(vj_lsm_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret)
		return ret;
	return vj_kernel_deny(VJBPF_HOOK_LSM_LOAD_DATA, id, NULL);
}
