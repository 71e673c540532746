// SPDX-License-Identifier: Apache-2.0
/* The fixed vocabularies of the language: layers, requirement levels,
 * devices, rlimits.  One table each, shared by the parser and the printers. */
#include "policies/lang/policy.h"

#include <stdio.h>
#include <string.h>

static const char *const layer_names[VJ_LAYER__COUNT] = {
    [VJ_LAYER_SECCOMP] = "seccomp",
    [VJ_LAYER_EXEC_ONCE] = "exec-once",
    [VJ_LAYER_LANDLOCK] = "landlock",
    [VJ_LAYER_CGROUP_BPF] = "cgroup-bpf",
    [VJ_LAYER_CGROUP_LIMITS] = "cgroup-limits",
    [VJ_LAYER_BPF_LSM] = "bpf-lsm",
    [VJ_LAYER_APPARMOR] = "apparmor",
};

const char *vj_layer_name(enum vj_layer l)
{
	return (unsigned)l < VJ_LAYER__COUNT ? layer_names[l] : "?";
}

int vj_layer_from_name(const char *name)
{
	int i;

	for (i = 0; i < VJ_LAYER__COUNT; i++)
		if (strcmp(layer_names[i], name) == 0)
			return i;
	return -1;
}

const char *vj_req_name(enum vj_req r)
{
	switch (r) {
	case VJ_REQ_OFF:
		return "off";
	case VJ_REQ_IF_AVAILABLE:
		return "if-available";
	case VJ_REQ_REQUIRED:
		return "required";
	}
	return "?";
}

/* Major/minor numbers from the kernel's Documentation/admin-guide/devices.txt. */
static const struct vj_devinfo devs[VJ_DEV__COUNT] = {
    [VJ_DEV_KVM] = {"kvm", "/dev/kvm", 10, 232},
    [VJ_DEV_TUN] = {"net/tun", "/dev/net/tun", 10, 200},
    [VJ_DEV_VHOST_NET] = {"vhost-net", "/dev/vhost-net", 10, 238},
    [VJ_DEV_VHOST_VSOCK] = {"vhost-vsock", "/dev/vhost-vsock", 10, 241},
    [VJ_DEV_URANDOM] = {"urandom", "/dev/urandom", 1, 9},
    [VJ_DEV_RANDOM] = {"random", "/dev/random", 1, 8},
    [VJ_DEV_NULL] = {"null", "/dev/null", 1, 3},
    [VJ_DEV_ZERO] = {"zero", "/dev/zero", 1, 5},
    [VJ_DEV_FULL] = {"full", "/dev/full", 1, 7},
    [VJ_DEV_USERFAULTFD] = {"userfaultfd", "/dev/userfaultfd", 10, 126},
};

const struct vj_devinfo *vj_dev_info(enum vj_dev d)
{
	return (unsigned)d < VJ_DEV__COUNT ? &devs[d] : NULL;
}

int vj_dev_from_name(const char *name)
{
	int i;

	for (i = 0; i < VJ_DEV__COUNT; i++)
		if (strcmp(devs[i].name, name) == 0)
			return i;
	return -1;
}

/* Names as prlimit(1) spells them. */
static const char *const rlimit_names[RLIM_NLIMITS] = {
    [RLIMIT_AS] = "as",
    [RLIMIT_CORE] = "core",
    [RLIMIT_CPU] = "cpu",
    [RLIMIT_DATA] = "data",
    [RLIMIT_FSIZE] = "fsize",
    [RLIMIT_LOCKS] = "locks",
    [RLIMIT_MEMLOCK] = "memlock",
    [RLIMIT_MSGQUEUE] = "msgqueue",
    [RLIMIT_NICE] = "nice",
    [RLIMIT_NOFILE] = "nofile",
    [RLIMIT_NPROC] = "nproc",
    [RLIMIT_RSS] = "rss",
    [RLIMIT_RTPRIO] = "rtprio",
    [RLIMIT_RTTIME] = "rttime",
    [RLIMIT_SIGPENDING] = "sigpending",
    [RLIMIT_STACK] = "stack",
};

const char *vj_rlimit_name(int resource)
{
	if (resource < 0 || resource >= RLIM_NLIMITS || !rlimit_names[resource])
		return NULL;
	return rlimit_names[resource];
}

int vj_rlimit_from_name(const char *name)
{
	int i;

	for (i = 0; i < RLIM_NLIMITS; i++)
		if (rlimit_names[i] && strcmp(rlimit_names[i], name) == 0)
			return i;
	return -1;
}

const char *vj_policy_hash_hex(const struct vj_policy *p, char buf[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < 32; i++) {
		buf[2 * i] = hex[p->hash[i] >> 4];
		buf[2 * i + 1] = hex[p->hash[i] & 15];
	}
	buf[64] = '\0';
	return buf;
}
