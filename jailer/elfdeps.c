// SPDX-License-Identifier: Apache-2.0
#include "jailer/elfdeps.h"

#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailer/paths.h"

#define MAX_OBJECTS 512
#define MAX_DIRS    64

/* What glibc's ld.so searches on Debian x86_64 when the cache misses. */
static const char *const default_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
};

struct dirlist {
	char *v[MAX_DIRS];
	size_t n;
};

static void dirlist_add(struct dirlist *l, const char *d, size_t len)
{
	if (l->n >= MAX_DIRS || len == 0 || d[0] != '/' || len >= PATH_MAX)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == len && strncmp(l->v[i], d, len) == 0)
			return;
	l->v[l->n] = strndup(d, len);
	if (l->v[l->n])
		l->n++;
}

static void dirlist_free(struct dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static void parse_ldso_conf(const char *path, struct dirlist *l, int depth)
{
	if (depth > 4)
		return;
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[PATH_MAX];
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line + strspn(line, " \t");
		s[strcspn(s, " \t\r\n")] = '\0';
		if (!*s)
			continue;
		if (strcmp(s, "include") == 0) {
			char *pat = s + strlen(s) + 1;
			pat += strspn(pat, " \t");
			pat[strcspn(pat, " \t\r\n")] = '\0';
			glob_t g;
			if (*pat == '/' && glob(pat, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					parse_ldso_conf(g.gl_pathv[i], l, depth + 1);
				globfree(&g);
			}
			continue;
		}
		dirlist_add(l, s, strlen(s));
	}
	fclose(f);
}

struct object {
	Elf *elf;
	int fd;
	int ninterp;
	char host[PATH_MAX]; /* canonical path of what was opened */
	char interp[PATH_MAX];
	char *needed[256];
	size_t nneeded;
	char rpath[PATH_MAX], runpath[PATH_MAX];
};

static void object_close(struct object *o)
{
	for (size_t i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
}

/*
 * Open path for reading without side effects.  The exec file (the operator's)
 * must be a regular file; a loader or library (named by the tenant-supplied
 * exec file: PT_INTERP, DT_NEEDED, RUNPATH) must be a regular root-owned file
 * in root's tree, since it will be bound into the jail.  Both are first
 * opened O_PATH (a FIFO cannot block, a device sees no open), checked, and
 * only then reopened for reading through /proc/self/fd, so the object
 * checked is the object read.  host gets the canonical path.
 */
static int open_checked(const char *path, bool is_exec, char host[PATH_MAX], struct vj_err *e)
{
	if (!realpath(path, host))
		return -errno;
	struct stat st;
	int pfd;
	if (is_exec) {
		pfd = open(host, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (pfd < 0)
			return -errno;
		if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(pfd);
			return vj_fail(e, EINVAL, "%s is not a regular file", path);
		}
	} else {
		const struct vj_src_rule rule = {.root_only_writable = true};
		pfd = vj_open_host_source(host, &rule, &st, e);
		if (pfd < 0)
			return pfd;
		if (!S_ISREG(st.st_mode)) {
			close(pfd);
			return vj_fail(e, EPERM, "%s is not a regular file (refused)", path);
		}
	}
	char proc[64];
	vj_fmt(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	int fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int err = errno;
	close(pfd);
	return fd < 0 ? -err : fd;
}

/* Returns 0, -ENOEXEC for a foreign/non-ELF file, -ENOENT when there is
 * nothing at path, or -errno (with e set when a file was refused). */
static int object_open(const char *path, bool is_exec, struct object *o, struct vj_err *e)
{
	memset(o, 0, sizeof(*o));
	o->fd = open_checked(path, is_exec, o->host, e);
	if (o->fd < 0)
		return o->fd;
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF)
		return -ENOEXEC;
	GElf_Ehdr eh;
	if (!gelf_getehdr(o->elf, &eh) || gelf_getclass(o->elf) != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64)
		return -ENOEXEC;
	size_t nph;
	if (elf_getphdrnum(o->elf, &nph) != 0)
		return -ENOEXEC;
	struct stat st;
	if (fstat(o->fd, &st) < 0)
		return -errno;
	/* The kernel loads the first PT_INTERP and ignores the rest; a second
	 * one only serves to make a reader disagree with the kernel, so an
	 * object with two is refused. */
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(o->elf, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (o->interp[0]) {
			o->ninterp = 2;
			return -ENOEXEC;
		}
		o->ninterp = 1;
		if (ph.p_filesz < 2 || ph.p_filesz >= sizeof(o->interp) ||
		    ph.p_offset > (uint64_t)st.st_size ||
		    ph.p_filesz > (uint64_t)st.st_size - ph.p_offset)
			return -ENOEXEC;
		if (pread(o->fd, o->interp, ph.p_filesz, (off_t)ph.p_offset) !=
		    (ssize_t)ph.p_filesz)
			return -EIO;
		/* as the kernel: the string ends with its segment */
		if (o->interp[ph.p_filesz - 1] != '\0' || o->interp[0] != '/')
			return -ENOEXEC;
	}
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || sh.sh_entsize == 0)
			return -ENOEXEC;
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH &&
			    dyn.d_tag != DT_RUNPATH)
				continue;
			const char *s = elf_strptr(o->elf, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				return -ENOEXEC;
			if (dyn.d_tag == DT_NEEDED) {
				if (o->nneeded >= sizeof(o->needed) / sizeof(o->needed[0]))
					return -E2BIG;
				o->needed[o->nneeded] = strdup(s);
				if (!o->needed[o->nneeded])
					return -ENOMEM;
				o->nneeded++;
			} else {
				char *dst = dyn.d_tag == DT_RPATH ? o->rpath : o->runpath;
				vj_fmt(dst, PATH_MAX, "%s", s);
			}
		}
	}
	return 0;
}

