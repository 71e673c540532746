/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parsed, validated form of a vmjail policy (language: policies/README.md).
 *
 * One parser produces this for every consumer: the jailer, vmjail-policy and
 * the fuzzers.  Everything here is already resolved: syscall names to
 * x86_64 numbers, constants to values, argument widths decided, includes
 * expanded.  Consumers never look at source text again, so two consumers can
 * never disagree about what a policy says.
 *
 * Ownership: a vj_policy and everything it points to is freed by
 * vj_policy_free().  Nothing in it is shared with the caller.
 */
#ifndef VMJAIL_POLICY_H
#define VMJAIL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#define VJ_POLICY_LANG_VERSION 1

/* ---------------------------------------------------------------- layers */

enum vj_layer {
	VJ_LAYER_SECCOMP,
	VJ_LAYER_EXEC_ONCE, /* seccomp user-notify on execve/execveat + supervisor */
	VJ_LAYER_LANDLOCK,
	VJ_LAYER_CGROUP_BPF,
	VJ_LAYER_CGROUP_LIMITS,
	VJ_LAYER_BPF_LSM,
	VJ_LAYER_APPARMOR,
	VJ_LAYER__COUNT
};

enum vj_req {
	VJ_REQ_OFF = 0,
	VJ_REQ_IF_AVAILABLE,
	VJ_REQ_REQUIRED,
};

const char *vj_layer_name(enum vj_layer l);   /* "seccomp", "exec-once", ... */
int vj_layer_from_name(const char *name);     /* -1 if unknown */
const char *vj_req_name(enum vj_req r);       /* "off", "if-available", "required" */

/* Where a statement came from; file points into vj_policy.files. */
struct vj_loc {
	const char *file;
	unsigned line, col;
};

/* --------------------------------------------------------------- seccomp */

/* Ordered from most to least restrictive, as the kernel ranks them. */
enum vj_act {
	VJ_ACT_KILL_PROCESS,
	VJ_ACT_KILL_THREAD,
	VJ_ACT_TRAP,
	VJ_ACT_ERRNO,
	VJ_ACT_USER_NOTIF,
	VJ_ACT_LOG,
	VJ_ACT_ALLOW,
};

struct vj_action {
	enum vj_act kind;
	int errnum; /* VJ_ACT_ERRNO only: 1..4095 */
};

/* As a policy writes it: "allow", "kill-process", "errno EPERM", ... */
const char *vj_action_name(const struct vj_action *a, char *buf, size_t len);

enum vj_op {
	VJ_OP_EQ,
	VJ_OP_NE,
	VJ_OP_LT,
	VJ_OP_LE,
	VJ_OP_GT,
	VJ_OP_GE,
	VJ_OP_MASKED_EQ, /* (arg & mask) == value */
};

/* Does value v satisfy `op value` (mask: VJ_OP_MASKED_EQ only)?  No 32-bit
 * truncation here: the caller applies arg32.  False for an unknown op. */
bool vj_op_holds(enum vj_op op, uint64_t v, uint64_t value, uint64_t mask);

/*
 * arg32: the kernel declares this argument as a 32-bit type (int, unsigned
 * int), so it only ever looks at the low 32 bits.  Comparing all 64 bits would
 * let a caller set high bits to slip past a deny rule (CVE-2019-10063 for
 * TIOCSTI).  The validator sets it from the argument-width table and only
 * admits == and masked == on such arguments; codegen and the semantic
 * evaluator both compare (arg & 0xffffffff) when it is set.
 */
struct vj_cond {
	unsigned arg; /* 0..5 */
	enum vj_op op;
	uint64_t value;
	uint64_t mask; /* VJ_OP_MASKED_EQ only */
	bool arg32;
	struct vj_loc loc;
};

#define VJ_MAX_CONDS 6

/* One conjunction of conditions; several rules for a syscall form a disjunction. */
struct vj_rule {
	int nr;        /* x86_64 syscall number */
	char name[40]; /* syscall name as written */
	struct vj_action action;
	unsigned ncond;
	struct vj_cond cond[VJ_MAX_CONDS];
	struct vj_loc loc;
};

