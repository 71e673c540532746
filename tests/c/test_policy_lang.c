// SPDX-License-Identifier: Apache-2.0
/*
 * The policy library through its C API: SHA-256 vectors, the generated
 * constant table against the compiler's own macros, syscall names and
 * argument widths, the embedded default, includes (resolution, nesting,
 * hashing, refusal without a directory), and every field of a policy that
 * uses every statement.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policies/lang/consts.h"
#include "policies/lang/policy.h"
#include "policies/lang/sha256.h"
#include "policies/lang/syscalls.h"
#include "tests/c/tap.h"

static void hex(const uint8_t *h, char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

static void sha_hex(const void *d, size_t n, char out[65])
{
	struct vj_sha256 c;
	uint8_t h[32];

	vj_sha256_init(&c);
	vj_sha256_update(&c, d, n);
	vj_sha256_final(&c, h);
	hex(h, out);
}

static void test_sha256(void)
{
	char out[65];
	struct vj_sha256 c;
	uint8_t h[32];
	static char big[1000000];

	sha_hex("", 0, out);
	tap_is_str(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	           "sha256 of the empty string");
	sha_hex("abc", 3, out);
	tap_is_str(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	           "sha256 of abc");
	sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	tap_is_str(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	           "sha256 of the 448-bit FIPS vector (padding into a second block)");
	memset(big, 'a', sizeof(big));
	sha_hex(big, sizeof(big), out);
	tap_is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	           "sha256 of a million 'a'");
	/* the same million in uneven pieces */
	vj_sha256_init(&c);
	for (size_t off = 0, step = 1; off < sizeof(big); off += step, step = step * 3 % 997 + 1)
		vj_sha256_update(&c, big + off,
		                 off + step > sizeof(big) ? sizeof(big) - off : step);
	vj_sha256_final(&c, h);
	hex(h, out);
	tap_is_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	           "sha256 in uneven updates equals one update");
}

