/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/<pid>/mountinfo parsing (proc(5)).  Pure and in place: the line is
 * tokenized and unescaped inside the caller's buffer, so the parser can be
 * fuzzed and reused for cgroup discovery and for checking a jail's view.
 */
#ifndef VMJAIL_MOUNTINFO_H
#define VMJAIL_MOUNTINFO_H

#include <stddef.h>

struct vj_mountinfo {
	unsigned id, parent;
	unsigned major, minor;
	char *root;       /* unescaped */
	char *mountpoint; /* unescaped */
	char *options;    /* per-mount options */
	char *fstype;
	char *source; /* unescaped */
	char *super_options;
};

/* Parse one line (no trailing newline needed).  Returns 0 or -EINVAL. */
int vj_mountinfo_parse_line(char *line, struct vj_mountinfo *out);

/* Does the comma-separated option list contain exactly this option? */
int vj_mount_has_option(const char *options, const char *opt);

/*
 * Read a whole mountinfo file and call cb for each parsed entry; stops early
 * and returns cb's value when it is non-zero.  Malformed lines are an error
 * (-EINVAL): the kernel does not write them, so one means we misread.
 */
int vj_mountinfo_each(const char *path, int (*cb)(const struct vj_mountinfo *m, void *ctx),
                      void *ctx);

#endif
