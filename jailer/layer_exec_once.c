// SPDX-License-Identifier: Apache-2.0
/*
 * Exec once: after the VMM's own execve, every further execve/execveat of
 * the tenant fails (EPERM) and is audited.
 *
 * seccomp must allow the execve that starts the VMM, so a syscall filter
 * alone cannot stop a compromised VMM from exec'ing a shell it wrote into a
 * writable dir or a memfd.  Here execve/execveat return SECCOMP_RET_USER_NOTIF
 * and the supervisor, outside the jail, decides: it lets exactly one through,
 * the first, from the tenant process it cloned, before any tenant code has
 * run.  That decision depends on no argument in tenant memory, so the
 * CONTINUE answer has none of the time-of-check races the kernel docs warn
 * about.  If the supervisor is gone the kernel fails the syscall (ENOSYS):
 * closed, not open.  Landlock's execute right (only the VMM binary and its
 * interpreter) and noexec on every writable mount are the second and third
 * walls; the BPF LSM layer will add a kernel-side check.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jailer/canary.h"
#include "jailer/execonce.h"
#include "jailer/launch.h"
#include "jailer/layer.h"

static int sys_seccomp(unsigned op, unsigned flags, void *args)
{
	return (int)syscall(SYS_seccomp, op, flags, args);
}

/* execve/execveat -> USER_NOTIF; foreign arch and x32 numbers -> kill. */
static int install_filter(void)
{
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]), .filter = insns};
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

int vj_send_fd(int sock, int fd)
{
	char dummy = 'F';
	struct iovec iov = {.iov_base = &dummy, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = u.buf,
	                     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int vj_recv_fd(int sock)
{
	char dummy;
	struct iovec iov = {.iov_base = &dummy, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = u.buf,
	                     .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n == 0 ? -EPIPE : -errno;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Canary: a child's getppid goes to a listener we hold; we answer EPERM. */
static int canary(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		struct sock_filter insns[] = {
		    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {.len = 4, .filter = insns};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(2);
		int fd =
		    sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (fd < 0 || vj_send_fd(sv[1], fd) < 0)
			_exit(3);
		close(fd);
		long r = syscall(SYS_getppid);
		_exit(r < 0 && errno == EPERM ? 0 : 1);
	}
	close(sv[1]);
	int lfd = vj_recv_fd(sv[0]);
	if (lfd >= 0) {
		struct seccomp_notif req;
		memset(&req, 0, sizeof(req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
			struct seccomp_notif_resp resp = {.id = req.id, .error = -EPERM};
			ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		}
		close(lfd);
	}
	close(sv[0]);
	/* the child exits 0 only if its getppid got our EPERM */
	return vj_canary_wait(pid);
}

static int probe(struct vj_probe *out)
{
	unsigned action = SECCOMP_RET_USER_NOTIF;
	if (sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		out->available = false;
		vj_fmt(out->reason, sizeof(out->reason),
		       "seccomp user notification is not supported (needs Linux 5.0+)");
		return 0;
	}
	if (canary() < 0) {
		out->available = false;
		vj_fmt(out->reason, sizeof(out->reason),
		       "a user-notification canary was not answered by its supervisor");
		return 0;
	}
	out->available = true;
	vj_fmt(out->features, sizeof(out->features),
	       "seccomp user notification on execve/execveat, answered by the supervisor");
	return 0;
}

static int apply(struct vj_launch *l, struct vj_err *e)
{
	int fd = install_filter();
	if (fd < 0)
		return vj_failx(e, errno, "installing the exec-once filter");
	int rc = vj_send_fd(l->notif_sock[1], fd);
	close(fd);
	close(l->notif_sock[1]);
	l->notif_sock[1] = -1;
	if (rc < 0)
		return vj_failx(e, rc, "handing the exec-once listener to the supervisor");
	return 0;
}

static void describe(const struct vj_plan *p, FILE *out)
{
	fprintf(out,
	        "exec-once: the first execve (%s) continues, every later execve/execveat "
	        "fails with EPERM and is audited\n",
	        p->exec_jail);
}

/* Copy a NUL-terminated string from the tenant for the audit record. */
static size_t read_tenant_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	if (!addr)
		return 0;
	struct iovec local = {.iov_base = buf, .iov_len = len - 1};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len - 1};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strnlen(buf, (size_t)n);
}

int vj_exec_once_handle(struct vj_launch *l, struct vj_exec_attempt *att)
{
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	memset(att, 0, sizeof(*att));
	if (ioctl(l->notif_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno;

	struct seccomp_notif_resp resp = {.id = req.id};
	att->pid = (pid_t)req.pid;
	att->nr = req.data.nr;
	bool first = !l->vmm_execd && (pid_t)req.pid == l->pid;
	if (first) {
		/* The one exec we launched ourselves. */
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		l->vmm_execd = true;
		att->allowed = true;
	} else {
		resp.error = -EPERM;
		uint64_t path = req.data.nr == __NR_execveat ? req.data.args[1] : req.data.args[0];
		att->path_len = read_tenant_string(att->pid, path, att->path, sizeof(att->path));
		if (req.data.nr == __NR_execveat)
			att->dirfd = (int)req.data.args[0];
	}
	/* The answer goes out whatever the audit side does afterwards. */
	if (ioctl(l->notif_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return -errno;
	return 1;
}

const struct vj_layer_ops vj_layer_exec_once = {
    .id = VJ_LAYER_EXEC_ONCE,
    .probe = probe,
    .apply = apply,
    .describe = describe,
};
