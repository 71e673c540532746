// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the jail state record parser (vj_state_parse_buffer in
 * jailer/state.c, with the cgroup keys of vj_cg_plan_load_kv).
 *
 * Input: the bytes of a `vmjail.state` file.  The file is root's, 0600,
 * beside the jail root; but --cleanup, --kill and the TTL reaper act on
 * whatever it names, so the parser must refuse, not misread, anything the
 * writer would not have produced (a truncated write, a corrupted disk, a
 * bug elsewhere).
 *
 * Must hold for every input: no crash, leak or sanitizer report; a refusal
 * says why and leaves nothing allocated.  An accepted record has a valid id
 * and vmm name, every string terminated inside its array, counts within
 * their arrays; and writing it with vj_state_write and reading it back with
 * vj_state_read gives the same record (no value can forge another key).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jailer/cgroup.h"
#include "jailer/cli.h"
#include "jailer/paths.h"
#include "jailer/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each record is ~30 KiB of fixed arrays: keep them off the stack. */
static struct vj_state st, back;
static char dir[64];
static int dir_fd = -1;

static void check(bool cond)
{
	if (!cond)
		__builtin_trap();
}

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* At exit; a trap leaves the directory behind (with the record that broke). */
static void remove_dir(void)
{
	if (dir_fd >= 0)
		unlinkat(dir_fd, VJ_STATE_FILE, 0);
	rmdir(dir);
}

static void check_accepted(const struct vj_state *s)
{
	check(TERMINATED(s->id) && vj_id_valid(s->id));
	check(TERMINATED(s->vmm) && vj_name_ok(s->vmm));
	check(TERMINATED(s->base_dir) && TERMINATED(s->status) && TERMINATED(s->policy_source) &&
	      TERMINATED(s->policy_hash) && TERMINATED(s->audit_log) && TERMINATED(s->qmp) &&
	      TERMINATED(s->saved_state));
	check(s->supervisor >= 0 && s->vmm_pid >= 0);
	check(s->nargs >= 0 && s->nargs <= VJ_MAX_SAVED_ARGS);
	for (int i = 0; i < s->nargs; i++)
		check(s->args[i] != NULL);

	const struct vj_cg_plan *cg = &s->cg;
	check(TERMINATED(cg->parent) && TERMINATED(cg->id));
	check(!cg->id[0] || vj_id_valid(cg->id));
	check(cg->ndirs <= VJ_CG_MAX_HIER + 1);
	check(cg->v2_dir >= -1 && cg->v2_dir < (int)cg->ndirs);
	check(cg->v2_dir < 0 || cg->dirs[cg->v2_dir].v2);
	for (unsigned i = 0; i < cg->ndirs; i++)
		check(TERMINATED(cg->dirs[i].mnt) && cg->dirs[i].mnt[0] == '/');
	check(cg->nwrites == 0); /* writes are never saved, so never loaded */
}

static bool same(const struct vj_state *a, const struct vj_state *b)
{
	if (strcmp(a->id, b->id) || strcmp(a->vmm, b->vmm) || strcmp(a->base_dir, b->base_dir) ||
	    strcmp(a->status, b->status) || strcmp(a->policy_source, b->policy_source) ||
	    strcmp(a->policy_hash, b->policy_hash) || strcmp(a->audit_log, b->audit_log) ||
	    strcmp(a->qmp, b->qmp) || strcmp(a->saved_state, b->saved_state))
		return false;
	if (a->supervisor != b->supervisor || a->vmm_pid != b->vmm_pid || a->uid != b->uid ||
	    a->gid != b->gid || a->created != b->created || a->ttl_deadline != b->ttl_deadline ||
	    a->cgid != b->cgid || a->pidns != b->pidns || a->nargs != b->nargs)
		return false;
	for (int i = 0; i < a->nargs; i++)
		if (strcmp(a->args[i], b->args[i]))
			return false;
	const struct vj_cg_plan *x = &a->cg, *y = &b->cg;
	if (x->version != y->version || strcmp(x->parent, y->parent) ||
	    x->parent_explicit != y->parent_explicit || strcmp(x->id, y->id) ||
	    x->ndirs != y->ndirs || x->v2_dir != y->v2_dir)
		return false;
	for (unsigned i = 0; i < x->ndirs; i++)
		if (strcmp(x->dirs[i].mnt, y->dirs[i].mnt) || x->dirs[i].v2 != y->dirs[i].v2 ||
		    x->dirs[i].ctrls != y->dirs[i].ctrls)
			return false;
	return true;
}

/* Through the real writer and reader: a root-owned 0600 file in a temp dir. */
static void roundtrip(const struct vj_state *s)
{
	/* Not root (a developer's run): the reader would refuse the file. */
	if (geteuid() != 0)
		return;
	if (dir_fd < 0) {
		/* tmpfs when there is one: the writer fsyncs every record. */
		snprintf(dir, sizeof(dir), "%s/vmjail-fuzz-state.XXXXXX",
		         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		check(mkdtemp(dir) != NULL);
		dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		check(dir_fd >= 0);
		atexit(remove_dir);
	}
	struct vj_err e = {0};
	check(vj_state_write(dir_fd, s, &e) == 0);
	int rc = vj_state_read(dir_fd, &back, &e);
	check(rc == 0);
	check(same(s, &back));
	vj_state_free(&back);
	unlinkat(dir_fd, VJ_STATE_FILE, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vj_err e = {0};
	int rc = vj_state_parse_buffer((const char *)data, size, &st, &e);
	if (rc < 0) {
		check(vj_err_set(&e) && e.msg[0]);
		check(st.nargs == 0);
		return 0;
	}
	check(rc == 0 && !vj_err_set(&e));
	check_accepted(&st);
	roundtrip(&st);
	vj_state_free(&st);
	return 0;
}