static void test_consts(void)
{
	static const struct {
		const char *name;
		uint64_t value;
	} want[] = {
	    {"KVM_GET_API_VERSION", KVM_GET_API_VERSION},
	    {"KVM_CREATE_VM", KVM_CREATE_VM},
	    {"KVM_CHECK_EXTENSION", KVM_CHECK_EXTENSION},
	    {"KVM_GET_VCPU_MMAP_SIZE", KVM_GET_VCPU_MMAP_SIZE},
	    {"KVM_CREATE_VCPU", KVM_CREATE_VCPU},
	    {"KVM_RUN", KVM_RUN},
	    {"KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION},
	    {"KVM_GET_REGS", KVM_GET_REGS},
	    {"KVM_SET_SREGS", KVM_SET_SREGS},
	    {"KVM_SET_CPUID2", KVM_SET_CPUID2},
	    {"KVM_GET_SUPPORTED_CPUID", KVM_GET_SUPPORTED_CPUID},
	    {"KVM_GET_MSRS", KVM_GET_MSRS},
	    {"KVM_IRQFD", KVM_IRQFD},
	    {"KVM_IOEVENTFD", KVM_IOEVENTFD},
	    {"KVM_SET_GSI_ROUTING", KVM_SET_GSI_ROUTING},
	    {"KVM_GET_XSAVE2", KVM_GET_XSAVE2},
	    {"KVM_SET_ONE_REG", KVM_SET_ONE_REG},
	    {"KVM_CREATE_DEVICE", KVM_CREATE_DEVICE},
	    {"TUNSETIFF", TUNSETIFF},
	    {"VHOST_SET_OWNER", VHOST_SET_OWNER},
	    {"TIOCSTI", TIOCSTI},
	    {"FIONREAD", FIONREAD},
	    {"AF_UNIX", AF_UNIX},
	    {"IPPROTO_UDP", IPPROTO_UDP},
	    {"PROT_EXEC", PROT_EXEC},
	    {"MAP_ANONYMOUS", MAP_ANONYMOUS},
	    {"O_CLOEXEC", O_CLOEXEC},
	    {"AT_FDCWD", (uint64_t)(int64_t)AT_FDCWD},
	    {"EPERM", EPERM},
	};
	size_t n;
	const struct vj_const_def *t = vj_const_table(&n);
	bool sorted = true;
	uint64_t v;
	const char *names[8];

	for (size_t i = 1; i < n; i++)
		if (strcmp(t[i - 1].name, t[i].name) >= 0)
			sorted = false;
	tap_ok(sorted && n > 1000, "constant table: %zu names, strictly sorted", n);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = vj_const_lookup(want[i].name, &v);
		tap_ok(found && v == want[i].value, "%s = 0x%llx as the compiler says",
		       want[i].name, (unsigned long long)want[i].value);
	}
	tap_ok(!vj_const_lookup("KVM_NOT_A_THING", &v), "unknown constant not found");
	tap_ok(!vj_const_lookup("kvm_run", &v), "lookup is case-sensitive");
	tap_is_str(vj_const_name(vj_ioctl_prefixes, KVM_RUN), "KVM_RUN",
	           "reverse: 0xae80 is KVM_RUN");
	tap_is_str(vj_const_name((const char *const[]){"AF_", NULL}, AF_UNIX), "AF_UNIX",
	           "reverse: AF_UNIX preferred over its aliases AF_LOCAL and AF_FILE");
	tap_ok(vj_const_names((const char *const[]){"AF_", NULL}, AF_UNIX, names, 8) == 3,
	       "reverse: all three names of 1 in AF_");
	/* a value shared by a command and a second-class name: the command */
	tap_is_str(vj_const_name((const char *const[]){"F_", NULL}, F_SETFL), "F_SETFL",
	           "reverse: 4 in F_ is F_SETFL, not the lock type F_EXLCK");
	tap_is_str(vj_const_name((const char *const[]){"F_", NULL}, F_SETFD), "F_SETFD",
	           "reverse: 2 in F_ is F_SETFD, not F_UNLCK");
	tap_is_str(vj_const_name((const char *const[]){"PR_", NULL}, 15), "PR_SET_NAME",
	           "reverse: 15 in PR_ is PR_SET_NAME, not PR_SET_MM_MAP_SIZE");
	tap_is_str(vj_const_name((const char *const[]){"PR_", NULL}, 1), "PR_SET_PDEATHSIG",
	           "reverse: 1 in PR_ is PR_SET_PDEATHSIG, not a PR_CAP_AMBIENT_ sub-operation");
	tap_is_str(vj_const_name((const char *const[]){"FUTEX_WAIT", NULL}, 128),
	           "FUTEX_WAIT_PRIVATE",
	           "reverse: futex 128 is FUTEX_WAIT_PRIVATE, not FUTEX_WAITV_MAX");
	tap_is_int(vj_errno_from_name("EPERM"), 1, "errno EPERM");
	tap_is_int(vj_errno_from_name("ENOSYS"), 38, "errno ENOSYS");
	tap_is_int(vj_errno_from_name("EPOLLIN"), -1, "EPOLLIN is not an errno name");
	tap_is_str(vj_errno_name(EAGAIN), "EAGAIN", "EAGAIN, not its alias EWOULDBLOCK");
}

static void test_syscalls(void)
{
	char buf[64];
	bool sorted = true, known = true;
	const char *prev = NULL, *s;

	tap_is_int(vj_syscall_nr("read"), 0, "read is 0 on x86_64");
	tap_is_int(vj_syscall_nr("execve"), 59, "execve is 59");
	tap_is_int(vj_syscall_nr("socketcall"), -1, "socketcall does not exist on x86_64");
	tap_is_int(vj_syscall_nr("nope"), -1, "unknown name");
	tap_is_str(vj_syscall_name(16, buf, sizeof(buf)), "ioctl", "16 is ioctl");
	tap_ok(vj_syscall_name(-1, buf, sizeof(buf)) == NULL, "no name for -1");
	for (size_t i = 0; (s = vj_syscall_arg32_entry(i)); i++) {
		if (prev && strcmp(prev, s) >= 0)
			sorted = false;
		if (vj_syscall_nr(s) < 0) {
			known = false;
			tap_diag("width table names %s, not an x86_64 syscall", s);
		}
		prev = s;
	}
	tap_ok(sorted, "argument width table is sorted (binary search)");
	tap_ok(known, "every syscall in the width table exists on x86_64");
	tap_ok(vj_syscall_arg32(16, 1), "ioctl request is 32-bit");
	tap_ok(!vj_syscall_arg32(16, 2), "ioctl argument is 64-bit");
	tap_ok(vj_syscall_arg32(41, 0) && vj_syscall_arg32(41, 1),
	       "socket family and type are 32-bit");
	tap_ok(!vj_syscall_arg32(9, 2) && !vj_syscall_arg32(9, 3),
	       "mmap prot and flags are 64-bit");
	tap_ok(!vj_syscall_arg32(56, 0) && !vj_syscall_arg32(272, 0),
	       "clone and unshare flags are 64-bit");
	tap_ok(vj_syscall_arg32(202, 1), "futex op is 32-bit");
	tap_ok(vj_syscall_arg32(157, 0), "prctl option is 32-bit");
}

