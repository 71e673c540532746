// SPDX-License-Identifier: Apache-2.0
/*
 * jailprobe: started by vmjail as the "VMM", it reports what it can see and
 * do from inside the jail as key=value lines, one per fact, so tests can
 * assert each observable fact.  No /proc is mounted in a jail, so every fact
 * comes from a syscall.
 *
 *   jailprobe facts                 identity, capabilities, fds, env, root listing
 *   jailprobe open PATH [rw]        result=ok | result=EACCES ...
 *   jailprobe socket FAMILY TYPE    FAMILY/TYPE numeric
 *   jailprobe connect IP PORT       IPv4 TCP connect
 *   jailprobe abstract NAME         connect to the abstract unix socket @NAME
 *   jailprobe kill PID SIG
 *   jailprobe exec PATH             execve(PATH)
 *   jailprobe write-exec DIR        copy /proc-less: write our own image to DIR/x, exec it
 *   jailprobe memfd-exec            execveat of a memfd holding our own image
 *   jailprobe sysctl PATH VALUE     write a /proc/sys file (needs mount proc on)
 *   jailprobe syscall NR [ARGS..]   raw syscall (seccomp tests)
 *   jailprobe ioctl-tiocsti         TIOCSTI with high bits set on fd 0
 *   jailprobe forkbomb              fork until refused; reports counts
 *   jailprobe alloc MIB             touch MIB of memory
 *   jailprobe sleep SECONDS
 *   jailprobe loop N CMD...         repeat a command N times, count results
 *   jailprobe loop -t SECONDS CMD...  the same for a time
 *   jailprobe after SECONDS CMD...  sleep, then run CMD (lets a test prepare)
 *   jailprobe comm NAME CMD...      set our comm (hostile bytes welcome), run CMD
 *   jailprobe listen PORT           TCP listener on 127.0.0.1 (run outside jails)
 *   jailprobe listen-abstract NAME  abstract unix listener (run outside jails)
 *   jailprobe landlock-abi          the kernel's Landlock ABI, 0 if none (run
 *                                   outside jails: tests skip by it)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "E?";
}

static int quiet;    /* inside `loop`: count results instead of printing them */
static int last_err; /* errno of the last result, 0 for ok */

static int result(int rc)
{
	last_err = rc < 0 ? errno : 0;
	if (quiet)
		return 0;
	if (rc < 0)
		printf("result=%s\n", errname(last_err));
	else
		printf("result=ok\n");
	fflush(stdout);
	return 0;
}

