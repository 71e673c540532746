// SPDX-License-Identifier: Apache-2.0
/*
 * lsm-guest-test, the file cap (bpf/lsm_filecount.bpf.c): a tenant that
 * opens, maps and closes files in a loop (every file stays allocated through
 * its mapping, no fd is left) is refused with ENFILE at its cap, with a
 * record naming the tenant and lsm/file_alloc_security; a process outside
 * the tenant opens more than the cap meanwhile; a file the tenant passed out
 * stays counted to it after the tenant's processes are gone and is given
 * back when the process outside closes it (the free runs outside the
 * tenant): the count is back to 0, and a second launch reaches the same cap.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpf/tool/lsm_guest.h"
#include "bpf/vjbpf.h"

#define CG_F   "/sys/fs/cgroup/vmjail-lsm/f"
#define CAP    1000u
#define FD_GO  3    /* the attacker holds its files until this pipe has a byte */
#define FD_OUT 4    /* a datagram socket: the attacker passes one file out on it */
#define MORE   2000 /* attempts after the first refusal: a flood of refusals */
#define VICTIM "/init"

/* SCM_RIGHTS, one fd; the received fd or -1. */
static int pass_fd(int sock, int fd)
{
	char data[1] = {'f'}, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {data, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	if (fd >= 0) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		return sendmsg(sock, &m, 0) < 0 ? -1 : 0;
	}
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) < 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * Pass one file out (the process outside will free it), then open + mmap +
 * close until refused; hold; report "files N errno E more M" (N counts the
 * passed file).
 */
int files_attack(void)
{
	unsigned n = 0;
	int err = 0;
	int out = open(VICTIM, O_RDONLY | O_CLOEXEC);
	if (out < 0 || pass_fd(FD_OUT, out) < 0)
		return 3;
	close(out);
	n++;
	for (;;) {
		int fd = open(VICTIM, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			break;
		}
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			err = 1000 + errno;
			break;
		}
		n++;
	}
	int more = 0; /* further refusals with the same errno */
	for (int i = 0; i < MORE; i++) {
		int fd = open(VICTIM, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		else if (errno == err)
			more++;
	}
	printf("files %u errno %d more %d\n", n, err, more);
	fflush(stdout);
	char c;
	return read(FD_GO, &c, 1) == 1 ? 0 : 2;
}

struct frec {
	uint64_t cgid;
	int n, other;
	char json[768];
};

static int on_rec(void *ctx, const struct vj_event *ev)
{
	struct frec *f = ctx;
	if (ev->kind != VJ_EV_ENFORCEMENT || !ev->hook)
		return 0;
	if (strcmp(ev->hook, "lsm/file_alloc_security") || ev->cgroup_id != f->cgid ||
	    !ev->tenant || strcmp(ev->tenant, "tenant-f") || ev->err != ENFILE) {
		f->other++;
		return 0;
	}
	if (!f->n++)
		vj_event_to_json(ev, f->json, sizeof(f->json));
	return 0;
}

