// SPDX-License-Identifier: Apache-2.0
/*
 * Which policy a jail gets when --policy is not given: the VMM's own shipped
 * policy when vmjail recognises the exec file, the built-in default
 * otherwise.  A VMM's own allowlist is tighter than the default (the union
 * of all of them), so recognising it is worth doing; recognising it wrongly
 * costs at most a VMM that does not start, never a looser filter than the
 * default, because every shipped policy passes the same lint.
 *
 * Recognition is by the exec file's name, as operators install these VMMs
 * (the operator chooses the exec file; a tenant never does):
 *   qemu-system-x86_64, qemu-kvm     -> qemu.policy if its arguments ask for
 *                                       KVM and not TCG, else qemu-tcg.policy
 *                                       (QEMU's default accelerator is TCG)
 *   firecracker, firecracker-*        -> firecracker.policy
 *   cloud-hypervisor, cloud-hypervisor-* -> cloud-hypervisor.policy
 *   crosvm, crosvm-*                  -> crosvm.policy
 * The file is looked up in $VMJAIL_POLICY_DIR when set (only there), else
 * in the source tree next to a vmjail run from its build dir
 * (<dir of vmjail>/../policies), else in VMJAIL_DATADIR/policies where
 * `make install` puts them.  It must be a regular root-owned file that
 * nobody else can write, in a directory of the same kind; a recognised VMM
 * whose policy is missing or unsafe is not started (fail closed).
 */
#include "jailer/policy_pick.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VMJAIL_DATADIR
#define VMJAIL_DATADIR "/usr/local/share/vmjail"
#endif

/* VMJAIL_POLICY_DIR, read before main(): vmjail clears its environment
 * (sanitize_process) before it plans a launch. */
static char env_dir[PATH_MAX];

__attribute__((constructor)) static void read_env(void)
{
	const char *v = getenv("VMJAIL_POLICY_DIR");
	if (v && strlen(v) < sizeof(env_dir))
		memcpy(env_dir, v, strlen(v) + 1);
}

static bool named(const char *base, const char *name)
{
	size_t n = strlen(name);
	return strncmp(base, name, n) == 0 && (base[n] == '\0' || base[n] == '-');
}

/* QEMU runs KVM only when asked (-enable-kvm, -accel kvm, accel=kvm); any
 * mention of tcg (also as a fallback, accel=kvm:tcg) needs the JIT's rules. */
static bool qemu_wants_kvm(char *const *argv, size_t argc)
{
	bool kvm = false;

	for (size_t i = 0; i < argc && argv[i]; i++) {
		const char *a = argv[i];
		if (strstr(a, "tcg"))
			return false;
		if (strcmp(a, "-enable-kvm") == 0 || strstr(a, "accel=kvm") ||
		    (i > 0 && strcmp(argv[i - 1], "-accel") == 0 && strncmp(a, "kvm", 3) == 0))
			kvm = true;
	}
	return kvm;
}

const char *vj_policy_pick(const char *exec_file, char *const *argv, size_t argc)
{
	const char *base = strrchr(exec_file, '/') ? strrchr(exec_file, '/') + 1 : exec_file;

	if (strcmp(base, "qemu-system-x86_64") == 0 || strcmp(base, "qemu-kvm") == 0)
		return qemu_wants_kvm(argv, argc) ? "qemu" : "qemu-tcg";
	if (named(base, "firecracker"))
		return "firecracker";
	if (named(base, "cloud-hypervisor"))
		return "cloud-hypervisor";
	if (named(base, "crosvm"))
		return "crosvm";
	return NULL;
}

/* Root-owned, not writable by group or others, of the given type. */
static int safe(const char *path, mode_t type)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return -errno;
	if ((st.st_mode & S_IFMT) != type)
		return -EINVAL;
	if (st.st_uid != 0 || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

static int try_dir(const char *dir, const char *name, char *path, size_t len)
{
	int rc;

	if ((size_t)snprintf(path, len, "%s/%s.policy", dir, name) >= len)
		return -ENAMETOOLONG;
	rc = safe(dir, S_IFDIR);
	if (rc == 0)
		rc = safe(path, S_IFREG);
	return rc;
}

int vj_policy_locate(const char *name, char *path, size_t len, struct vj_err *e)
{
	const char *env = env_dir;
	char exe[PATH_MAX], tree[PATH_MAX + 16], real[PATH_MAX];
	ssize_t n;
	int rc;

	if (*env) {
		rc = try_dir(env, name, path, len);
		if (rc)
			return vj_failx(e, rc, "policy %s.policy in VMJAIL_POLICY_DIR=%s", name,
			                env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	/* build/vmjail and build/san/vmjail (SANITIZE=1) are one and two levels
	 * below the source tree. */
	for (int up = 1; n > 0 && up <= 2; up++) {
		char dir[PATH_MAX];
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s", exe); /* dirname() writes into it */
		snprintf(tree, sizeof(tree), "%s/%s/policies", dirname(dir),
		         up == 1 ? ".." : "../..");
		if (!realpath(tree, real))
			continue;
		snprintf(tree, sizeof(tree), "%s", real);
		rc = try_dir(tree, name, path, len);
		if (rc == 0)
			return 0;
		if (rc != -ENOENT)
			return vj_failx(e, rc, "policy %s (root-owned, not group/world-writable)",
			                path);
	}
	rc = try_dir(VMJAIL_DATADIR "/policies", name, path, len);
	if (rc)
		return vj_failx(e, rc,
		                "policy %s.policy for this VMM (looked in %s and "
		                "%s/policies): install it or pass --policy",
		                name, n > 0 ? tree : "the source tree", VMJAIL_DATADIR);
	return 0;
}