static void facts(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	printf("uid=%u %u %u\ngid=%u %u %u\n", ru, eu, su, rg, eg, sg);
	printf("groups=%d\n", getgroups(0, NULL));

	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) == 0)
		printf("cap_eff=%08x%08x\ncap_prm=%08x%08x\ncap_inh=%08x%08x\n", d[1].effective,
		       d[0].effective, d[1].permitted, d[0].permitted, d[1].inheritable,
		       d[0].inheritable);
	int bnd = 0, amb = 0;
	for (int c = 0; c <= 63; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			bnd++;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb++;
	}
	printf("cap_bnd_count=%d\ncap_amb_count=%d\n", bnd, amb);
	printf("no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("securebits=0x%x\n", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	printf("seccomp=%d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	printf("dumpable=%d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	printf("pid=%d\nsid_is_pid=%d\npgid_is_pid=%d\n", getpid(), getsid(0) == getpid(),
	       getpgid(0) == getpid());
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	printf("dev_tty=%s\n", tty < 0 ? errname(errno) : "opened");
	printf("fds=");
	int first = 1;
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0 && fd != tty) {
			printf("%s%d", first ? "" : ",", fd);
			first = 0;
		}
	printf("\n");
	int env = 0;
	for (char **e = environ; e && *e; e++)
		env++;
	printf("env_count=%d\n", env);
	char cwd[4096];
	printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : errname(errno));
	char host[256] = "";
	gethostname(host, sizeof(host));
	printf("hostname=%s\n", host);
	printf("root=");
	DIR *dir = opendir("/");
	if (!dir) {
		printf("%s", errname(errno));
	} else {
		struct dirent *de;
		char names[64][256];
		int n = 0;
		while ((de = readdir(dir)) && n < 64)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				snprintf(names[n++], 256, "%s", de->d_name);
		closedir(dir);
		/* sorted, so tests can compare */
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
				char t[256];
				memcpy(t, names[j], 256);
				memcpy(names[j], names[j - 1], 256);
				memcpy(names[j - 1], t, 256);
			}
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? "," : "", names[i]);
	}
	printf("\n");
	static const char *const res[] = {
	    "as",   "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue",
	    "nice", "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack"};
	static const int ids[] = {RLIMIT_AS,     RLIMIT_CORE,   RLIMIT_CPU,        RLIMIT_DATA,
	                          RLIMIT_FSIZE,  RLIMIT_LOCKS,  RLIMIT_MEMLOCK,    RLIMIT_MSGQUEUE,
	                          RLIMIT_NICE,   RLIMIT_NOFILE, RLIMIT_NPROC,      RLIMIT_RSS,
	                          RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct rlimit rl;
		getrlimit(ids[i], &rl);
		printf("rlimit_%s=", res[i]);
		if (rl.rlim_cur == RLIM_INFINITY)
			printf("unlimited ");
		else
			printf("%llu ", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			printf("unlimited\n");
		else
			printf("%llu\n", (unsigned long long)rl.rlim_max);
	}
	int w = open("/probe-write", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	printf("root_writable=%s\n", w < 0 ? errname(errno) : "yes");
	fflush(stdout);
}

static int copy_self(int dst)
{
	/* no /proc: our own image is the jail's exec file, found by argv[0] */
	int src = open("/jailprobe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return -1;
	char buf[65536];
	ssize_t n;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(dst, buf, (size_t)n) != n)
			return -1;
	close(src);
	return n < 0 ? -1 : 0;
}

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

static int run(int argc, char **argv);

/* Accept and close connections until killed; prints "listening" once ready. */
static int cmd_listen(bool abstract, const char *where)
{
	int fd;
	if (abstract) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		size_t n = strlen(where);
		if (n > sizeof(sun.sun_path) - 2)
			n = sizeof(sun.sun_path) - 2;
		memcpy(sun.sun_path + 1, where, n);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun,
		                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
			return result(-1);
	} else {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in sin = {.sin_family = AF_INET,
		                          .sin_port = htons((uint16_t)num(where))};
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return result(-1);
	}
	if (listen(fd, 64) < 0)
		return result(-1);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			close(c);
	}
}

/* Repeat a command N times (or for SECONDS with "loop -t SECONDS CMD") and
 * print how many times each result came back: the flood tests reconcile these
 * counts with the audit stream. */
