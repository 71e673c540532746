/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between the lexer, parser, validator and loader; not an API. */
#ifndef VMJAIL_POLICY_INTERNAL_H
#define VMJAIL_POLICY_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policies/lang/lexer.h"
#include "policies/lang/policy.h"
#include "policies/lang/sha256.h"

/* Limits that keep a hostile policy from costing more than a small file. */
#define VJ_MAX_FILE_SIZE     (1u << 20) /* one policy or include file */
#define VJ_MAX_TOTAL_SIZE    (4u << 20) /* everything a policy includes */
#define VJ_MAX_LINE          4096
#define VJ_MAX_INCLUDE_DEPTH 8
#define VJ_MAX_FILES         64
#define VJ_MAX_RULES         4096 /* after `in {}` expansion; BPF_MAXINSNS is 4096 anyway */
#define VJ_MAX_ITEMS         1024 /* binds, dirs, landlock paths, ports, sockets, net rules */
#define VJ_DIAG_MAX          100
#define VJ_MAX_PATH          1024

void vj_diag_add(struct vj_diag *d, enum vj_sev sev, const struct vj_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void vj_diag_vadd(struct vj_diag *d, enum vj_sev sev, const char *file, unsigned line, unsigned col,
                  const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
const char *vj_sev_name(enum vj_sev s);

/* Where a set-once statement was first seen (line 0: not yet). */
struct vj_seen {
	struct vj_loc loc;
};

struct vj_parser {
	struct vj_policy *p;
	struct vj_diag *diag;
	struct vj_sha256 hash;

	unsigned depth;
	size_t total_bytes;
	dev_t stack_dev[VJ_MAX_INCLUDE_DEPTH + 1];
	ino_t stack_ino[VJ_MAX_INCLUDE_DEPTH + 1];
	bool buffer_root; /* top level came from memory: no identity */

	const char *cur_file; /* interned name of the file being read */
	unsigned cur_line;
	unsigned file_stmts; /* statements seen in the current file */
	unsigned nstmts;     /* statements seen, all files */
	bool version_ok;
	bool fatal; /* stop parsing (version missing, limits) */
	struct vj_seen version, name, def, sysctl_read, sysctl_write;
	struct vj_seen layer[VJ_LAYER__COUNT];
	struct vj_seen ns_user, ns_pid, mnt_proc, mnt_sys;
	struct vj_seen dev[VJ_DEV__COUNT];
	struct vj_seen rlimit[RLIM_NLIMITS];
	struct vj_seen cg_memory, cg_swap, cg_pids, cg_cpu, cg_period, cg_io, cg_cpus, cg_mems;
	struct vj_seen scope_unix, scope_signal;
	uint64_t cpu_milli;        /* `cgroup cpu` in thousandths of a CPU */
	struct vj_loc any_seccomp; /* first seccomp rule, for "layer is off" */
};

/* One statement (its tokens) into the policy; may recurse for include. */
void vj_parse_stmt(struct vj_parser *ps, const struct vj_tok *t, size_t n, int dirfd);

/* Cross-statement rules, after every file is read. */
void vj_validate(struct vj_parser *ps);

/* Feed one file (already read) line by line: lex, hash, parse. */
void vj_parse_text(struct vj_parser *ps, const char *file, const char *buf, size_t len, int dirfd);

/* include: open `rel` beneath dirfd and parse it (loader.c). */
void vj_parse_include(struct vj_parser *ps, const struct vj_loc *at, const char *rel, int dirfd);

/* Intern a file name into p->files; returns the stored copy or NULL. */
const char *vj_intern_file(struct vj_policy *p, const char *name);

/* Escape for messages: printable ASCII as is, the rest \xNN; cut with "...". */
size_t vj_escape(char *buf, size_t len, const char *s, size_t n);

/* Path checks shared by bind/dir/landlock: absolute, normalized, printable. */
bool vj_path_ok(const char *s, const char **why);

#endif