/*
 * Semantics (implemented once, in policies/compile/semantics.c, and checked
 * against the compiled program by the differential test):
 *   - a foreign architecture, i386, and x32 numbers (every nr >= 0x40000000 taken
 *     as unsigned, -1 included): kill-process;
 *   - a syscall with rules: the action of the rules if any rule's conditions
 *     all hold, else the default;
 *   - any other syscall: the default.
 * The validator guarantees that all rules of one syscall share one action
 * (mixing actions on overlapping conditions is where compilers go wrong), and
 * that no rule repeats an argument.
 */
struct vj_seccomp {
	struct vj_action def;
	struct vj_rule *rules;
	size_t nrules;
};

/* ------------------------------------------------------------ jail setup */

enum vj_dev {
	VJ_DEV_KVM,
	VJ_DEV_TUN,
	VJ_DEV_VHOST_NET,
	VJ_DEV_VHOST_VSOCK,
	VJ_DEV_URANDOM,
	VJ_DEV_RANDOM,
	VJ_DEV_NULL,
	VJ_DEV_ZERO,
	VJ_DEV_FULL,
	VJ_DEV_USERFAULTFD,
	VJ_DEV__COUNT
};

struct vj_devinfo {
	const char *name; /* policy name: "kvm", "net/tun", ... */
	const char *path; /* path in the jail: "/dev/kvm" */
	unsigned major, minor;
};
const struct vj_devinfo *vj_dev_info(enum vj_dev d);
int vj_dev_from_name(const char *name); /* -1 if unknown */

struct vj_bind {
	char *src;      /* absolute host path */
	char *dst;      /* absolute path inside the jail (defaults to src) */
	bool writable;  /* rw binds; ro otherwise */
	bool optional;  /* skip quietly when src does not exist */
	struct vj_loc loc;
};

/* A tenant-owned empty directory inside the jail (mode 0700), e.g. /run. */
/* A tenant-writable dir is a tmpfs of its own: bounded in bytes and inodes
 * so that a tenant cannot fill the host filesystem (0: the default). */
#define VJ_DIR_DEFAULT_SIZE   (64ULL << 20)
#define VJ_DIR_DEFAULT_INODES 4096ULL
struct vj_dir {
	char *path;
	uint64_t size;   /* bytes; 0 = VJ_DIR_DEFAULT_SIZE */
	uint64_t inodes; /* 0 = VJ_DIR_DEFAULT_INODES */
	struct vj_loc loc;
};

/* -1 means "not set" for every limit. */
struct vj_cglimits {
	int64_t memory_max;      /* bytes */
	int64_t memory_swap_max; /* bytes (v1: memsw is memory + swap) */
	int64_t pids_max;
	int64_t cpu_quota_us;    /* with cpu_period_us */
	int64_t cpu_period_us;
	int64_t io_weight;       /* 1..10000 (v1 blkio.weight is mapped into 10..1000) */
	char cpuset_cpus[64];    /* "" = not set */
	char cpuset_mems[64];
};

struct vj_rlimit {
	bool set;
	uint64_t cur, max; /* RLIM_INFINITY for unlimited */
};

/* prlimit(1) names: "nofile" <-> RLIMIT_NOFILE; NULL / -1 when unknown. */
const char *vj_rlimit_name(int resource);
int vj_rlimit_from_name(const char *name);

/* --------------------------------------------------------------- landlock */

#define VJ_LL_READ  0x1u /* read files, list dirs */
#define VJ_LL_WRITE 0x2u /* write, create, remove, truncate */
#define VJ_LL_EXEC  0x4u /* execute */
#define VJ_LL_IOCTL 0x8u /* ioctl on device files (ABI 5) */

struct vj_llpath {
	char *path; /* path inside the jail */
	unsigned rights;
	struct vj_loc loc;
};

