// SPDX-License-Identifier: Apache-2.0
/*
 * A jailed fuzzing worker: the process vmjail starts as the "VMM".  It
 * never runs an input itself; it forks a child that runs libFuzzer in
 * process (persistent mode, LLVMFuzzerRunDriver), and when that child dies
 * it reports the death and forks the next one.  So the jail is built once
 * per worker, every restart is a fork inside it (exec-once never fires: no
 * exec happens), and an input that corrupts memory or calls a forbidden
 * syscall kills only a child, under the same seccomp filter, Landlock
 * domain, cgroup and namespaces production gives the VMM.
 *
 * The child copies every input into a MAP_SHARED page before running it, so
 * the parent still has the input when the child dies by a signal nobody
 * handles (a seccomp kill-process leaves libFuzzer no chance to write an
 * artifact, and the jail has nowhere it should write one).  libFuzzer's own
 * crash handlers are off (-handle_*=0) for the same reason: the child dies
 * by the signal the input caused, and that is what is reported.
 *
 * Reports go to fd 3 (vmjail --keep-fd 3; stderr if it is not open), one
 * line each, parsed outside the jail by fuzz/jailed/vmjail-fuzz:
 *   start pid=P
 *   crash n=N pid=P signal=S status=X execs=E started=0|1 hang=0|1 restart_us=U input=BASE64
 *   done execs=E secs=S crashes=N restart_us_avg=U restart_us_max=U ready_us_avg=U
 * restart_us is the time from the parent seeing a death to the next child's
 * first instruction (the fork: the restart cost in the jail, on the crash
 * line the restart before that child); ready_us to the next child's first
 * input, which adds libFuzzer's start-up (reading and replaying its corpus).
 * started=0: the child died before its first input (the harness or the
 * engine does something the policy forbids at start-up: no finding, a
 * harness that does not fit the VMM's policy).  hang=1: the worker killed the
 * child (SIGKILL) because one input ran longer than -timeout=S (default 10)
 * or the child outlived the campaign's time by as much: an input that loops
 * forever must not hold the worker, and with it the campaign's report and
 * the input itself, until vmjail's TTL kills the whole jail.
 *
 * A VMM policy is an allowlist that has no room for a fork server: fork
 * (clone without CLONE_THREAD) and wait4 are not on QEMU's list.  The
 * campaign's policy adds them (vmjail-fuzz derives it), and with
 * -vj_revert=clone,wait4 every child takes them away again first thing,
 * with a filter of its own stacked on the jail's, so the code under test
 * runs under the VMM's rules exactly.
 *
 *   worker [-max_total_time=S] [-max_crashes=N] [-timeout=S]
 *          [-vj_revert=clone,wait4,tgkill,rt_sigtimedwait]
 *          [other libFuzzer flags...] [CORPUS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t));

#define MAX_INPUT (1u << 20)

struct shared {
	uint64_t execs;    /* over every child */
	uint64_t born_ns;  /* the current child's first instruction */
	uint64_t ready_ns; /* ... and its first input (after libFuzzer's start-up) */
	uint64_t input_ns; /* when the running input began; 0 between inputs */
	size_t len;
	uint8_t input[MAX_INPUT];
};

static struct shared *sh;
static FILE *rep;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int run_one(const uint8_t *data, size_t size)
{
	size_t n = size < MAX_INPUT ? size : MAX_INPUT;
	if (!sh->ready_ns)
		sh->ready_ns = now_ns();
	memcpy(sh->input, data, n);
	sh->len = n;
	sh->execs++;
	sh->input_ns = now_ns();
	int r = LLVMFuzzerTestOneInput(data, size);
	sh->input_ns = 0;
	return r;
}

static void put_base64(FILE *f, const uint8_t *p, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
		             (i + 2 < n ? p[i + 2] : 0);
		fputc(t[v >> 18 & 63], f);
		fputc(t[v >> 12 & 63], f);
		fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? t[v & 63] : '=', f);
	}
}

static const char *revert = "";

/* Take back what the campaign's policy added for the fork server. */
static void revert_allowances(void)
{
	/* Whatever else the campaign's policy added, killed as the VMM's
	 * allowlist kills it (clone only without CLONE_THREAD: threads stay). */
	static const struct {
		const char *name;
		int nr;
	} plain[] = {{"wait4", __NR_wait4},
	             {"tgkill", __NR_tgkill},
	             {"rt_sigtimedwait", __NR_rt_sigtimedwait}};
	struct sock_filter f[24];
	unsigned n = 0;
	int clone = strstr(revert, "clone") != NULL, any = clone;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		any |= strstr(revert, plain[i].name) != NULL;
	if (!any)
		return;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!strstr(revert, plain[i].name))
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		                                      (unsigned)plain[i].nr, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	}
	if (clone) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		                                      offsetof(struct seccomp_data, args[0]));
		f[n++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	/* The jail set no_new_privs; without it this fails and we say so. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		fprintf(rep, "error cannot re-impose the VMM policy: %s\n", strerror(errno));
		fflush(rep);
		_exit(2);
	}
}

/* The child: libFuzzer with our flags, for what is left of the time. */
static void child(int argc, char **argv, long left)
{
	char tl[64];
	char *av[argc + 16];
	int ac = 0;

	sh->born_ns = now_ns();
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &chld, NULL); /* blocked only for the parent's wait */
	revert_allowances();
	snprintf(tl, sizeof(tl), "-max_total_time=%ld", left);
	av[ac++] = argv[0];
	av[ac++] = tl;
	/* Die by the input's own signal; no artifacts, no extra threads. */
	static char *fixed[] = {"-handle_segv=0",  "-handle_bus=0",   "-handle_abrt=0",
	                        "-handle_ill=0",   "-handle_fpe=0",   "-handle_int=0",
	                        "-handle_term=0",  "-rss_limit_mb=0", "-timeout=0",
	                        "-close_fd_mask=0"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		av[ac++] = fixed[i];
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "-max_total_time=", 16) &&
		    strncmp(argv[i], "-max_crashes=", 13) && strncmp(argv[i], "-vj_revert=", 11) &&
		    strncmp(argv[i], "-timeout=", 9))
			av[ac++] = argv[i];
	av[ac] = NULL;
	char **avp = av;
	_exit(LLVMFuzzerRunDriver(&ac, &avp, run_one));
}

