// SPDX-License-Identifier: Apache-2.0
/*
 * containprobe: the hostile tenant of the containment tests
 * (tests/escape/).  Each command tries one way of hurting the host or
 * another tenant and prints key=value lines the test checks:
 *
 *   containprobe spawn N            fork N children that sleep; print their
 *                                   pids (child_pids=...), then sleep
 *   containprobe deep DIR N         mkdir N nested dirs under DIR
 *   containprobe fill DIR           write DIR/fill until an error
 *   containprobe inodes DIR N       create up to N empty files in DIR
 *   containprobe reach PID          prlimit, setpriority, sched_setaffinity,
 *                                   pidfd_open, kill 0 on PID
 *   containprobe autolisten         listen() on an unbound TCP socket, print
 *                                   the port the kernel chose, accept one
 *   containprobe kflood PATH SECS   open PATH in a loop (a Landlock denial
 *                                   each once it exists)
 *   containprobe aio N              N io_setup(65536) calls
 *   containprobe mmapfiles N [PATH] mmap PATH N times, closing each fd
 *   containprobe refuse NR          syscall NR once (all arguments 0), print
 *                                   its result and errno
 *   containprobe refuse-exit NR N   syscall NR N times, print how many
 *                                   failed, exit at once (the last
 *                                   refusals' records may still be queued in
 *                                   the kernel when the tenant ends)
 * Then "done=1" and exit 0 (spawn, autolisten and refuse sleep until
 * killed: refuse so that the kernel's audit record of the refusal reaches
 * the supervisor while the tenant still runs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *err(int rc)
{
	return rc < 0 ? strerrorname_np(errno) : "ok";
}

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

/* Sleep until killed.  Not pause(): the default allowlist answers it with
 * ENOSYS, so a pause() loop would spin, every call an audited refusal. */
__attribute__((noreturn)) static void sleep_forever(void)
{
	for (;;)
		sleep(3600);
}

__attribute__((noreturn)) static void spawn(int n)
{
	printf("child_pids=");
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* a grandchild too: the whole tree must die */
			if (fork() == 0)
				sleep_forever();
			sleep_forever();
		}
		printf("%s%d", i ? "," : "", (int)pid);
	}
	printf("\nspawned=1\n");
	fflush(stdout);
	sleep_forever();
}

static int deep(const char *dir, int n)
{
	if (chdir(dir) < 0) {
		printf("deep=%s\n", err(-1));
		return 0;
	}
	int made = 0;
	for (; made < n; made++)
		if (mkdir("d", 0700) < 0 || chdir("d") < 0)
			break;
	printf("deep_made=%d\n", made);
	return 0;
}

static int fill(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/fill", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		printf("fill=%s\n", err(fd));
		return 0;
	}
	signal(SIGXFSZ, SIG_IGN); /* past RLIMIT_FSIZE: EFBIG, not death */
	static char buf[1 << 20];
	memset(buf, 'x', sizeof(buf));
	long long total = 0;
	ssize_t w;
	while ((w = write(fd, buf, sizeof(buf))) > 0)
		total += w;
	printf("fill=%s\nfill_bytes=%lld\n", err((int)w), total);
	close(fd);
	return 0;
}

static int inodes(const char *dir, long n)
{
	char path[4096];
	long made = 0;
	int rc = 0;
	for (; made < n; made++) {
		snprintf(path, sizeof(path), "%s/i%ld", dir, made);
		rc = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (rc < 0)
			break;
		close(rc);
	}
	printf("inodes=%s\ninodes_made=%ld\n", made == n ? "ok" : err(rc), made);
	return 0;
}

static int reach(pid_t pid)
{
	struct rlimit rl = {1, 1};
	printf("prlimit=%s\n", err(prlimit(pid, RLIMIT_CPU, &rl, NULL)));
	printf("setpriority=%s\n", err(setpriority(PRIO_PROCESS, (id_t)pid, 19)));
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	printf("sched_setaffinity=%s\n", err(sched_setaffinity(pid, sizeof(set), &set)));
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	printf("pidfd_open=%s\n", err(fd));
	if (fd >= 0)
		close(fd);
	printf("kill0=%s\n", err(kill(pid, 0)));
	return 0;
}