static int cmd_loop(int argc, char **argv)
{
	bool timed = !strcmp(argv[2], "-t");
	long n = num(argv[timed ? 3 : 2]);
	int skip = timed ? 3 : 2;
	long ok = 0, denied = 0, other = 0;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	quiet = 1;
	for (long i = 0;; i++) {
		if (!timed && i >= n)
			break;
		if (timed && (i & 63) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= n)
				break;
		}
		run(argc - skip, argv + skip);
		if (last_err == 0)
			ok++;
		else if (last_err == EPERM || last_err == EACCES)
			denied++;
		else
			other++;
	}
	quiet = 0;
	printf("loop_ok=%ld\nloop_denied=%ld\nloop_other=%ld\n", ok, denied, other);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "facts";
	if (!strcmp(cmd, "facts")) {
		facts();
		return 0;
	}
	if (!strcmp(cmd, "open") && argc > 2) {
		int fd = open(argv[2],
		              (argc > 3 && !strcmp(argv[3], "rw") ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		result(fd);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(cmd, "socket") && argc > 3) {
		int fd =
		    socket((int)num(argv[2]), (int)num(argv[3]), argc > 4 ? (int)num(argv[4]) : 0);
		result(fd);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(cmd, "connect") && argc > 3) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return result(fd);
		struct sockaddr_in sin = {.sin_family = AF_INET,
		                          .sin_port = htons((uint16_t)num(argv[3]))};
		inet_pton(AF_INET, argv[2], &sin.sin_addr);
		result(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "abstract") && argc > 2) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return result(fd);
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		size_t n = strlen(argv[2]);
		if (n > sizeof(sun.sun_path) - 2)
			n = sizeof(sun.sun_path) - 2;
		memcpy(sun.sun_path + 1, argv[2], n);
		result(connect(fd, (struct sockaddr *)&sun,
		               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "kill") && argc > 3)
		return result(kill((pid_t)num(argv[2]), (int)num(argv[3])));
	if (!strcmp(cmd, "exec") && argc > 2) {
		char *av[] = {argv[2], NULL};
		execve(argv[2], av, environ);
		return result(-1);
	}
	if (!strcmp(cmd, "write-exec") && argc > 2) {
		char path[512];
		snprintf(path, sizeof(path), "%s/x", argv[2]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
		if (fd < 0 || copy_self(fd) < 0) {
			printf("write=%s\n", errname(errno));
			return result(-1);
		}
		close(fd);
		printf("write=ok\n");
		char *av[] = {path, "facts", NULL};
		execve(path, av, environ);
		return result(-1);
	}
	if (!strcmp(cmd, "memfd-exec")) {
		int fd = (int)syscall(SYS_memfd_create, "x", 0);
		if (fd < 0 || copy_self(fd) < 0) {
			printf("memfd=%s\n", errname(errno));
			return result(-1);
		}
		printf("memfd=ok\n");
		char *av[] = {"x", "facts", NULL};
		syscall(SYS_execveat, fd, "", av, environ, AT_EMPTY_PATH);
		return result(-1);
	}
	if (!strcmp(cmd, "sysctl") && argc > 3) {
		int fd = open(argv[2], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return result(fd);
		ssize_t n = write(fd, argv[3], strlen(argv[3]));
		close(fd);
		return result(n < 0 ? -1 : 0);
	}
	if (!strcmp(cmd, "sysctl-read") && argc > 2) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return result(fd);
		char buf[64];
		ssize_t n = read(fd, buf, sizeof(buf));
		close(fd);
		return result(n < 0 ? -1 : 0);
	}
	if (!strcmp(cmd, "syscall") && argc > 2) {
		long a[6] = {0};
		for (int i = 3; i < argc && i < 9; i++)
			a[i - 3] = strtol(argv[i], NULL, 0);
		printf("calling=%s\n", argv[2]);
		fflush(stdout);
		return result((int)syscall(num(argv[2]), a[0], a[1], a[2], a[3], a[4], a[5]));
	}
	if (!strcmp(cmd, "ioctl-tiocsti")) {
		char c = 'x';
		printf("calling=tiocsti\n");
		fflush(stdout);
		return result((int)syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (1UL << 32), &c));
	}
	if (!strcmp(cmd, "forkbomb")) {
		int made = 0, refused = 0, err = 0;
		for (int i = 0; i < 100000 && refused < 50; i++) {
			pid_t p = fork();
			if (p == 0) {
				for (;;)
					sleep(1000); /* not pause(): ENOSYS under the default
					                allowlist, a spinning flood of audited
					                refusals */
				_exit(0);
			}
			if (p < 0) {
				refused++;
				err = errno;
			} else {
				made++;
			}
		}
		printf("forked=%d refused=%d errno=%s\n", made, refused, err ? errname(err) : "0");
		fflush(stdout);
		kill(0, SIGKILL);
		return 0;
	}
	if (!strcmp(cmd, "alloc") && argc > 2) {
		size_t mib = (size_t)num(argv[2]);
		printf("allocating=%zu\n", mib);
		fflush(stdout);
		for (size_t i = 0; i < mib; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return result(-1);
			memset(p, (int)i, 1 << 20);
		}
		return result(0);
	}
	if (!strcmp(cmd, "sleep") && argc > 2) {
		printf("sleeping\n");
		fflush(stdout);
		sleep((unsigned)num(argv[2]));
		return 0;
	}
	if (!strcmp(cmd, "loop") && argc > 3)
		return cmd_loop(argc, argv);
	if (!strcmp(cmd, "comm") && argc > 3) {
		prctl(PR_SET_NAME, argv[2], 0, 0, 0);
		return run(argc - 2, argv + 2);
	}
	if (!strcmp(cmd, "after") && argc > 3) {
		struct timespec ts = {.tv_sec = num(argv[2]), .tv_nsec = 0};
		nanosleep(&ts, NULL);
		return run(argc - 2, argv + 2);
	}
	if (!strcmp(cmd, "landlock-abi")) {
		/* flags 1 = LANDLOCK_CREATE_RULESET_VERSION: returns the ABI */
		long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U);
		printf("landlock_abi=%ld\n", abi < 0 ? 0 : abi);
		return 0;
	}
	if ((!strcmp(cmd, "listen") || !strcmp(cmd, "listen-abstract")) && argc > 2)
		return cmd_listen(cmd[6] == '-', argv[2]);
	fprintf(stderr, "jailprobe: unknown command %s\n", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run(argc, argv);
}
