/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Landlock's user-space ABI up to version 7 (Linux 6.15).  Debian 12's
 * headers stop at ABI 2, so the definitions are spelled out here, prefixed so
 * they never collide with a newer <linux/landlock.h>.  Values are the
 * kernel's ABI (Documentation/userspace-api/landlock.rst) and never change.
 */
#ifndef VMJAIL_LANDLOCK_ABI_H
#define VMJAIL_LANDLOCK_ABI_H

#include <linux/types.h>
#include <sys/syscall.h>
#include <unistd.h>

struct vj_ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net; /* ABI 4 */
	__u64 scoped;             /* ABI 6 */
};

struct vj_ll_path_beneath {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

struct vj_ll_net_port {
	__u64 allowed_access;
	__u64 port;
};

#define VJ_LL_RULE_PATH_BENEATH 1
#define VJ_LL_RULE_NET_PORT     2

#define VJ_LL_CREATE_RULESET_VERSION (1U << 0)

#define VJ_LL_FS_EXECUTE     (1ULL << 0)
#define VJ_LL_FS_WRITE_FILE  (1ULL << 1)
#define VJ_LL_FS_READ_FILE   (1ULL << 2)
#define VJ_LL_FS_READ_DIR    (1ULL << 3)
#define VJ_LL_FS_REMOVE_DIR  (1ULL << 4)
#define VJ_LL_FS_REMOVE_FILE (1ULL << 5)
#define VJ_LL_FS_MAKE_CHAR   (1ULL << 6)
#define VJ_LL_FS_MAKE_DIR    (1ULL << 7)
#define VJ_LL_FS_MAKE_REG    (1ULL << 8)
#define VJ_LL_FS_MAKE_SOCK   (1ULL << 9)
#define VJ_LL_FS_MAKE_FIFO   (1ULL << 10)
#define VJ_LL_FS_MAKE_BLOCK  (1ULL << 11)
#define VJ_LL_FS_MAKE_SYM    (1ULL << 12)
#define VJ_LL_FS_REFER       (1ULL << 13) /* ABI 2 */
#define VJ_LL_FS_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define VJ_LL_FS_IOCTL_DEV   (1ULL << 15) /* ABI 5 */

#define VJ_LL_NET_BIND_TCP    (1ULL << 0) /* ABI 4 */
#define VJ_LL_NET_CONNECT_TCP (1ULL << 1)

#define VJ_LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define VJ_LL_SCOPE_SIGNAL        (1ULL << 1)

#define VJ_LL_RESTRICT_LOG_SAME_EXEC_OFF  (1U << 0) /* ABI 7 */
#define VJ_LL_RESTRICT_LOG_NEW_EXEC_ON    (1U << 1)
#define VJ_LL_RESTRICT_LOG_SUBDOMAINS_OFF (1U << 2)

/* Rights that only make sense on files (a rule on a file may hold no other). */
#define VJ_LL_FS_FILE_RIGHTS                                                                       \
	(VJ_LL_FS_EXECUTE | VJ_LL_FS_WRITE_FILE | VJ_LL_FS_READ_FILE | VJ_LL_FS_TRUNCATE |         \
	 VJ_LL_FS_IOCTL_DEV)

static inline int vj_ll_create_ruleset(const struct vj_ll_ruleset_attr *attr, size_t size,
                                       __u32 flags)
{
	return (int)syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static inline int vj_ll_add_rule(int fd, int type, const void *attr)
{
	return (int)syscall(SYS_landlock_add_rule, fd, type, attr, 0);
}

static inline int vj_ll_restrict_self(int fd, __u32 flags)
{
	return (int)syscall(SYS_landlock_restrict_self, fd, flags);
}

/* Every filesystem right the given ABI knows. */
static inline __u64 vj_ll_fs_rights_for_abi(int abi)
{
	__u64 all = (1ULL << 13) - 1; /* ABI 1 */
	if (abi >= 2)
		all |= VJ_LL_FS_REFER;
	if (abi >= 3)
		all |= VJ_LL_FS_TRUNCATE;
	if (abi >= 5)
		all |= VJ_LL_FS_IOCTL_DEV;
	return all;
}

#endif