static int load(const char *text, const char *dir, struct vj_policy **p, struct vj_diag *d)
{
	memset(d, 0, sizeof(*d));
	return vj_policy_load_buffer("t.policy", text, strlen(text), dir, p, d);
}

static bool diag_has(const struct vj_diag *d, enum vj_sev sev, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strstr(d->v[i].msg, needle))
			return true;
	return false;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void test_default_and_includes(void)
{
	struct vj_policy *p = NULL;
	struct vj_diag d = {0};
	char tmpl[] = "/tmp/vj-policy-test.XXXXXX", path[256], want[65], got[65];
	const char *dir;
	int r;

	r = vj_policy_load_buffer("@default", vj_default_policy_text, vj_default_policy_len, NULL,
	                          &p, &d);
	tap_ok(r == 0 && p, "the embedded default policy loads");
	if (p) {
		tap_is_str(p->name, "default", "embedded default is named default");
		tap_is_int(p->layer[VJ_LAYER_SECCOMP], VJ_REQ_REQUIRED,
		           "default: seccomp required");
		tap_is_int(p->devices,
		           (1u << VJ_DEV_KVM) | (1u << VJ_DEV_TUN) | (1u << VJ_DEV_URANDOM) |
		               (1u << VJ_DEV_NULL),
		           "default: devices kvm, net/tun, urandom, null");
		tap_ok(p->seccomp.def.kind == VJ_ACT_ERRNO && p->seccomp.def.errnum == ENOSYS,
		       "default: an allowlist, seccomp default errno ENOSYS");
		sha_hex(vj_default_policy_text, vj_default_policy_len, want);
		hex(p->hash, got);
		tap_is_str(got, want, "default: hash is SHA-256 of the embedded text");
		tap_ok(vj_default_policy_text[vj_default_policy_len] == '\0',
		       "embedded text is NUL-terminated past its length");
	}
	vj_policy_free(p);
	vj_diag_free(&d);

	r = load("version 1\ninclude \"x.inc\"\n", NULL, &p, &d);
	tap_ok(r == -EINVAL && !p && diag_has(&d, VJ_SEV_ERROR, "without a directory"),
	       "include without an include directory is a located error");
	vj_diag_free(&d);

	dir = mkdtemp(tmpl);
	if (!dir)
		abort();
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sub/a.inc", dir);
	write_file(path, "# a\ninclude \"b.inc\"\nseccomp allow read\n");
	snprintf(path, sizeof(path), "%s/sub/b.inc", dir);
	write_file(path, "version 1\nseccomp allow write\n");
	r = load("version 1\ninclude \"sub/a.inc\"\nlayer seccomp required\nseccomp allow execve\n",
	         dir, &p, &d);
	tap_ok(r == 0 && p, "nested include resolves relative to each including file");
	if (p) {
		const char *expect = "version 1\ninclude \"sub/a.inc\"\n"
		                     "# a\ninclude \"b.inc\"\n"
		                     "version 1\nseccomp allow write\n"
		                     "seccomp allow read\n"
		                     "layer seccomp required\nseccomp allow execve\n";
		tap_is_int(p->seccomp.nrules, 3, "rules from every file");
		tap_is_str(p->seccomp.rules[0].name, "write",
		           "b.inc's rule comes first (text order)");
		tap_ok(strstr(p->seccomp.rules[0].loc.file, "sub/b.inc") != NULL &&
		           p->seccomp.rules[0].loc.line == 2,
		       "a rule's location names its include file and line (%s:%u)",
		       p->seccomp.rules[0].loc.file, p->seccomp.rules[0].loc.line);
		sha_hex(expect, strlen(expect), want);
		hex(p->hash, got);
		tap_is_str(got, want, "hash covers the resolved source, includes in place");
	}
	vj_policy_free(p);
	vj_diag_free(&d);
	/* b.inc cannot reach back up to the policy's directory */
	snprintf(path, sizeof(path), "%s/sub/b.inc", dir);
	write_file(path, "include \"../top.inc\"\n");
	r = load("version 1\ninclude \"sub/b.inc\"\n", dir, &p, &d);
	tap_ok(r == -EINVAL && diag_has(&d, VJ_SEV_ERROR, "contains '..'"),
	       "'..' refused in includes");
	vj_diag_free(&d);
	snprintf(path, sizeof(path), "%s/sub/a.inc", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub/b.inc", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static const struct vj_rule *rule(const struct vj_policy *p, const char *name, size_t k)
{
	for (size_t i = 0; i < p->seccomp.nrules; i++)
		if (strcmp(p->seccomp.rules[i].name, name) == 0 && k-- == 0)
			return &p->seccomp.rules[i];
	return NULL;
}

static void test_every_statement(void)
{
	const char *src = getenv("VJ_SRC");
	char path[512];
	struct vj_policy *p = NULL;
	struct vj_diag d = {0};
	const struct vj_rule *r;
	int rc;

	snprintf(path, sizeof(path), "%s/fuzz/corpus/policy/every-statement.policy",
	         src ? src : ".");
	rc = vj_policy_load_file(path, &p, &d);
	vj_diag_print(&d, stdout);
	if (!tap_ok(rc == 0 && p, "every-statement.policy loads")) {
		vj_diag_free(&d);
		return;
	}
	tap_ok(p->pidns && !p->userns && !p->mount_proc, "namespaces and mounts");
	tap_is_int(p->limits.memory_max, 512ll << 20, "cgroup memory 512M");
	tap_is_int(p->limits.memory_swap_max, 0, "cgroup memory-swap 0");
	tap_is_int(p->limits.pids_max, 256, "cgroup pids");
	tap_is_int(p->limits.cpu_quota_us, 150000, "cgroup cpu 1.5 = 150000us per 100000us");
	tap_is_int(p->limits.cpu_period_us, 100000, "cgroup cpu-period");
	tap_is_str(p->limits.cpuset_cpus, "0-1,3", "cpuset list with a comma");
	tap_ok(p->rlimits[RLIMIT_NOFILE].set && p->rlimits[RLIMIT_NOFILE].cur == 2048 &&
	           p->rlimits[RLIMIT_NOFILE].max == 2048,
	       "rlimit with one value: soft = hard");
	tap_ok(p->rlimits[RLIMIT_FSIZE].cur == 1ull << 30 &&
	           p->rlimits[RLIMIT_FSIZE].max == RLIM_INFINITY,
	       "rlimit fsize 1G unlimited");
	tap_ok(!p->rlimits[RLIMIT_CORE].set, "unset rlimit stays unset");
	tap_ok(p->nbinds == 3 && strcmp(p->binds[0].src, p->binds[0].dst) == 0 &&
	           !p->binds[0].writable,
	       "bind dst defaults to src");
	tap_ok(p->nbinds == 3 && strcmp(p->binds[1].dst, "/run/sock") == 0 &&
	           p->binds[1].writable && p->binds[1].optional,
	       "rw optional bind with its own dst");
	tap_ok(p->nbinds == 3 && strcmp(p->binds[2].src, "/opt/with space") == 0,
	       "quoted path with a space");
	tap_ok(p->landlock.npaths == 3 && p->landlock.paths[2].rights == (VJ_LL_READ | VJ_LL_EXEC),
	       "landlock rx");
	tap_ok(p->landlock.nbind_ports == 2 && p->landlock.bind_ports[1] == 8081, "tcp-bind ports");
	tap_ok(p->landlock.scope_abstract_unix && p->landlock.scope_signal, "landlock scopes");
	tap_ok(p->cgbpf.nsockets == 3 && p->cgbpf.sockets[0].family == AF_UNIX &&
	           p->cgbpf.sockets[0].type == -1 && p->cgbpf.sockets[2].protocol == IPPROTO_UDP,
	       "socket rules with defaults of any");
	tap_ok(p->cgbpf.nnet == 3 && p->cgbpf.net[0].prefix == 8 &&
	           p->cgbpf.net[0].port_lo == 443 && p->cgbpf.net[0].port_hi == 443 &&
	           p->cgbpf.net[0].addr[0] == 10,
	       "net connect 10.0.0.0/8 port 443");
	tap_ok(p->cgbpf.nnet == 3 && p->cgbpf.net[2].family == AF_INET6 &&
	           p->cgbpf.net[2].addr[15] == 1 && p->cgbpf.net[2].op == VJ_NET_SENDMSG,
	       "net sendmsg ::1/128");
	tap_ok(p->cgbpf.sysctl_read && !p->cgbpf.sysctl_write, "sysctl");
	tap_is_int(p->seccomp.def.kind, VJ_ACT_KILL_PROCESS, "seccomp default kill-process");
	r = rule(p, "ioctl", 2);
	tap_ok(r && r->ncond == 1 && r->cond[0].arg == 1 && r->cond[0].arg32 &&
	           r->cond[0].op == VJ_OP_EQ && r->cond[0].value == TCGETS && !rule(p, "ioctl", 3),
	       "'in {a, b, c}' is three rules, 32-bit, in order");
	r = rule(p, "mmap", 0);
	tap_ok(r && r->ncond == 2 && !r->cond[0].arg32 && r->cond[0].op == VJ_OP_MASKED_EQ &&
	           r->cond[0].mask == PROT_EXEC && r->cond[0].value == 0 &&
	           r->cond[1].mask == MAP_SHARED,
	       "mmap: two masked 64-bit conditions");
	r = rule(p, "openat", 0);
	tap_ok(r && r->cond[0].arg32 && r->cond[0].value == 0xffffff9cu,
	       "AT_FDCWD on a 32-bit argument is folded to its 32-bit pattern");
	r = rule(p, "clone3", 0);
	tap_ok(r && r->action.kind == VJ_ACT_ERRNO && r->action.errnum == 38, "errno by number");
	r = rule(p, "execveat", 0);
	tap_ok(r && r->action.kind == VJ_ACT_TRAP, "trap");
	tap_ok(r && r->loc.line == 49 && r->loc.col == 14, "rule location is line:col of its name");
	vj_policy_free(p);
	vj_diag_free(&d);
}

static void test_semantics(void)
{
	struct vj_policy *p = NULL;
	struct vj_diag d;
	int r;

	r = load("version 1\nseccomp allow read\n", NULL, &p, &d);
	tap_ok(r == 0 && p && p->seccomp.def.kind == VJ_ACT_KILL_PROCESS,
	       "seccomp default is kill-process when omitted");
	vj_policy_free(p);
	vj_diag_free(&d);
	r = load("version 1\nseccomp default errno EPERM\nseccomp errno EPERM ptrace\nseccomp "
	         "allow read\n",
	         NULL, &p, &d);
	tap_ok(r == 0 && p && p->seccomp.nrules == 1 &&
	           diag_has(&d, VJ_SEV_WARNING, "has the default action"),
	       "a rule equal to the default is dropped with a warning");
	vj_policy_free(p);
	vj_diag_free(&d);
	p = (struct vj_policy *)1;
	r = load("version 1\nseccomp allow nope\n", NULL, &p, &d);
	tap_ok(r == -EINVAL && p == NULL && d.nerrors == 1, "failure leaves no policy behind");
	vj_diag_free(&d);
	r = load("version 1\nlayer seccomp required\nseccomp allow read\nseccomp allow execve if "
	         "arg0 == 0\n",
	         NULL, &p, &d);
	tap_ok(r == 0, "a conditional execve allow counts as allowed");
	vj_policy_free(p);
	vj_diag_free(&d);
	r = load("version 1\nrlimit nofile unlimited\n", NULL, &p, &d);
	tap_ok(r == -EINVAL && diag_has(&d, VJ_SEV_ERROR, "cannot be unlimited"),
	       "rlimit nofile unlimited is refused (the kernel would)");
	vj_diag_free(&d);
}

int main(void)
{
	test_sha256();
	test_consts();
	test_syscalls();
	test_default_and_includes();
	test_every_statement();
	test_semantics();
	return tap_done();
}
