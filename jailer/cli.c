// SPDX-License-Identifier: Apache-2.0
/*
 * Command line parsing.  Hand-written rather than getopt_long: getopt
 * permutes argv and accepts abbreviations ("--exe" for "--exec-file"), and a
 * security tool's flags should mean exactly what they say.
 */
#include "jailer/cli.h"
#include "audit/lib/ocsf.h"
#include "policies/lang/policy.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Firecracker spells RLIMIT_NOFILE "no-file"; the policy language, prlimit(1)'s "nofile". */
static int rlimit_from_cli_name(const char *name)
{
	return vj_rlimit_from_name(strcmp(name, "no-file") == 0 ? "nofile" : name);
}

bool vj_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > VJ_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '-')
			return false;
	return true;
}

/* Strict unsigned decimal: no sign, no spaces, no trailing junk, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int vj_parse_duration(const char *s, int64_t *sec)
{
	uint64_t v;
	size_t n = strlen(s);
	if (n == 0 || n > 20)
		return -EINVAL;
	char num[24];
	memcpy(num, s, n + 1);
	uint64_t mul = 1;
	switch (num[n - 1]) {
	case 's':
		mul = 1;
		num[n - 1] = 0;
		break;
	case 'm':
		mul = 60;
		num[n - 1] = 0;
		break;
	case 'h':
		mul = 3600;
		num[n - 1] = 0;
		break;
	case 'd':
		mul = 86400;
		num[n - 1] = 0;
		break;
	default:
		break;
	}
	if (parse_u64(num, &v) < 0 || v == 0 || v > (uint64_t)INT64_MAX / mul)
		return -EINVAL;
	*sec = (int64_t)(v * mul);
	return 0;
}

/* Firecracker: "<controller>.<file>", no '/', not "." or "..". */
static bool cgroup_file_valid(const char *f)
{
	size_t n = strlen(f);
	const char *dot = strchr(f, '.');
	if (n == 0 || n >= sizeof(((struct vj_cgroup_arg *)0)->file) || !dot || dot == f ||
	    dot[1] == '\0')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f[i];
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return strstr(f, "..") == NULL;
}

static bool cgroup_value_valid(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n >= sizeof(((struct vj_cgroup_arg *)0)->value))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)v[i]))
			return false; /* a newline would write a second value */
	return true;
}

/* Relative, no "." or ".." components, no empty components. */
bool vj_parent_cgroup_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 255 || p[0] == '/' || p[n - 1] == '/')
		return false;
	const char *c = p;
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)c[i];
			if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-')
				return false;
		}
		c += len;
		if (*c == '/')
			c++;
	}
	return true;
}

