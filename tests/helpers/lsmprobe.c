// SPDX-License-Identifier: Apache-2.0
/*
 * lsmprobe: started by vmjail as the "VMM", it tries what only the BPF LSM
 * layer refuses under the default policy (seccomp, Landlock and the cgroup
 * programs allow each of these) and prints one NAME=RESULT line per action,
 * RESULT ok or the errno name.  tests/lsm-jail.t reads them.
 *
 *   lsmprobe ioctl-kvm PATH   KVM_GET_API_VERSION on PATH (not /dev/kvm)
 *   lsmprobe inotify PATH     an inotify watch on PATH (a read-only bind)
 *   lsmprobe listen-inet      listen() on an unbound TCP socket (autobind)
 *   lsmprobe all PATH         the three, on PATH
 *   lsmprobe apparmor SECONDS   exec /lsmprobe again (the profile has no x
 *                             rule: AppArmor refuses with EACCES before the
 *                             BPF LSM's exec-once EPERM) and an AF_INET6
 *                             socket (not in the policy's families), an
 *                             open of /dev (no profile rule), sleep
 *   lsmprobe noop             exit 0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

static void report(const char *name, int rc)
{
	const char *n = rc ? strerrorname_np(rc) : "ok";
	printf("%s=%s\n", name, n ? n : "E?");
	fflush(stdout);
}

static int ioctl_kvm(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = ioctl(fd, 0xAE00 /* KVM_GET_API_VERSION */, 0) < 0 ? errno : 0;
	close(fd);
	return rc;
}

static int watch(const char *path)
{
	int in = inotify_init1(IN_CLOEXEC);
	if (in < 0)
		return errno;
	int rc = inotify_add_watch(in, path, IN_ACCESS) < 0 ? errno : 0;
	close(in);
	return rc;
}

static int listen_inet(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	int rc = listen(s, 1) < 0 ? errno : 0;
	close(s);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "noop")) {
		report("exec_self", 0);
		return 0;
	}
	const char *cmd = argv[1], *path = argc > 2 ? argv[2] : "/dev/null";
	if (!strcmp(cmd, "apparmor")) {
		if (fork() == 0) {
			char *av[] = {"lsmprobe", "noop", NULL}, *ev[] = {NULL};
			execve("/lsmprobe", av, ev);
			report("exec_self", errno);
			_exit(0);
		}
		wait(NULL);
		int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		report("socket_inet6", s < 0 ? errno : 0);
		/* /dev itself: in the jail, but the profile grants only its devices */
		int d = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		report("open_dev", d < 0 ? errno : 0);
		if (d >= 0)
			close(d);
		sleep((unsigned)atoi(path));
		return 0;
	}
	int all = !strcmp(cmd, "all");
	if (all || !strcmp(cmd, "ioctl-kvm"))
		report("ioctl_kvm", ioctl_kvm(all ? "/dev/null" : path));
	if (all || !strcmp(cmd, "inotify"))
		report("inotify", watch(path));
	if (all || !strcmp(cmd, "listen-inet"))
		report("listen_inet", listen_inet());
	return 0;
}
