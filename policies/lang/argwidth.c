// SPDX-License-Identifier: Apache-2.0
/*
 * Which syscall arguments are 32-bit on x86_64.
 *
 * Facts from the kernel's prototypes: include/linux/syscalls.h (the
 * asmlinkage sys_* declarations) and the SYSCALL_DEFINEn() definitions they
 * mirror (kernel/sys.c, fs/ioctl.c, fs/fcntl.c, net/socket.c, kernel/futex/,
 * mm/, arch/x86/kernel/sys_x86_64.c for mmap).  An argument declared int,
 * unsigned int, u32, pid_t, uid_t, gid_t, clockid_t, key_serial_t, umode_t or
 * an enum is truncated to 32 bits by the syscall wrapper, so the kernel never
 * sees the upper half the caller passed in the register; long, unsigned long,
 * size_t, loff_t and pointers are 64-bit.
 *
 * A syscall missing from this table has only 64-bit arguments as far as the
 * validator is concerned, which is the safe direction: it admits every
 * operator, and codegen compares all 64 bits.  The cost of a missing entry is
 * a filter a caller can defeat by setting high bits on an int argument, so
 * every syscall commonly filtered on an int argument must be here.
 */
#include "policies/lang/syscalls.h"

#include <stdlib.h>
#include <string.h>

#define A(n) (1u << (n))

struct argw {
	const char *name;
	unsigned mask;
};

