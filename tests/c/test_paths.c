// SPDX-License-Identifier: Apache-2.0
/*
 * jailer/paths.c against planted path tricks at EVERY component (breakouts.md
 * class E): for the paths a/b/c/f and a/b/c/d, each component in turn is
 * replaced by a symlink to an outside dir, a symlink to "..", a dangling
 * symlink or a regular file, and ".." is tried as a component.  Every call
 * (open beneath, mkdir -p, create file, mknod, the host-source walk) must
 * fail, and nothing may appear in the outside dir.  Real files, the real
 * kernel's openat2; a symlink followed anywhere shows up here as a file
 * created outside (the old tests planted only at the last component).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "jailer/paths.h"
#include "tests/c/tap.h"

static char top[64];

__attribute__((format(printf, 1, 0))) static void sh(const char *fmt, const char *a, const char *b)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), fmt, a, b);
#pragma GCC diagnostic pop
	if (system(cmd) != 0)
		tap_diag("setup failed: %s", cmd);
}

/* The jail tree jail/a/b/c with one component replaced by a trick. */
static void build(int comp, const char *trick)
{
	sh("rm -rf %s/jail %s/outside", top, top);
	sh("mkdir -p %s/jail/a/b/c %s/outside", top, top);
	if (comp < 0)
		return;
	const char *names[] = {"a", "a/b", "a/b/c"};
	char p[256];
	snprintf(p, sizeof(p), "%s/jail/%s", top, names[comp]);
	sh("rm -rf %s%s", p, "");
	char target[256];
	if (!strcmp(trick, "outside"))
		snprintf(target, sizeof(target), "%s/outside", top);
	else if (!strcmp(trick, "dotdot"))
		snprintf(target, sizeof(target), "../../..");
	else if (!strcmp(trick, "dangling"))
		snprintf(target, sizeof(target), "%s/outside/nonexistent", top);
	if (!strcmp(trick, "file"))
		sh("touch %s%s", p, "");
	else
		sh("ln -s %s %s", target, p);
}

static int outside_entries(void)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/outside)\"", top);
	return system(cmd) == 0 ? 0 : 1;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (mknod, chown)\n");
		return 0;
	}
	snprintf(top, sizeof(top), "/tmp/vj-paths.XXXXXX");
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char jail[128];
	snprintf(jail, sizeof(jail), "%s/jail", top);

	/* baseline: every call works on a clean tree */
	build(-1, NULL);
	int jfd = open(jail, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct vj_err e = {0};
	int fd = vj_open_beneath(jfd, "a/b/c", O_PATH | O_DIRECTORY, 0);
	tap_ok(fd >= 0, "baseline: open beneath a/b/c works");
	if (fd >= 0)
		close(fd);
	tap_ok(vj_mkfile_beneath(jfd, "a/b/c/f", 0644, &e) == 0, "baseline: create a/b/c/f works");
	fd = vj_mkdirs_beneath(jfd, "a/b/c/d", 0755, 0, 0, true, &e);
	tap_ok(fd >= 0, "baseline: mkdir -p a/b/c/d works");
	if (fd >= 0)
		close(fd);
	close(jfd);

	const char *tricks[] = {"outside", "dotdot", "dangling", "file"};
	const char *names[] = {"a", "a/b", "a/b/c"};
	for (int c = 0; c < 3; c++)
		for (size_t t = 0; t < sizeof(tricks) / sizeof(tricks[0]); t++) {
			build(c, tricks[t]);
			jfd = open(jail, O_PATH | O_DIRECTORY | O_CLOEXEC);
			memset(&e, 0, sizeof(e));
			fd = vj_open_beneath(jfd, "a/b/c/f", O_RDWR | O_CREAT, 0644);
			int r1 = fd;
			if (fd >= 0)
				close(fd);
			fd = vj_open_beneath(jfd, "a/b/c", O_PATH | O_DIRECTORY, 0);
			int r2 = fd;
			if (fd >= 0)
				close(fd);
			int r3 = vj_mkfile_beneath(jfd, "a/b/c/f", 0644, &e);
			fd = vj_mkdirs_beneath(jfd, "a/b/c/d", 0755, 0, 0, false, &e);
			int r4 = fd;
			if (fd >= 0)
				close(fd);
			int r5 = vj_mknod_beneath(jfd, "a/b/c/null", 1, 3, 0600, 0, 0, &e);
			char abs[256];
			snprintf(abs, sizeof(abs), "%s/a/b/c/f", jail);
			struct stat st;
			const struct vj_src_rule rule = {.tenant_ok = true, .tenant = 0};
			fd = vj_open_host_source(abs, &rule, &st, &e);
			int r6 = fd;
			if (fd >= 0)
				close(fd);
			close(jfd);
			tap_ok(r1 < 0 && r2 < 0 && r3 < 0 && r4 < 0 && r5 < 0 && r6 < 0,
			       "%s at '%s': open/create/mkdir/mknod beneath and the host-source "
			       "walk all "
			       "refuse (%d %d %d %d %d %d)",
			       tricks[t], names[c], r1, r2, r3, r4, r5, r6);
			tap_ok(!outside_entries(), "  nothing was created outside the jail");
		}
	/* ".." as a component, lexically */
	build(-1, NULL);
	jfd = open(jail, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = vj_open_beneath(jfd, "a/../../outside", O_PATH | O_DIRECTORY, 0);
	tap_ok(fd < 0, "'..' leading outside: open beneath refuses (%d)", fd);
	if (fd >= 0)
		close(fd);
	tap_ok(vj_mkfile_beneath(jfd, "a/../../outside/f", 0644, &e) < 0,
	       "'..' leading outside: create refuses");
	tap_ok(!outside_entries(), "  nothing was created outside the jail");
	close(jfd);

	/* A root-owned sticky directory others may write (like /tmp): a file
	 * under a root-owned entry of it is root's tree; under an entry another
	 * user owns (who could have planted it) it is not. */
	char sticky[160], src[224];
	snprintf(sticky, sizeof(sticky), "%s/sticky", top);
	char cmd[1536];
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p %s/rootdir %s/userdir && touch %s/rootdir/f %s/userdir/f && "
	         "chown 4242 %s/userdir && chmod 1777 %s",
	         sticky, sticky, sticky, sticky, sticky, sticky);
	if (system(cmd) != 0)
		tap_diag("setup failed: %s", cmd);
	struct stat sst;
	const struct vj_src_rule rootonly = {.tenant_ok = false, .root_only_writable = true};
	snprintf(src, sizeof(src), "%s/rootdir/f", sticky);
	fd = vj_open_host_source(src, &rootonly, &sst, &e);
	tap_ok(fd >= 0, "root's file under a root-owned entry of a sticky dir: accepted");
	if (fd >= 0)
		close(fd);
	snprintf(src, sizeof(src), "%s/userdir/f", sticky);
	fd = vj_open_host_source(src, &rootonly, &sst, &e);
	tap_ok(fd < 0, "root's file under another user's entry of a sticky dir: refused");
	if (fd >= 0)
		close(fd);
	snprintf(cmd, sizeof(cmd), "chmod 0777 %s", sticky);
	if (system(cmd) != 0)
		tap_diag("setup failed: %s", cmd);
	snprintf(src, sizeof(src), "%s/rootdir/f", sticky);
	fd = vj_open_host_source(src, &rootonly, &sst, &e);
	tap_ok(fd < 0, "the same under a world-writable dir without the sticky bit: refused");
	if (fd >= 0)
		close(fd);
	sh("rm -rf %s%s", top, "");
	return tap_done();
}
