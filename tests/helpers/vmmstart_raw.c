// SPDX-License-Identifier: Apache-2.0
/*
 * vmmstart_raw: vmmstart.c's sequence with no libc at all, as a static
 * musl program (Firecracker, Cloud Hypervisor's musl build) starts: its own
 * _start, the thread pointer set with arch_prctl(ARCH_SET_FS),
 * set_tid_address, Rust's runtime checks (poll of fds 0-2, SIGPIPE ignored,
 * SIGSEGV handler on an alternate stack), then threads made by raw
 * clone(CLONE_VM|CLONE_THREAD|CLONE_SETTLS|...) as musl's pthread_create
 * does, an eventfd/epoll loop, joins through CLONE_CHILD_CLEARTID and a
 * futex, and with `self-filter` each thread's own seccomp filter.
 * Output as vmmstart's.
 */
#include <asm/prctl.h>
#include <asm/unistd.h>
#include <linux/audit.h>
#include <linux/errno.h>
#include <linux/eventpoll.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/poll.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/signal.h>
#include <linux/mman.h>
#include <stddef.h>
#include <stdint.h>

#define POSTS 5

long sys6(long nr, long a, long b, long c, long d, long e, long f);
long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls,
               int (*fn)(void *), void *arg);

__asm__(".text\n"
        ".globl sys6\n"
        "sys6:\n"
        "	mov %rdi, %rax\n"
        "	mov %rsi, %rdi\n"
        "	mov %rdx, %rsi\n"
        "	mov %rcx, %rdx\n"
        "	mov %r8, %r10\n"
        "	mov %r9, %r8\n"
        "	mov 8(%rsp), %r9\n"
        "	syscall\n"
        "	ret\n"
        /* raw_clone(flags, stack, ptid, ctid, tls, fn, arg): the child
         * starts on its own stack with fn and arg popped from it. */
        ".globl raw_clone\n"
        "raw_clone:\n"
        "	mov 8(%rsp), %rax\n"
        "	sub $16, %rsi\n"
        "	mov %r9, 0(%rsi)\n"
        "	mov %rax, 8(%rsi)\n"
        "	mov %rcx, %r10\n"
        "	mov $56, %eax\n"
        "	syscall\n"
        "	test %rax, %rax\n"
        "	jnz 1f\n"
        "	xor %ebp, %ebp\n"
        "	pop %rax\n"
        "	pop %rdi\n"
        "	call *%rax\n"
        "	mov %eax, %edi\n"
        "	mov $60, %eax\n"
        "	syscall\n"
        "	hlt\n"
        "1:	ret\n"
        ".globl _start\n"
        "_start:\n"
        "	xor %ebp, %ebp\n"
        "	mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call cstart\n"
        "	hlt\n");

#define sys(nr, ...) sys_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_n(nr, a, b, c, d, e, f, ...)                                                        \
	sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

void *memset(void *d, int c, size_t n);
void *memset(void *d, int c, size_t n)
{
	volatile unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

/* Minimal TLS blocks: %fs:0 points at itself, as every libc's does. */
struct tls {
	struct tls *self;
	long pad[15];
};
static struct tls tls_main, tls_thr[2];
static int tid_main, ctid[2];
static int efd, self_filter;

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	sys(__NR_write, 1, s, slen(s));
}

static void out_num(unsigned long v)
{
	char b[24], *p = b + sizeof(b) - 1;
	*p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	out(p);
}

static void fail(const char *step, long rc)
{
	out("vmmstart FAIL ");
	out(step);
	out(": errno ");
	out_num((unsigned long)-rc);
	out("\n");
	sys(__NR_exit_group, 1);
}

struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void on_segv(int sig)
{
	(void)sig;
	sys(__NR_exit_group, 3);
}

__asm__(".text\nrestorer:\n	mov $15, %eax\n	syscall\n	hlt\n");
void restorer(void);