/* Wait for the child; kill it (a hang) when one input has run longer than
 * timeout_ns or the campaign's time plus as much is over.  SIGCHLD is blocked
 * and waited for with a timeout, so a death is seen at once and a hang within
 * 100 ms of its limit.  tgkill, not kill: QEMU's allowlist forbids kill. */
static pid_t reap(pid_t pid, int *st, uint64_t deadline_ns, uint64_t timeout_ns, int *hang)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r != 0 && !(r < 0 && errno == EINTR))
			return r;
		uint64_t now = now_ns(), in = sh->input_ns;
		if (!*hang && ((in && now > in && now - in > timeout_ns) || now > deadline_ns)) {
			*hang = 1;
			syscall(SYS_tgkill, pid, pid, SIGKILL);
		}
		struct timespec ts = {0, 100 * 1000000};
		sigtimedwait(&chld, NULL, &ts);
	}
}

int main(int argc, char **argv)
{
	long total = 60, max_crashes = 1000, timeout = 10;
	unsigned long crashes = 0;
	uint64_t restart_max = 0, restart_sum = 0, ready_sum = 0, nrestart = 0, t0 = now_ns();

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-max_total_time=", 16) == 0)
			total = strtol(argv[i] + 16, NULL, 10);
		else if (strncmp(argv[i], "-max_crashes=", 13) == 0)
			max_crashes = strtol(argv[i] + 13, NULL, 10);
		else if (strncmp(argv[i], "-vj_revert=", 11) == 0)
			revert = argv[i] + 11;
		else if (strncmp(argv[i], "-timeout=", 9) == 0)
			timeout = strtol(argv[i] + 9, NULL, 10);
	}
	if (timeout <= 0)
		timeout = 10;
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	rep = fcntl(3, F_GETFD) >= 0 ? fdopen(3, "w") : stderr;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!rep || sh == MAP_FAILED)
		return 1;
	uint64_t died = 0;
	for (;;) {
		long left = total - (long)((now_ns() - t0) / 1000000000u);
		if (left <= 0 || (long)crashes >= max_crashes)
			break;
		sh->born_ns = sh->ready_ns = sh->input_ns = 0;
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			child(argc, argv, left);
		fprintf(rep, "start pid=%d\n", (int)pid);
		fflush(rep);
		int st = 0, hang = 0;
		if (reap(pid, &st, t0 + (uint64_t)(total + timeout) * 1000000000u,
		         (uint64_t)timeout * 1000000000u, &hang) != pid)
			return 1;
		uint64_t restart_us = died && sh->born_ns > died ? (sh->born_ns - died) / 1000 : 0;
		if (restart_us > restart_max)
			restart_max = restart_us;
		if (died && sh->born_ns > died) {
			nrestart++;
			restart_sum += restart_us;
			ready_sum += sh->ready_ns > died ? (sh->ready_ns - died) / 1000 : 0;
		}
		if (!hang && WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 2))
			break; /* libFuzzer ran to its time, or the child cannot run */
		died = now_ns();
		crashes++;
		fprintf(rep,
		        "crash n=%lu pid=%d signal=%d status=%d execs=%llu started=%d hang=%d "
		        "restart_us=%llu input=",
		        crashes, (int)pid, WIFSIGNALED(st) ? WTERMSIG(st) : 0,
		        WIFEXITED(st) ? WEXITSTATUS(st) : -1, (unsigned long long)sh->execs,
		        sh->ready_ns != 0, hang, (unsigned long long)restart_us);
		put_base64(rep, sh->input, sh->len);
		fputc('\n', rep);
		fflush(rep);
	}
	fprintf(rep,
	        "done execs=%llu secs=%.3f crashes=%lu restart_us_avg=%llu restart_us_max=%llu "
	        "ready_us_avg=%llu\n",
	        (unsigned long long)sh->execs, (double)(now_ns() - t0) / 1e9, crashes,
	        (unsigned long long)(nrestart ? restart_sum / nrestart : 0),
	        (unsigned long long)restart_max,
	        (unsigned long long)(nrestart ? ready_sum / nrestart : 0));
	fflush(rep);
	return 0;
}