struct vj_landlock {
	struct vj_llpath *paths;
	size_t npaths;
	uint16_t *bind_ports;
	size_t nbind_ports;
	uint16_t *connect_ports;
	size_t nconnect_ports;
	bool scope_abstract_unix;
	bool scope_signal;
};

/* ------------------------------------------------------------- cgroup-bpf */

struct vj_sockrule {
	int family;   /* AF_* */
	int type;     /* SOCK_* or -1 for any */
	int protocol; /* IPPROTO_* or -1 for any */
	struct vj_loc loc;
};

enum vj_netop { VJ_NET_CONNECT, VJ_NET_BIND, VJ_NET_SENDMSG };

struct vj_netrule {
	enum vj_netop op;
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order; v4 in the first 4 bytes */
	unsigned prefix;  /* prefix length */
	uint16_t port_lo, port_hi;
	struct vj_loc loc;
};

struct vj_cgbpf {
	struct vj_sockrule *sockets; /* allowlist of socket() triples */
	size_t nsockets;
	struct vj_netrule *net; /* allowlist of connect/bind/sendmsg */
	size_t nnet;
	bool sysctl_read;  /* default: denied */
	bool sysctl_write; /* default: denied */
};

/* ----------------------------------------------------------------- policy */

struct vj_policy {
	char name[64];
	uint8_t hash[32]; /* SHA-256 over the resolved source, includes in order */

	enum vj_req layer[VJ_LAYER__COUNT];

	/* namespaces and mounts */
	bool userns;
	bool pidns;       /* the VMM is pid 1 (also --new-pid-ns) */
	bool mount_proc;
	bool mount_sys;

	uint32_t devices; /* bit (1u << enum vj_dev) */
	struct vj_bind *binds;
	size_t nbinds;
	struct vj_dir *dirs;
	size_t ndirs;

	struct vj_cglimits limits;
	struct vj_rlimit rlimits[RLIM_NLIMITS];

	struct vj_landlock landlock;
	struct vj_cgbpf cgbpf;
	struct vj_seccomp seccomp;

	/* interned file names that vj_loc.file points into */
	char **files;
	size_t nfiles;
};

/* ------------------------------------------------------------ diagnostics */

enum vj_sev { VJ_SEV_ERROR, VJ_SEV_WARNING, VJ_SEV_NOTE };

struct vj_diag_entry {
	enum vj_sev sev;
	char file[256];
	unsigned line, col;
	char msg[256];
};

struct vj_diag {
	struct vj_diag_entry *v;
	size_t n, cap;
	size_t nerrors;
};

void vj_diag_free(struct vj_diag *d);

/* Hostile text for one-line output: printable ASCII kept, every other byte
 * (and '\\') as \xNN; cut with "..." to fit len.  Returns the length. */
size_t vj_escape(char *buf, size_t len, const char *s, size_t n);
/* "file:line:col: error: message" lines, one per entry. */
void vj_diag_print(const struct vj_diag *d, void *FILE_stream);

/* ------------------------------------------------------------------- API */

/*
 * Parse and validate.  Returns 0 and sets *out, or -EINVAL (located errors in
 * diag) / -errno (I/O).  Includes are resolved relative to the including
 * file's directory; they may not escape it with "..".
 */
int vj_policy_load_file(const char *path, struct vj_policy **out, struct vj_diag *diag);

/* Same, from memory (the embedded default policy, fuzzers).  include_dir may
 * be NULL: then any include is an error. */
int vj_policy_load_buffer(const char *name, const char *buf, size_t len, const char *include_dir,
			  struct vj_policy **out, struct vj_diag *diag);

void vj_policy_free(struct vj_policy *p);

/* Lowercase hex of p->hash into buf (65 bytes). */
const char *vj_policy_hash_hex(const struct vj_policy *p, char buf[65]);

/* The policy compiled into the binary, used when --policy is not given. */
extern const char vj_default_policy_text[];
extern const size_t vj_default_policy_len;

#endif