static bool abs_path_valid(const char *p)
{
	size_t n = strlen(p);
	if (n < 1 || n >= PATH_MAX || p[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (iscntrl((unsigned char)p[i]))
			return false;
	return true;
}

static int parse_rlimit(const char *arg, struct vj_rlimit_arg *out, struct vj_err *e)
{
	char name[32];
	const char *eq = strchr(arg, '=');
	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return vj_fail(e, EINVAL, "--resource-limit wants RESOURCE=VALUE, got '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	int res = rlimit_from_cli_name(name);
	if (res < 0)
		return vj_fail(e, EINVAL, "--resource-limit: unknown resource '%s'", name);
	const char *val = eq + 1;
	/* VALUE or SOFT:HARD; "unlimited" for RLIM_INFINITY */
	char buf[64];
	if (strlen(val) >= sizeof(buf))
		return vj_fail(e, EINVAL, "--resource-limit: value too long");
	strcpy(buf, val);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	uint64_t v[2];
	const char *parts[2] = {buf, colon ? colon + 1 : buf};
	for (int i = 0; i < 2; i++) {
		if (strcmp(parts[i], "unlimited") == 0)
			v[i] = RLIM_INFINITY;
		else if (parse_u64(parts[i], &v[i]) < 0 || v[i] == RLIM_INFINITY)
			return vj_fail(e, EINVAL, "--resource-limit %s: bad value '%s'", name,
			               parts[i]);
	}
	if (v[0] > v[1])
		return vj_fail(e, EINVAL, "--resource-limit %s: soft limit above hard limit", name);
	out->resource = res;
	out->cur = v[0];
	out->max = v[1];
	return 0;
}

/* Flags that take a value. */
enum opt {
	O_ID,
	O_EXEC,
	O_UID,
	O_GID,
	O_BASE,
	O_NETNS,
	O_CGROUP,
	O_CGVER,
	O_PARENT,
	O_RLIMIT,
	O_POLICY,
	O_AUDIT,
	O_AFORMAT,
	O_KEEPFD,
	O_TTL,
	O_CACHE,
	O_ARATE,
	O_ARING,
	O_ALATE,
	O_BIND,
	O_RUNDIR,
	O_PINDIR,
	O_GUESTRAM,
	O_NOVALUE
};

static const struct {
	const char *flag;
	enum opt opt;
} valued[] = {
    {"--id", O_ID},
    {"--exec-file", O_EXEC},
    {"--uid", O_UID},
    {"--gid", O_GID},
    {"--chroot-base-dir", O_BASE},
    {"--netns", O_NETNS},
    {"--cgroup", O_CGROUP},
    {"--cgroup-version", O_CGVER},
    {"--parent-cgroup", O_PARENT},
    {"--resource-limit", O_RLIMIT},
    {"--policy", O_POLICY},
    {"--audit-log", O_AUDIT},
    {"--audit-format", O_AFORMAT},
    {"--keep-fd", O_KEEPFD},
    {"--ttl", O_TTL},
    {"--seccomp-cache", O_CACHE},
    {"--audit-rate", O_ARATE},
    {"--audit-ring", O_ARING},
    {"--audit-late", O_ALATE},
    {"--bind", O_BIND},
    {"--run-dir", O_RUNDIR},
    {"--bpf-pin-dir", O_PINDIR},
    {"--guest-ram", O_GUESTRAM},
};

static const struct {
	const char *flag;
	enum vj_mode mode;
} modes[] = {
    {"--help", VJ_MODE_HELP},
    {"-h", VJ_MODE_HELP},
    {"--version", VJ_MODE_VERSION},
    {"--probe", VJ_MODE_PROBE},
    {"--cleanup", VJ_MODE_CLEANUP},
    {"--list", VJ_MODE_LIST},
    {"--pause", VJ_MODE_PAUSE},
    {"--resume", VJ_MODE_RESUME},
    {"--suspend", VJ_MODE_SUSPEND},
    {"--kill", VJ_MODE_KILL},
    {"--reap", VJ_MODE_REAP},
    {"--dry-run", VJ_MODE_DRY_RUN},
    {"--bpf-unload", VJ_MODE_BPF_UNLOAD},
};

static int set_value(struct vj_cli *cli, enum opt o, const char *flag, const char *v,
                     struct vj_err *e)
{
	uint64_t n;
	switch (o) {
	case O_ID:
		if (!vj_id_valid(v))
			return vj_fail(e, EINVAL,
			               "--id must be 1-%d characters of [A-Za-z0-9-], got '%.80s'",
			               VJ_ID_MAX, v);
		strcpy(cli->id, v);
		return 0;
	case O_EXEC:
		if (!*v || strlen(v) >= PATH_MAX)
			return vj_fail(e, EINVAL, "--exec-file: empty or too long path");
		cli->exec_file = v;
		return 0;
	case O_UID:
	case O_GID:
		if (parse_u64(v, &n) < 0 || n >= UINT32_MAX)
			return vj_fail(e, EINVAL, "%s: not a valid id: '%.40s'", flag, v);
		/* A tenant running as root (or in root's group) would hold
		 * everything the jail is meant to take away. */
		if (n == 0)
			return vj_fail(e, EINVAL, "%s 0 is refused: the tenant must not be root",
			               flag);
		if (o == O_UID) {
			cli->uid = (uid_t)n;
			cli->uid_set = true;
		} else {
			cli->gid = (gid_t)n;
			cli->gid_set = true;
		}
		return 0;
	case O_BASE:
		if (!abs_path_valid(v))
			return vj_fail(e, EINVAL, "--chroot-base-dir must be an absolute path");
		cli->base_dir = v;
		return 0;
	case O_NETNS:
		if (!abs_path_valid(v))
			return vj_fail(e, EINVAL, "--netns must be an absolute path");
		cli->netns = v;
		return 0;
	case O_CGROUP: {
		const char *eq = strchr(v, '=');
		if (cli->ncgroups >= VJ_MAX_CGROUP_ARG)
			return vj_fail(e, E2BIG, "too many --cgroup flags (max %d)",
			               VJ_MAX_CGROUP_ARG);
		struct vj_cgroup_arg *c = &cli->cgroups[cli->ncgroups];
		if (!eq || (size_t)(eq - v) >= sizeof(c->file))
			return vj_fail(e, EINVAL, "--cgroup wants FILE=VALUE, got '%.80s'", v);
		memcpy(c->file, v, (size_t)(eq - v));
		c->file[eq - v] = '\0';
		if (!cgroup_file_valid(c->file))
			return vj_fail(e, EINVAL,
			               "--cgroup: '%.80s' is not a cgroup file (CONTROLLER.FILE)",
			               c->file);
		if (!cgroup_value_valid(eq + 1))
			return vj_fail(e, EINVAL, "--cgroup %s: bad value", c->file);
		strcpy(c->value, eq + 1);
		cli->ncgroups++;
		return 0;
	}
	case O_CGVER:
		if (strcmp(v, "1") && strcmp(v, "2"))
			return vj_fail(e, EINVAL, "--cgroup-version must be 1 or 2");
		cli->cgroup_version = v[0] - '0';
		return 0;
	case O_PARENT:
		if (!vj_parent_cgroup_valid(v))
			return vj_fail(
			    e, EINVAL,
			    "--parent-cgroup must be a relative path without '.' or '..' "
			    "components, got '%.80s'",
			    v);
		cli->parent_cgroup = v;
		return 0;
	case O_RLIMIT: {
		struct vj_rlimit_arg r;
		int rc = parse_rlimit(v, &r, e);
		if (rc < 0)
			return rc;
		for (unsigned i = 0; i < cli->nrlimits; i++)
			if (cli->rlimits[i].resource == r.resource) {
				cli->rlimits[i] = r;
				return 0;
			}
		if (cli->nrlimits >= RLIM_NLIMITS)
			return vj_fail(e, E2BIG, "too many --resource-limit flags");
		cli->rlimits[cli->nrlimits++] = r;
		return 0;
	}
	case O_POLICY:
		if (!*v)
			return vj_fail(e, EINVAL, "--policy: empty path");
		cli->policy = v;
		return 0;
	case O_AUDIT:
		if (strcmp(v, "-") && !abs_path_valid(v))
			return vj_fail(e, EINVAL, "--audit-log must be '-' or an absolute path");
		cli->audit_log = v;
		return 0;
	case O_AFORMAT: {
		enum vj_audit_format f;
		if (vj_audit_format_parse(v, &f) < 0)
			return vj_fail(e, EINVAL, "--audit-format must be v1 or ocsf");
		cli->audit_format = (int)f;
		return 0;
	}
	case O_KEEPFD:
		if (parse_u64(v, &n) < 0 || n < 3 || n > 1023)
			return vj_fail(e, EINVAL, "--keep-fd must be a number from 3 to 1023");
		for (unsigned i = 0; i < cli->nkeep_fds; i++)
			if (cli->keep_fds[i] == (int)n)
				return 0;
		if (cli->nkeep_fds >= VJ_MAX_KEEP_FDS)
			return vj_fail(e, E2BIG, "too many --keep-fd flags");
		cli->keep_fds[cli->nkeep_fds++] = (int)n;
		return 0;
	case O_TTL:
		if (strcmp(v, "none") == 0) {
			cli->ttl_sec = -1;
			return 0;
		}
		if (vj_parse_duration(v, &cli->ttl_sec) < 0)
			return vj_fail(e, EINVAL,
			               "--ttl wants a duration like 90s, 30m, 8h or 'none'");
		return 0;
	case O_CACHE:
		if (*v && !abs_path_valid(v))
			return vj_fail(e, EINVAL, "--seccomp-cache must be an absolute path or ''");
		cli->cache_dir = v;
		return 0;
	case O_ARATE:
		if (parse_u64(v, &n) < 0 || n < 1 || n > 1000000)
			return vj_fail(e, EINVAL,
			               "--audit-rate wants events per second, 1-1000000");
		cli->audit_rate = (uint32_t)n;
		return 0;
	case O_ALATE:
		if (parse_u64(v, &n) < 0 || n > VJ_AUDIT_LATE_MAX_MS)
			return vj_fail(e, EINVAL, "--audit-late wants milliseconds, 0-%d",
			               VJ_AUDIT_LATE_MAX_MS);
		cli->audit_late_ms = (uint32_t)n;
		cli->audit_late_set = true;
		return 0;
	case O_ARING:
		/* a power of two of at least a page, as the kernel wants for rings */
		if (parse_u64(v, &n) < 0 || n < 4096 || n > (64u << 20) || (n & (n - 1)))
			return vj_fail(e, EINVAL,
			               "--audit-ring wants a power of two from 4096 to 67108864");
		cli->audit_ring = (uint32_t)n;
		return 0;
	case O_BIND: {
		if (cli->nbinds >= VJ_MAX_BIND_ARGS)
			return vj_fail(e, E2BIG, "too many --bind flags (max %d)",
			               VJ_MAX_BIND_ARGS);
		struct vj_bind_arg *b = &cli->binds[cli->nbinds];
		char buf[2 * PATH_MAX + 8];
		if (strlen(v) >= sizeof(buf))
			return vj_fail(e, ENAMETOOLONG, "--bind: too long");
		strcpy(buf, v);
		char *dst = strchr(buf, ':');
		char *mode = dst ? strchr(dst + 1, ':') : NULL;
		if (dst)
			*dst++ = '\0';
		if (mode)
			*mode++ = '\0';
		if (!abs_path_valid(buf) || (dst && !abs_path_valid(dst)) ||
		    (mode && strcmp(mode, "ro") && strcmp(mode, "rw")))
			return vj_fail(e, EINVAL,
			               "--bind wants SRC[:DST[:ro|rw]] with absolute paths");
		vj_fmt(b->src, sizeof(b->src), "%s", buf); /* both fit: checked above */
		vj_fmt(b->dst, sizeof(b->dst), "%s", dst ? dst : buf);
		b->rw = mode && strcmp(mode, "rw") == 0;
		cli->nbinds++;
		return 0;
	}
	case O_RUNDIR:
		if (!abs_path_valid(v))
			return vj_fail(e, EINVAL, "--run-dir must be an absolute path");
		cli->run_dir = v;
		return 0;
	case O_PINDIR:
		/* the loader refuses a directory that is not on a bpf filesystem */
		if (!abs_path_valid(v))
			return vj_fail(e, EINVAL, "--bpf-pin-dir must be an absolute path");
		cli->bpf_pin_dir = v;
		return 0;
	case O_GUESTRAM: {
		/* bytes, or with a K/M/G suffix; whole pages, 1M to 1T */
		char num[32];
		size_t len = strlen(v);
		uint64_t mul = 1;
		if (len == 0 || len >= sizeof(num))
			return vj_fail(e, EINVAL, "--guest-ram wants a size like 256M or 2G");
		memcpy(num, v, len + 1);
		switch (num[len - 1]) {
		case 'K':
			mul = 1ull << 10;
			break;
		case 'M':
			mul = 1ull << 20;
			break;
		case 'G':
			mul = 1ull << 30;
			break;
		default:
			break;
		}
		if (mul > 1)
			num[len - 1] = '\0';
		if (parse_u64(num, &n) < 0 || n > (1ull << 40) / mul || n * mul < (1ull << 20) ||
		    (n * mul) % 4096)
			return vj_fail(
			    e, EINVAL,
			    "--guest-ram wants whole pages from 1M to 1T, like 256M or 2G");
		cli->guest_ram = n * mul;
		return 0;
	}
	case O_NOVALUE:
		break;
	}
	return vj_fail(e, EINVAL, "internal: unhandled flag %s", flag);
}

int vj_cli_parse(int argc, char **argv, struct vj_cli *cli, struct vj_err *e)
{
	memset(cli, 0, sizeof(*cli));
	cli->mode = VJ_MODE_LAUNCH;
	cli->base_dir = VJ_DEFAULT_BASE;
	vj_err_step(e, "command line");

	bool mode_set = false;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!a)
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--daemonize") == 0) {
			cli->daemonize = true;
			continue;
		}
		if (strcmp(a, "--new-pid-ns") == 0) {
			cli->new_pid_ns = true;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			cli->json = true;
			continue;
		}
		if (strcmp(a, "--firecracker-compat") == 0 ||
		    strcmp(a, "--no-firecracker-compat") == 0) {
			cli->fc_compat = a[2] == 'n' ? -1 : 1; /* jailer/fc_compat.c */
			continue;
		}
		if (strcmp(a, "--keep") == 0) {
			cli->keep_jail = true;
			continue;
		}
		if (strcmp(a, "--restore") == 0) {
			cli->restore = true;
			continue;
		}
		bool matched = false;
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			if (strcmp(a, modes[m].flag))
				continue;
			/* help and version win over anything else, as users expect */
			if (modes[m].mode == VJ_MODE_HELP || modes[m].mode == VJ_MODE_VERSION) {
				cli->mode = modes[m].mode;
				return 0;
			}
			if (mode_set && cli->mode != modes[m].mode)
				return vj_fail(e, EINVAL,
				               "%s cannot be combined with another action", a);
			cli->mode = modes[m].mode;
			mode_set = true;
			matched = true;
		}
		if (matched)
			continue;
		/* --flag=value or --flag value */
		const char *eq = strchr(a, '=');
		size_t flen = eq && strncmp(a, "--", 2) == 0 ? (size_t)(eq - a) : strlen(a);
		for (size_t v = 0; v < sizeof(valued) / sizeof(valued[0]); v++) {
			if (strlen(valued[v].flag) != flen || strncmp(a, valued[v].flag, flen))
				continue;
			const char *val;
			if (eq && flen < strlen(a)) {
				val = eq + 1;
			} else {
				if (i + 1 >= argc || !argv[i + 1])
					return vj_fail(e, EINVAL, "%s needs a value",
					               valued[v].flag);
				val = argv[++i];
			}
			int rc = set_value(cli, valued[v].opt, valued[v].flag, val, e);
			if (rc < 0)
				return rc;
			matched = true;
			break;
		}
		if (!matched)
			return vj_fail(e, EINVAL, "unknown argument '%.80s' (see --help)", a);
	}
	cli->vmm_argv = (i < argc) ? &argv[i] : &argv[argc];
	cli->vmm_argc = i < argc ? argc - i : 0;

	/* What each action needs. */
	switch (cli->mode) {
	case VJ_MODE_LAUNCH:
	case VJ_MODE_DRY_RUN:
		if (!cli->id[0])
			return vj_fail(e, EINVAL, "--id is required");
		if (!cli->exec_file)
			return vj_fail(e, EINVAL, "--exec-file is required");
		if (!cli->uid_set || !cli->gid_set)
			return vj_fail(e, EINVAL, "--uid and --gid are required");
		break;
	case VJ_MODE_CLEANUP:
	case VJ_MODE_PAUSE:
	case VJ_MODE_RESUME:
	case VJ_MODE_SUSPEND:
	case VJ_MODE_KILL:
		if (!cli->id[0])
			return vj_fail(e, EINVAL, "--id is required");
		break;
	default:
		break;
	}
	if (cli->vmm_argc && cli->mode != VJ_MODE_LAUNCH && cli->mode != VJ_MODE_DRY_RUN)
		return vj_fail(e, EINVAL, "arguments after '--' only go with a launch");
	return 0;
}