static int add_dep(struct vj_elfdeps *d, const char *host, const char *jail)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].jail, jail) == 0)
			return 0;
	if (d->n >= MAX_OBJECTS)
		return -E2BIG;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct vj_elfdep *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	vj_fmt(d->v[d->n].host, PATH_MAX, "%s", host);
	vj_fmt(d->v[d->n].jail, PATH_MAX, "%s", jail);
	d->n++;
	return 1;
}

/* Expand $ORIGIN for a library (its jail path equals its host path).  The main
 * executable moves to "/" in the jail, so $ORIGIN there is refused. */
static int add_search_path(struct dirlist *l, const char *spec, const char *origin)
{
	for (const char *p = spec; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char dir[PATH_MAX];
		if (len >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, p, len);
		dir[len] = '\0';
		const char *o = strstr(dir, "$ORIGIN");
		size_t skip = 7;
		if (!o) {
			o = strstr(dir, "${ORIGIN}");
			skip = 9;
		}
		if (o) {
			if (!origin)
				return -ENOTSUP;
			char exp[PATH_MAX];
			if ((size_t)snprintf(exp, sizeof(exp), "%.*s%s%s", (int)(o - dir), dir,
			                     origin, o + skip) >= sizeof(exp))
				return -ENAMETOOLONG;
			if (strchr(exp, '$'))
				return -ENOTSUP;
			dirlist_add(l, exp, strlen(exp));
		} else if (strchr(dir, '$')) {
			return -ENOTSUP; /* $LIB, $PLATFORM: not worth guessing */
		} else {
			dirlist_add(l, dir, len);
		}
		p = colon ? colon + 1 : NULL;
	}
	return 0;
}

static int find_lib(const char *name, const struct dirlist *first, const struct dirlist *conf,
                    char *jail, char *host, bool *via_conf, struct vj_err *e)
{
	const struct dirlist *lists[2] = {first, conf};
	*via_conf = false;
	for (int li = 0; li < 3; li++) {
		size_t n = li < 2 ? lists[li]->n : sizeof(default_dirs) / sizeof(default_dirs[0]);
		for (size_t i = 0; i < n; i++) {
			const char *dir = li < 2 ? lists[li]->v[i] : default_dirs[i];
			char cand[PATH_MAX];
			if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", dir, name) >=
			    sizeof(cand))
				continue;
			struct object o;
			int rc = object_open(cand, false, &o, e);
			vj_fmt(host, PATH_MAX, "%s", o.host);
			object_close(&o);
			/* missing or foreign: ld.so moves on too; anything else
			 * there (a FIFO, a device, a file root does not own) is
			 * refused, not skipped */
			if (rc == -ENOENT || rc == -ENOTDIR || rc == -ENOEXEC)
				continue;
			if (rc < 0)
				return e->err ? rc : vj_failx(e, rc, "library %s", cand);
			strcpy(jail, cand);
			if (li == 1) {
				bool is_default = false;
				for (size_t k = 0;
				     k < sizeof(default_dirs) / sizeof(default_dirs[0]); k++)
					is_default |= strcmp(dir, default_dirs[k]) == 0;
				*via_conf = !is_default;
			}
			return 0;
		}
	}
	return -ENOENT;
}

