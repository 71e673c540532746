/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMJAIL_JAILS_H
#define VMJAIL_JAILS_H

#include <stdbool.h>

#include "jailer/cli.h"
#include "jailer/err.h"
#include "jailer/state.h"

struct vj_audit;

/* An existing jail, found by id. */
struct vj_jail_ref {
	int base_fd, vmmdir_fd, jail_fd;
	char base[PATH_MAX];
	char vmm[NAME_MAX + 1];
	char id[65];
	bool have_state;
	bool running; /* a supervisor holds the lock */
	struct vj_state st;
};

int vj_jail_find(const struct vj_cli *cli, struct vj_jail_ref *j, struct vj_err *e);
/* exec_file: its basename names the VMM dir; NULL: the one dir holding id. */
int vj_jail_find_in(const char *base_dir, const char *exec_file, const char *id,
                    struct vj_jail_ref *j, struct vj_err *e);
void vj_jail_ref_close(struct vj_jail_ref *j);
struct vj_audit *vj_jail_audit(const struct vj_jail_ref *j);
void vj_jail_emit(struct vj_audit *a, const char *type, int pid, const char *msg);

/* --cleanup --list --pause --resume --kill --reap --suspend --bpf-unload */
int vj_jails_command(const struct vj_cli *cli);

/* --suspend: QEMU's state to a file inside the jail (jailer/suspend.c). */
int vj_jail_suspend(const struct vj_cli *cli);

#endif
