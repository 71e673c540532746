// SPDX-License-Identifier: Apache-2.0
/*
 * One AppArmor profile per tenant, from its policy.  Paths are the jail's
 * (AppArmor mediates the path as the tenant's mount namespace shows it; the
 * jail's root is "/" after pivot_root, hence attach_disconnected).  What is
 * not listed is denied: no capabilities, no mount, no exec (the profile is
 * entered at the VMM's exec, aa_change_onexec; every later exec has no x
 * rule), signals and ptrace only within the profile, network families from
 * the socket rules.
 */
#include "jailer/apparmor_profile.h"

#include <string.h>
#include <sys/socket.h>

bool vj_aa_path_ok(const char *path)
{
	if (!path || path[0] != '/' || strlen(path) > 1024 || strstr(path, "//") ||
	    strstr(path, "/../") || strstr(path, "/./"))
		return false;
	for (const char *c = path; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._/+-", *c)))
			return false;
	return true;
}

static bool name_ok(const char *n)
{
	if (!n || !n[0] || strlen(n) > 200)
		return false;
	for (const char *c = n; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._-", *c)))
			return false;
	return true;
}

/* A rejected string, printable: control bytes and non-ASCII as \xNN. */
static void escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; s && *s && o + 5 < len; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
}

static int bad_path(struct vj_err *e, const char *what, const char *p)
{
	char esc[256];
	escape(p, esc, sizeof(esc));
	return vj_fail(e, EINVAL,
	               "AppArmor profile: %s \"%s\" has characters other than [A-Za-z0-9._/+-] "
	               "(or . / .. components): not written into a profile",
	               what, esc);
}

/* PATH PERMS for the path itself and everything below it (a bind may be a
 * file or a directory). */
static void tree(FILE *out, const char *path, const char *perms)
{
	fprintf(out, "  %s %s,\n", path, perms);
	fprintf(out, "  %s/** %s,\n", strcmp(path, "/") ? path : "", perms);
}

static const char *family_name(int f)
{
	switch (f) {
	case AF_UNIX:
		return "unix";
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_NETLINK:
		return "netlink";
	case AF_PACKET:
		return "packet";
	case AF_VSOCK:
		return "vsock";
	default:
		return NULL;
	}
}

static const char *type_name(int t)
{
	switch (t) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_RAW:
		return "raw";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return NULL;
	}
}

int vj_aa_profile(const struct vj_policy *p, const struct vj_aa_input *in, FILE *out,
                  struct vj_err *e)
{
	if (!name_ok(in->name)) {
		char esc[256];
		escape(in->name, esc, sizeof(esc));
		return vj_fail(e, EINVAL, "AppArmor profile name \"%s\": only [A-Za-z0-9._-]", esc);
	}
	if (!vj_aa_path_ok(in->exec_jail))
		return bad_path(e, "exec file", in->exec_jail);
	for (size_t i = 0; i < in->nlibs; i++)
		if (!vj_aa_path_ok(in->libs[i]))
			return bad_path(e, "library", in->libs[i]);
	for (size_t i = 0; i < p->nbinds; i++)
		if (!vj_aa_path_ok(p->binds[i].dst ? p->binds[i].dst : p->binds[i].src))
			return bad_path(e, "bind target",
			                p->binds[i].dst ? p->binds[i].dst : p->binds[i].src);
	for (size_t i = 0; i < p->ndirs; i++)
		if (!vj_aa_path_ok(p->dirs[i].path))
			return bad_path(e, "dir", p->dirs[i].path);

	fprintf(out,
	        "# AppArmor profile of one vmjail tenant, generated from policy %s.\n"
	        "# Paths are the jail's.  Whatever is not allowed here is denied.\n"
	        "profile %s flags=(attach_disconnected,mediate_deleted) {\n",
	        name_ok(p->name) ? p->name : "(name not printable)", in->name);
	fprintf(out, "  # the VMM and its libraries: read and map, never exec\n");
	fprintf(out, "  %s rm,\n", in->exec_jail);
	for (size_t i = 0; i < in->nlibs; i++)
		fprintf(out, "  %s rm,\n", in->libs[i]);
	fprintf(out, "  / r,\n");
	if (p->nbinds)
		fprintf(
		    out,
		    "  # binds: ro read, rw read/write/lock (no map: no executable mappings)\n");
	for (size_t i = 0; i < p->nbinds; i++) {
		const struct vj_bind *b = &p->binds[i];
		tree(out, b->dst ? b->dst : b->src, b->writable ? "rwk" : "r");
	}
	if (p->ndirs)
		fprintf(out, "  # tenant-owned directories\n");
	for (size_t i = 0; i < p->ndirs; i++)
		tree(out, p->dirs[i].path, "rwk");
	if (p->devices)
		fprintf(out, "  # devices\n");
	for (int d = 0; d < VJ_DEV__COUNT; d++) {
		const struct vj_devinfo *di = vj_dev_info((enum vj_dev)d);
		if ((p->devices & (1u << d)) && di && vj_aa_path_ok(di->path))
			fprintf(out, "  %s rw,\n", di->path);
	}
	if (in->mount_proc)
		fprintf(out, "  @{PROC}/@{pid}/** r,\n  owner @{PROC}/@{pid}/fd/ r,\n");
	if (in->mount_sys)
		fprintf(out, "  /sys/** r,\n");
	fprintf(out, "  # network: the policy's socket families\n");
	for (size_t i = 0; i < p->cgbpf.nsockets; i++) {
		const struct vj_sockrule *s = &p->cgbpf.sockets[i];
		const char *f = family_name(s->family), *t = type_name(s->type);
		if (!f)
			continue; /* no AppArmor keyword: stays denied */
		if (s->type >= 0 && t)
			fprintf(out, "  network %s %s,\n", f, t);
		else if (s->type < 0)
			fprintf(out, "  network %s,\n", f);
	}
	fprintf(out,
	        "  # other processes: only this profile; vmjail's supervisor and reaper\n"
	        "  # (unconfined root) must still be able to stop the tenant\n"
	        "  signal (send, receive) peer=%s,\n"
	        "  signal (receive) peer=unconfined,\n"
	        "  ptrace (read, trace, readby, tracedby) peer=%s,\n"
	        "  unix peer=(label=%s),\n"
	        "  # the rest, said explicitly; \"audit\" so that each refusal is\n"
	        "  # logged (a plain deny is quiet) and reaches the tenant's stream\n"
	        "  audit deny capability,\n"
	        "  audit deny mount,\n"
	        "  audit deny umount,\n"
	        "  audit deny pivot_root,\n"
	        "  audit deny /** x,\n"
	        "}\n",
	        in->name, in->name, in->name);
	return 0;
}