/* Outside any tenant: open + mmap + close `count` files; how many succeeded. */
static int bystander(unsigned count)
{
	pid_t p = fork();
	if (p == 0) {
		unsigned ok_n = 0;
		for (unsigned i = 0; i < count; i++) {
			int fd = open(VICTIM, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED)
				ok_n++;
			close(fd);
		}
		_exit(ok_n == count ? 0 : 1);
	}
	int st = 0;
	waitpid(p, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* One launch: a fresh leaf registered with cap CAP, the attacker in it. */
static void launch(const char *cg, int round)
{
	struct vj_err e = {0};
	struct vjbpf_events *ev = NULL;
	uint64_t id = 0;
	struct vj_policy pol;
	struct vjbpf_tenant_opts o = {.max_files = CAP};
	memset(&pol, 0, sizeof(pol));
	snprintf(pol.name, sizeof(pol.name), "lsm-guest");
	mkdir(cg, 0755);
	vjbpf_cgroup_id(cg, &id);
	int rc = vjbpf_tenant_add(id, &pol, &o, &e);
	if (!rc)
		rc = vjbpf_lsm_tenant_enable(id, &e);
	if (!rc)
		rc = vjbpf_events_open(id, &ev, &e);
	if (rc) {
		ok(0, "file cap, launch %d: tenant at %s: %s", round, cg, e.msg);
		return;
	}
	vjbpf_events_label(ev, "tenant-f", "lsm-guest-test", "lsm-guest", NULL);
	int out[2], go[2], sp[2];
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char p[256];
		snprintf(p, sizeof(p), "%s/cgroup.procs", cg);
		int f = open(p, O_WRONLY);
		if (f < 0 || write(f, "0", 1) != 1)
			_exit(200);
		if (dup2(out[1], 1) < 0 || dup2(go[0], FD_GO) < 0 || dup2(sp[1], FD_OUT) < 0)
			_exit(202);
		char *argv[] = {"lsm-guest-test", "files", NULL}, *envp[] = {NULL};
		execve("/proc/self/exe", argv, envp);
		_exit(203);
	}
	close(out[1]);
	close(go[0]);
	close(sp[1]);
	unsigned n = 0;
	int err = -1, more = -1;
	FILE *fp = fdopen(out[0], "r");
	char line[128];
	if (fp && fgets(line, sizeof(line), fp))
		sscanf(line, "files %u errno %d more %d", &n, &err, &more);
	/* The attacker holds its files now, and this process one more. */
	int passed = pass_fd(sp[0], -1);
	close(sp[0]);
	struct vjbpf_tenant_stats st = {0};
	vjbpf_tenant_stats(id, &st);
	ok(err == ENFILE && more == MORE,
	   "file cap, launch %d: open+mmap+close refused: %s (want %s), "
	   "and %d of %d further opens",
	   round, err > 0 && err < 1000 ? strerror(err) : "other", strerror(ENFILE), more, MORE);
	ok(n + 8 >= CAP && n <= CAP && st.files == CAP && passed >= 0,
	   "  the attacker passed out 1 file and mapped %u (cap %u); the tenant's count is %llu",
	   n - 1, CAP, (unsigned long long)st.files);
	ok(bystander(2 * CAP), "  meanwhile a process outside the tenant opens and maps %u files",
	   2 * CAP);
	if (write(go[1], "g", 1) != 1)
		printf("# write go: %s\n", strerror(errno));
	int ws = 0;
	waitpid(pid, &ws, 0);
	if (fp)
		fclose(fp);
	close(go[1]);
	/* Its files are freed at exit (or a moment later by delayed fput),
	 * except the one this process holds. */
	for (int i = 0; i < 50; i++) {
		vjbpf_tenant_stats(id, &st);
		if (st.files <= 1)
			break;
		usleep(100 * 1000);
	}
	ok(WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && st.files == 1,
	   "  after the attacker exits the tenant's count is %llu (want 1: the file passed out)",
	   (unsigned long long)st.files);
	close(passed); /* the free runs here, outside the tenant */
	for (int i = 0; i < 50; i++) {
		vjbpf_tenant_stats(id, &st);
		if (st.files == 0)
			break;
		usleep(100 * 1000);
	}
	ok(st.files == 0,
	   "  once this process (outside the tenant) closes it, the count is %llu (want 0)",
	   (unsigned long long)st.files);
	struct frec *f = calloc(1, sizeof(*f));
	f->cgid = id;
	vjbpf_events_drain(ev, on_rec, f);
	vjbpf_tenant_stats(id, &st);
	ok(f->n >= 1 && f->other == 0 && (uint64_t)f->n == st.emitted &&
	       st.denials == st.emitted + st.suppressed + st.reserve_failed && st.suppressed > 0,
	   "  %d lsm/file_alloc_security record(s) of tenant-f with ENFILE, %d other; %llu "
	   "refusals: %llu emitted, %llu suppressed by the rate limit",
	   f->n, f->other, (unsigned long long)st.denials, (unsigned long long)st.emitted,
	   (unsigned long long)st.suppressed);
	if (f->json[0])
		printf("# %s\n", f->json);
	free(f);
	vjbpf_events_close(ev);
	vjbpf_tenant_del(id);
	rmdir(cg);
}

void files_cap(void)
{
	launch(CG_F "1", 1);
	launch(CG_F "2", 2);
}