/* Sorted by name (checked by tests/c/test_policy_tables.c). */
static const struct argw argw[] = {
    {"accept", A(0)},
    {"accept4", A(0) | A(3)},
    {"access", A(1)},
    {"add_key", A(4)},
    {"alarm", A(0)},
    {"arch_prctl", A(0)},
    {"bind", A(0) | A(2)},
    {"bpf", A(0) | A(2)},
    {"capget", 0},
    {"chmod", A(1)},
    {"clock_adjtime", A(0)},
    {"clock_getres", A(0)},
    {"clock_gettime", A(0)},
    {"clock_nanosleep", A(0) | A(1)},
    {"clock_settime", A(0)},
    {"close", A(0)},
    {"close_range", A(0) | A(1) | A(2)},
    {"connect", A(0) | A(2)},
    {"copy_file_range", A(0) | A(2) | A(5)},
    {"creat", A(1)},
    {"delete_module", A(1)},
    {"dup", A(0)},
    {"dup2", A(0) | A(1)},
    {"dup3", A(0) | A(1) | A(2)},
    {"epoll_create", A(0)},
    {"epoll_create1", A(0)},
    {"epoll_ctl", A(0) | A(1) | A(2)},
    {"epoll_pwait", A(0) | A(2) | A(3)},
    {"epoll_pwait2", A(0) | A(2)},
    {"epoll_wait", A(0) | A(2) | A(3)},
    {"eventfd", A(0)},
    {"eventfd2", A(0) | A(1)},
    {"execveat", A(0) | A(4)},
    {"exit", A(0)},
    {"exit_group", A(0)},
    {"faccessat", A(0) | A(2)},
    {"faccessat2", A(0) | A(2) | A(3)},
    {"fadvise64", A(0) | A(3)},
    {"fallocate", A(0) | A(1)},
    {"fchdir", A(0)},
    {"fchmod", A(0) | A(1)},
    {"fchmodat", A(0) | A(2)},
    {"fchown", A(0) | A(1) | A(2)},
    {"fchownat", A(0) | A(2) | A(3) | A(4)},
    {"fcntl", A(0) | A(1)},
    {"fdatasync", A(0)},
    {"finit_module", A(0) | A(2)},
    {"flock", A(0) | A(1)},
    {"fsconfig", A(0) | A(1) | A(4)},
    {"fsmount", A(0) | A(1) | A(2)},
    {"fsopen", A(1)},
    {"fspick", A(0) | A(2)},
    {"fstat", A(0)},
    {"fstatfs", A(0)},
    {"fsync", A(0)},
    {"ftruncate", A(0)},
    {"futex", A(1) | A(2) | A(5)},
    {"get_robust_list", A(0)},
    {"getdents64", A(0) | A(2)},
    {"getitimer", A(0)},
    {"getpeername", A(0)},
    {"getpgid", A(0)},
    {"getpriority", A(0) | A(1)},
    {"getrandom", A(2)},
    {"getrlimit", A(0)},
    {"getsid", A(0)},
    {"getsockname", A(0)},
    {"getsockopt", A(0) | A(1) | A(2)},
    {"inotify_add_watch", A(0) | A(2)},
    {"inotify_init1", A(0)},
    {"inotify_rm_watch", A(0) | A(1)},
    {"io_uring_enter", A(0) | A(1) | A(2) | A(3)},
    {"io_uring_register", A(0) | A(1) | A(3)},
    {"io_uring_setup", A(0)},
    {"ioctl", A(0) | A(1)},
    {"ioperm", A(2)},
    {"iopl", A(0)},
    {"ioprio_get", A(0) | A(1)},
    {"ioprio_set", A(0) | A(1) | A(2)},
    {"kcmp", A(0) | A(1) | A(2)},
    {"kexec_file_load", A(0) | A(1)},
    {"keyctl", A(0)},
    {"kill", A(0) | A(1)},
    {"landlock_add_rule", A(0) | A(1) | A(3)},
    {"landlock_create_ruleset", A(2)},
    {"landlock_restrict_self", A(0) | A(1)},
    {"listen", A(0) | A(1)},
    {"lseek", A(0) | A(2)},
    {"madvise", A(2)},
    {"membarrier", A(0) | A(1) | A(2)},
    {"memfd_create", A(1)},
    {"memfd_secret", A(0)},
    {"mkdir", A(1)},
    {"mkdirat", A(0) | A(2)},
    {"mknod", A(1) | A(2)},
    {"mknodat", A(0) | A(2) | A(3)},
    {"mlock2", A(2)},
    {"mlockall", A(0)},
    {"mount_setattr", A(0) | A(2)},
    {"move_mount", A(0) | A(2) | A(4)},
    {"msync", A(2)},
    {"name_to_handle_at", A(0) | A(4)},
    {"newfstatat", A(0) | A(3)},
    {"open", A(1) | A(2)},
    {"open_by_handle_at", A(0) | A(2)},
    {"open_tree", A(0) | A(2)},
    {"openat", A(0) | A(2) | A(3)},
    {"openat2", A(0)},
    {"perf_event_open", A(1) | A(2) | A(3)},
    {"personality", A(0)},
    {"pidfd_getfd", A(0) | A(1) | A(2)},
    {"pidfd_open", A(0) | A(1)},
    {"pidfd_send_signal", A(0) | A(1) | A(3)},
    {"pipe2", A(1)},
    {"pkey_alloc", A(0)},
    {"pkey_free", A(0)},
    {"pkey_mprotect", A(3)},
    {"poll", A(1) | A(2)},
    {"ppoll", A(1)},
    {"prctl", A(0)},
    {"pread64", A(0)},
    {"prlimit64", A(0) | A(1)},
    {"process_madvise", A(0) | A(3) | A(4)},
    {"process_vm_readv", A(0)},
    {"process_vm_writev", A(0)},
    {"pselect6", A(0)},
    {"pwrite64", A(0)},
    {"quotactl", A(0)},
    {"read", A(0)},
    {"readlink", A(2)},
    {"readlinkat", A(0) | A(3)},
    {"reboot", A(0) | A(1) | A(2)},
    {"recvfrom", A(0) | A(3)},
    {"recvmmsg", A(0) | A(2) | A(3)},
    {"recvmsg", A(0) | A(2)},
    {"renameat", A(0) | A(2)},
    {"renameat2", A(0) | A(2) | A(4)},
    {"request_key", A(3)},
    {"rseq", A(1) | A(2) | A(3)},
    {"rt_sigaction", A(0)},
    {"rt_sigprocmask", A(0)},
    {"rt_sigqueueinfo", A(0) | A(1)},
    {"rt_tgsigqueueinfo", A(0) | A(1) | A(2)},
    {"sched_get_priority_max", A(0)},
    {"sched_get_priority_min", A(0)},
    {"sched_getaffinity", A(0) | A(1)},
    {"sched_getattr", A(0) | A(2) | A(3)},
    {"sched_getparam", A(0)},
    {"sched_getscheduler", A(0)},
    {"sched_setaffinity", A(0) | A(1)},
    {"sched_setattr", A(0) | A(2)},
    {"sched_setparam", A(0)},
    {"sched_setscheduler", A(0) | A(1)},
    {"seccomp", A(0) | A(1)},
    {"select", A(0)},
    {"sendfile", A(0) | A(1)},
    {"sendmmsg", A(0) | A(2) | A(3)},
    {"sendmsg", A(0) | A(2)},
    {"sendto", A(0) | A(3) | A(5)},
    {"set_mempolicy", A(0)},
    {"setfsgid", A(0)},
    {"setfsuid", A(0)},
    {"setgid", A(0)},
    {"setitimer", A(0)},
    {"setns", A(0) | A(1)},
    {"setpgid", A(0) | A(1)},
    {"setpriority", A(0) | A(1) | A(2)},
    {"setregid", A(0) | A(1)},
    {"setresgid", A(0) | A(1) | A(2)},
    {"setresuid", A(0) | A(1) | A(2)},
    {"setreuid", A(0) | A(1)},
    {"setrlimit", A(0)},
    {"setsockopt", A(0) | A(1) | A(2) | A(4)},
    {"setuid", A(0)},
    {"shmat", A(0) | A(2)},
    {"shmctl", A(0) | A(1)},
    {"shmget", A(0) | A(2)},
    {"shutdown", A(0) | A(1)},
    {"signalfd", A(0)},
    {"signalfd4", A(0) | A(3)},
    {"socket", A(0) | A(1) | A(2)},
    {"socketpair", A(0) | A(1) | A(2)},
    {"splice", A(0) | A(2) | A(5)},
    {"statx", A(0) | A(2) | A(3)},
    {"swapon", A(1)},
    {"sync_file_range", A(0) | A(3)},
    {"syncfs", A(0)},
    {"syslog", A(0) | A(2)},
    {"tee", A(0) | A(1) | A(3)},
    {"tgkill", A(0) | A(1) | A(2)},
    {"timer_create", A(0)},
    {"timerfd_create", A(0) | A(1)},
    {"timerfd_gettime", A(0)},
    {"timerfd_settime", A(0) | A(1)},
    {"tkill", A(0) | A(1)},
    {"umask", A(0)},
    {"umount2", A(1)},
    {"unlinkat", A(0) | A(2)},
    {"userfaultfd", A(0)},
    {"utimensat", A(0) | A(3)},
    {"vmsplice", A(0) | A(3)},
    {"wait4", A(0) | A(2)},
    {"waitid", A(0) | A(1) | A(3)},
    {"write", A(0)},
};

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct argw *)elem)->name);
}

unsigned vj_syscall_arg32_mask(const char *name)
{
	const struct argw *w =
	    bsearch(name, argw, sizeof(argw) / sizeof(argw[0]), sizeof(argw[0]), cmp);
	return w ? w->mask : 0;
}

bool vj_syscall_arg32(int nr, unsigned arg)
{
	char buf[64];

	if (arg > 5 || !vj_syscall_name(nr, buf, sizeof(buf)))
		return false;
	return (vj_syscall_arg32_mask(buf) >> arg) & 1;
}

const char *vj_syscall_arg32_entry(size_t i)
{
	return i < sizeof(argw) / sizeof(argw[0]) ? argw[i].name : NULL;
}
