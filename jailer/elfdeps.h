/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The files a dynamically linked VMM needs before main(): its ELF interpreter
 * and the closure of DT_NEEDED libraries, found the way ld.so will look for
 * them inside the jail (RPATH/RUNPATH, the ld.so.conf directories, the
 * default multiarch directories).  The jail binds each one read-only at the
 * path the loader will try, so nothing else of /usr is visible.
 *
 * Read-only inspection with libelf; foreign-architecture objects are skipped
 * exactly as ld.so skips them.
 */
#ifndef VMJAIL_ELFDEPS_H
#define VMJAIL_ELFDEPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "jailer/err.h"

struct vj_elfdep {
	char host[PATH_MAX]; /* canonical file on the host */
	char jail[PATH_MAX]; /* where the loader will look for it in the jail */
};

struct vj_elfdeps {
	struct vj_elfdep *v;
	size_t n, cap;
	bool is_static;    /* no interpreter, nothing to bind */
	bool need_ldcache; /* a library was found only through ld.so.conf */
	char interp[PATH_MAX];
};

int vj_elfdeps_resolve(const char *exec_path, struct vj_elfdeps *out, struct vj_err *e);
void vj_elfdeps_free(struct vj_elfdeps *d);

#endif
