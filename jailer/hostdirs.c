// SPDX-License-Identifier: Apache-2.0
#include "jailer/hostdirs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/lib/rundir.h"
#include "bpf/vjbpf.h"

static char run_dir[PATH_MAX / 4] = VJ_RUN_DIR_DEFAULT;
static char pin_dir[PATH_MAX / 4] = VJBPF_PIN_ROOT;

/* Absolute, no "." or ".." component, no control bytes: these paths end up
 * in lock names, socket addresses and audit records. */
static bool dir_ok(const char *p)
{
	if (!p || p[0] != '/' || strlen(p) >= sizeof(run_dir) - 32)
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	for (const char *c = p; (c = strstr(c, "/.")); c++)
		if (c[2] == '\0' || c[2] == '/' || (c[2] == '.' && (c[3] == '\0' || c[3] == '/')))
			return false;
	return true;
}

static int pick(char *dst, size_t len, const char *flag, const char *env, const char *what,
                struct vj_err *e)
{
	const char *v = flag ? flag : getenv(env);
	if (!v || !*v)
		return 0;
	if (!dir_ok(v))
		return vj_fail(e, EINVAL, "%s must be an absolute path without '.', '..' or "
		                          "control bytes", flag ? what : env);
	vj_fmt(dst, len, "%s", v);
	return 0;
}

int vj_hostdirs_init(const struct vj_cli *cli, struct vj_err *e)
{
	vj_err_step(e, "host dirs");
	int rc = pick(run_dir, sizeof(run_dir), cli->run_dir, "VMJAIL_RUN_DIR", "--run-dir", e);
	if (rc == 0)
		rc = pick(pin_dir, sizeof(pin_dir), cli->bpf_pin_dir, "VMJAIL_BPF_PIN_DIR",
		          "--bpf-pin-dir", e);
	if (rc < 0)
		return rc;
	char lock[PATH_MAX / 4];
	vj_fmt(lock, sizeof(lock), "%s/bpf.lock", run_dir);
	rc = vjbpf_set_root(pin_dir, lock);
	if (rc < 0)
		return vj_fail(e, -rc, "BPF pin dir or lock path too long");
	return 0;
}

const char *vj_run_dir(void)
{
	return run_dir;
}

const char *vj_bpf_pin_dir(void)
{
	return pin_dir;
}