static int autolisten(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		printf("socket=%s\n", err(fd));
		return 0;
	}
	int rc = listen(fd, 4);
	printf("listen=%s\n", err(rc));
	if (rc == 0) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		getsockname(fd, (struct sockaddr *)&sin, &len);
		printf("port=%d\n", ntohs(sin.sin_port));
		fflush(stdout);
		int c = accept(fd, NULL, NULL);
		printf("accept=%s\n", err(c));
	}
	return 0;
}

/* Kernel audit flood: open PATH (which Landlock denies once it exists)
 * again and again for SECONDS. */
static int kflood(const char *path, int secs)
{
	time_t end = time(NULL) + secs;
	long n = 0;
	while (time(NULL) < end) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		n++;
	}
	printf("kflood_opens=%ld\n", n);
	return 0;
}

static int aio(int n)
{
	int okn = 0, rc = 0;
	for (int i = 0; i < n; i++) {
		aio_context_t ctx = 0;
		rc = (int)syscall(SYS_io_setup, 65536, &ctx);
		if (rc < 0)
			break;
		okn++;
	}
	printf("io_setup=%s\nio_setup_ok=%d\n", okn == n ? "ok" : err(rc), okn);
	return 0;
}

/* Map path up to per times in this process (vm.max_map_count caps one
 * process near 65530); returns how many. */
static long map_some(long per, const char *path)
{
	long okn = 0;
	for (; okn < per; okn++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			break;
	}
	return okn;
}

/* n struct files held through mmaps with every fd closed, spread over
 * child processes of 60000 each (they stay, holding them). */
static int mmapfiles(long n, const char *path)
{
	long total = 0;
	while (total < n) {
		int pfd[2];
		if (pipe(pfd) < 0)
			break;
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			long got = map_some(60000, path);
			if (write(pfd[1], &got, sizeof(got)) < 0)
				_exit(1);
			sleep_forever();
		}
		close(pfd[1]);
		long got = 0;
		ssize_t r = read(pfd[0], &got, sizeof(got));
		close(pfd[0]);
		if (r != (ssize_t)sizeof(got))
			got = 0; /* the child was killed (OOM) before it could say */
		total += got;
		printf("progress=%ld\n", total);
		if (got < 60000)
			break;
	}
	printf("mmapfiles=%s\nmmapfiles_ok=%ld\n", total >= n ? "ok" : "stopped", total);
	return 0;
}

__attribute__((noreturn)) static void refuse(long nr)
{
	long rc = syscall(nr, 0, 0, 0, 0, 0, 0);
	printf("refuse_rc=%ld\nrefuse_errno=%s\n", rc, rc < 0 ? strerrorname_np(errno) : "none");
	fflush(stdout);
	sleep_forever();
}

__attribute__((noreturn)) static void refuse_exit(long nr, long n)
{
	long failed = 0;
	for (long i = 0; i < n; i++)
		failed += syscall(nr, 0, 0, 0, 0, 0, 0) < 0;
	printf("refused=%ld\n", failed);
	fflush(stdout);
	_exit(0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *cmd = argc > 1 ? argv[1] : "";
	if (!strcmp(cmd, "spawn") && argc > 2)
		spawn((int)num(argv[2]));
	if (!strcmp(cmd, "deep") && argc > 3)
		deep(argv[2], (int)num(argv[3]));
	else if (!strcmp(cmd, "fill") && argc > 2)
		fill(argv[2]);
	else if (!strcmp(cmd, "inodes") && argc > 3)
		inodes(argv[2], num(argv[3]));
	else if (!strcmp(cmd, "reach") && argc > 2)
		reach((pid_t)num(argv[2]));
	else if (!strcmp(cmd, "autolisten"))
		autolisten();
	else if (!strcmp(cmd, "kflood") && argc > 3)
		kflood(argv[2], (int)num(argv[3]));
	else if (!strcmp(cmd, "aio") && argc > 2)
		aio((int)num(argv[2]));
	else if (!strcmp(cmd, "refuse-exit") && argc > 3)
		refuse_exit(num(argv[2]), num(argv[3]));
	else if (!strcmp(cmd, "refuse") && argc > 2)
		refuse(num(argv[2]));
	else if (!strcmp(cmd, "mmapfiles") && argc > 2)
		mmapfiles(num(argv[2]), argc > 3 ? argv[3] : "/containprobe");
	else {
		fprintf(stderr, "containprobe: unknown command\n");
		return 2;
	}
	printf("done=1\n");
	return 0;
}