int vj_elfdeps_resolve(const char *exec_path, struct vj_elfdeps *out, struct vj_err *e)
{
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return vj_fail(e, ENOSYS, "libelf: %s", elf_errmsg(-1));

	struct dirlist conf = {0};
	parse_ldso_conf("/etc/ld.so.conf", &conf, 0);

	/* queue of host paths still to inspect; index 0 is the executable */
	char **queue = calloc(MAX_OBJECTS + 1, sizeof(char *));
	if (!queue) {
		dirlist_free(&conf);
		return vj_fail(e, ENOMEM, "out of memory");
	}
	size_t qn = 0, qi = 0;
	queue[qn++] = strdup(exec_path);
	int rc = 0;
	while (rc == 0 && qi < qn) {
		const char *path = queue[qi];
		bool is_exec = qi == 0;
		qi++;
		if (!path) {
			rc = vj_fail(e, ENOMEM, "out of memory");
			break;
		}
		struct object o;
		int orc = object_open(path, is_exec, &o, e);
		if (orc < 0) {
			object_close(&o);
			if (o.ninterp > 1)
				rc = vj_fail(e, ENOEXEC,
				             "%s has more than one PT_INTERP (refused: the kernel "
				             "would load the first, a reader may take another)",
				             path);
			else if (orc == -ENOEXEC)
				rc = vj_fail(e, ENOEXEC, "%s is not an x86_64 ELF object", path);
			else
				rc = e->err ? orc : vj_failx(e, orc, "reading %s", path);
			break;
		}
		if (is_exec) {
			if (!o.interp[0]) {
				out->is_static = true;
				object_close(&o);
				break;
			}
			/* The interpreter is read the way the libraries are: a
			 * regular, root-owned x86_64 ELF file in root's tree, or
			 * the launch is refused (it is bound into the jail). */
			struct object io;
			int irc = object_open(o.interp, false, &io, e);
			char host[PATH_MAX];
			vj_fmt(host, sizeof(host), "%s", io.host);
			object_close(&io);
			if (irc < 0) {
				rc = irc == -ENOEXEC ? vj_fail(e, ENOEXEC,
				                               "ELF interpreter %s of %s is not an "
				                               "x86_64 ELF object",
				                               o.interp, path)
				     : e->err        ? irc
				                     : vj_failx(e, irc, "ELF interpreter %s of %s",
				                                o.interp, path);
				object_close(&o);
				break;
			}
			vj_fmt(out->interp, sizeof(out->interp), "%s", o.interp);
			if (add_dep(out, host, o.interp) < 0)
				rc = vj_fail(e, E2BIG, "too many libraries");
		}
		struct dirlist first = {0};
		char origin[PATH_MAX];
		vj_fmt(origin, sizeof(origin), "%s", path);
		char *slash = strrchr(origin, '/');
		if (slash)
			*slash = '\0';
		const char *spec = o.runpath[0] ? o.runpath : o.rpath;
		if (spec[0] && add_search_path(&first, spec, is_exec ? NULL : origin) < 0)
			rc = vj_fail(e, ENOTSUP,
			             "%s: RPATH/RUNPATH '%s' uses $ORIGIN/$LIB in the executable; "
			             "bind its libraries with the policy instead",
			             path, spec);
		for (size_t i = 0; rc == 0 && i < o.nneeded; i++) {
			const char *name = o.needed[i];
			char jail[PATH_MAX], host[PATH_MAX];
			bool via_conf;
			if (strchr(name, '/')) {
				rc = vj_fail(e, ENOTSUP, "%s needs '%s' by path", path, name);
				break;
			}
			int frc = find_lib(name, &first, &conf, jail, host, &via_conf, e);
			if (frc == -ENOENT) {
				rc = vj_fail(e, ENOENT, "%s needs %s, which was not found", path,
				             name);
				break;
			}
			if (frc < 0) {
				rc = frc;
				break;
			}
			out->need_ldcache |= via_conf;
			int added = add_dep(out, host, jail);
			if (added < 0 || qn >= MAX_OBJECTS)
				rc = vj_fail(e, E2BIG, "too many libraries");
			else if (added > 0)
				queue[qn++] = strdup(host);
		}
		dirlist_free(&first);
		object_close(&o);
	}
	for (size_t i = 0; i < qn; i++)
		free(queue[i]);
	free(queue);
	dirlist_free(&conf);
	if (rc < 0)
		vj_elfdeps_free(out);
	return rc;
}

void vj_elfdeps_free(struct vj_elfdeps *d)
{
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