static void altstack(void)
{
	struct {
		void *sp;
		int flags;
		size_t size;
	} ss = {0};
	long p = sys(__NR_mmap, 0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long rc;

	if (p < 0 && p > -4096)
		fail("mmap altstack", p);
	ss.sp = (void *)p;
	ss.size = 65536;
	if ((rc = sys(__NR_sigaltstack, &ss, 0)))
		fail("sigaltstack", rc);
}

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static void narrow(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    ALLOW(__NR_read),
	    ALLOW(__NR_write),
	    ALLOW(__NR_epoll_wait),
	    ALLOW(__NR_epoll_pwait),
	    ALLOW(__NR_futex),
	    ALLOW(__NR_munmap),
	    ALLOW(__NR_exit),
	    ALLOW(__NR_exit_group),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | E2BIG),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	long rc;

	if (!self_filter)
		return;
	if ((rc = sys(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
		fail("prctl(PR_SET_NO_NEW_PRIVS)", rc);
	if ((rc = sys(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)))
		fail("seccomp(SECCOMP_SET_MODE_FILTER)", rc);
	if ((rc = sys(__NR_close, 999)) != -E2BIG)
		fail("own filter not in force", rc ? rc : -EPROTO);
}

static int worker(void *arg)
{
	uint64_t one = 1;
	long rc;

	(void)arg;
	altstack();
	narrow();
	for (int i = 0; i < POSTS; i++)
		if ((rc = sys(__NR_write, efd, &one, 8)) != 8)
			fail("write eventfd", rc);
	return 0;
}

void cstart(long *sp);
void cstart(long *sp)
{
	struct pollfd pfd[3] = {{.fd = 0}, {.fd = 1}, {.fd = 2}};
	struct ksigaction sa = {.handler = SIG_IGN, .flags = SA_RESTORER, .restorer = restorer};
	struct epoll_event ev = {.events = EPOLLIN};
	const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
	                            CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
	                            CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED;
	uint64_t got = 0, v;
	long rc, ep, brk0;

	self_filter = sp[0] > 1 && ((char **)sp)[2][0] == 's';
	tls_main.self = &tls_main;
	if ((rc = sys(__NR_arch_prctl, ARCH_SET_FS, &tls_main)))
		fail("arch_prctl(ARCH_SET_FS)", rc);
	tid_main = (int)sys(__NR_set_tid_address, &tid_main);
	brk0 = sys(__NR_brk, 0);
	if ((rc = sys(__NR_brk, brk0 + 65536)) < brk0)
		fail("brk", -ENOMEM);
	if ((rc = sys(__NR_poll, pfd, 3, 0)) < 0)
		fail("poll", rc);
	if ((rc = sys(__NR_rt_sigaction, SIGPIPE, &sa, 0, 8)))
		fail("rt_sigaction SIGPIPE", rc);
	sa.handler = on_segv;
	sa.flags |= SA_ONSTACK;
	if ((rc = sys(__NR_rt_sigaction, SIGSEGV, &sa, 0, 8)))
		fail("rt_sigaction SIGSEGV", rc);
	altstack();
	efd = (int)sys(__NR_eventfd2, 0, 02000000 | 04000);
	if (efd < 0)
		fail("eventfd2", efd);
	ep = sys(__NR_epoll_create1, 02000000);
	if (ep < 0)
		fail("epoll_create1", ep);
	ev.data = (uint64_t)efd;
	if ((rc = sys(__NR_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev)))
		fail("epoll_ctl", rc);
	for (int i = 0; i < 2; i++) {
		long st = sys(__NR_mmap, 0, 1 << 20, PROT_READ | PROT_WRITE,
		              MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (st < 0 && st > -4096)
			fail("mmap stack", st);
		tls_thr[i].self = &tls_thr[i];
		rc = raw_clone(flags, (char *)st + (1 << 20), &ctid[i], &ctid[i],
		               (unsigned long)&tls_thr[i], worker, 0);
		if (rc < 0)
			fail("clone", rc);
	}
	narrow();
	while (got < 2 * POSTS) {
		struct epoll_event e[4];
		long n = sys(__NR_epoll_pwait, ep, e, 4, 5000, 0, 8);
		if (n <= 0)
			fail("epoll_pwait", n ? n : -ETIMEDOUT);
		if ((rc = sys(__NR_read, efd, &v, 8)) != 8)
			fail("read", rc);
		got += v;
	}
	/* Join: the kernel clears ctid and wakes it when the thread exits.  Its
	 * wake is a shared futex, so the wait must be one too (a private
	 * waiter has another key and is never woken). */
	for (int i = 0; i < 2; i++) {
		int t, tries = 0;
		while ((t = __atomic_load_n(&ctid[i], __ATOMIC_ACQUIRE)) != 0) {
			struct {
				long s, ns;
			} to = {1, 0};
			rc = sys(__NR_futex, &ctid[i], FUTEX_WAIT, t, &to);
			if (rc && rc != -EAGAIN && rc != -EINTR && rc != -ETIMEDOUT)
				fail("futex", rc);
			if (++tries > 10)
				fail("join", -ETIMEDOUT);
		}
	}
	out("vmmstart ok threads=2 events=");
	out_num(got);
	out(self_filter ? " filter=yes\n" : " filter=no\n");
	sys(__NR_exit_group, 0);
}
