// SPDX-License-Identifier: Apache-2.0
/* Names for what the programs report: hooks, families, socket types, access. */
#include "bpf/internal.h"

#include <stdio.h>
#include <sys/socket.h>

/* "lsm/<hook>", the names records carry (static: events point at them). */
static const char *const vjbpf_lsm_names[VJBPF_LSM_NHOOKS] = {
    "lsm/bprm_committed_creds",
    "lsm/bprm_check_security",
    "lsm/task_fix_setuid",
    "lsm/task_fix_setgid",
    "lsm/task_fix_setgroups",
    "lsm/capable",
    "lsm/userns_create",
    "lsm/task_kill",
    "lsm/ptrace_access_check",
    "lsm/file_open",
    "lsm/file_ioctl",
    "lsm/file_receive",
    "lsm/path_notify",
    "lsm/sb_mount",
    "lsm/move_mount",
    "lsm/sb_pivotroot",
    "lsm/bpf",
    "lsm/perf_event_open",
    "lsm/kernel_module_request",
    "lsm/kernel_read_file",
    "lsm/kernel_load_data",
    "lsm/socket_create",
    "lsm/unix_stream_connect",
    "lsm/socket_listen",
    "lsm/file_alloc_security",
    "lsm/file_free_security",
};

const char *vjbpf__hook_name(uint32_t hook)
{
	static const char *const names[VJBPF_HOOK__COUNT] = {
	    [VJBPF_HOOK_DEV] = "cgroup/dev",
	    [VJBPF_HOOK_SOCK_CREATE] = "cgroup/sock_create",
	    [VJBPF_HOOK_CONNECT4] = "cgroup/connect4",
	    [VJBPF_HOOK_CONNECT6] = "cgroup/connect6",
	    [VJBPF_HOOK_BIND4] = "cgroup/bind4",
	    [VJBPF_HOOK_BIND6] = "cgroup/bind6",
	    [VJBPF_HOOK_SENDMSG4] = "cgroup/sendmsg4",
	    [VJBPF_HOOK_SENDMSG6] = "cgroup/sendmsg6",
	    [VJBPF_HOOK_SYSCTL] = "cgroup/sysctl",
	    [VJBPF_HOOK_LISTEN4] = "cgroup_skb/ingress",
	    [VJBPF_HOOK_LISTEN6] = "cgroup_skb/ingress",
	};
	for (int i = 0; i < VJBPF_LSM_NHOOKS; i++)
		if (hook >= VJBPF_HOOK_LSM_FIRST && vjbpf_lsm_hooks[i].rec_hook == hook)
			return vjbpf_lsm_names[i];
	if (hook < VJBPF_HOOK__COUNT && names[hook])
		return names[hook];
	return "cgroup/unknown";
}

const char *vjbpf__family_name(int family)
{
	switch (family) {
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	case AF_VSOCK:
		return "AF_VSOCK";
	case AF_ALG:
		return "AF_ALG";
	case AF_KEY:
		return "AF_KEY";
	case AF_BLUETOOTH:
		return "AF_BLUETOOTH";
	case AF_XDP:
		return "AF_XDP";
	default:
		return NULL;
	}
}

const char *vjbpf__socktype_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "SOCK_STREAM";
	case SOCK_DGRAM:
		return "SOCK_DGRAM";
	case SOCK_RAW:
		return "SOCK_RAW";
	case SOCK_SEQPACKET:
		return "SOCK_SEQPACKET";
	case SOCK_RDM:
		return "SOCK_RDM";
	default:
		return NULL;
	}
}

/* "rwm" order as in the v1 devices controller; '-' for absent. */
const char *vjbpf__access_str(uint32_t access, char buf[4])
{
	buf[0] = (access & VJBPF_DEV_READ) ? 'r' : '-';
	buf[1] = (access & VJBPF_DEV_WRITE) ? 'w' : '-';
	buf[2] = (access & VJBPF_DEV_MKNOD) ? 'm' : '-';
	buf[3] = '\0';
	return buf;
}
