// SPDX-License-Identifier: Apache-2.0
/*
 * Reading policy text: files, includes, limits, the hash, and the public
 * load/free API.
 *
 * Includes are opened with openat2(RESOLVE_BENEATH) relative to the including
 * file's directory, so neither "..", an absolute path, nor a symlink can make
 * a policy read a file outside the directory tree it was loaded from.
 */
#include "policies/lang/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *vj_intern_file(struct vj_policy *p, const char *name)
{
	char **nf, *dup;

	for (size_t i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i], name) == 0)
			return p->files[i];
	if (p->nfiles >= VJ_MAX_FILES)
		return NULL;
	dup = strdup(name);
	if (!dup)
		return NULL;
	nf = realloc(p->files, (p->nfiles + 1) * sizeof(*nf));
	if (!nf) {
		free(dup);
		return NULL;
	}
	p->files = nf;
	p->files[p->nfiles++] = dup;
	return dup;
}

void vj_parse_text(struct vj_parser *ps, const char *file, const char *buf, size_t len, int dirfd)
{
	struct vj_lexed *lx;
	size_t off = 0;
	unsigned line = 0;
	const char *name = vj_intern_file(ps->p, file);

	if (!name) {
		struct vj_loc l = {file, 0, 0};
		vj_diag_add(ps->diag, VJ_SEV_ERROR, &l, "too many files (limit %d)", VJ_MAX_FILES);
		ps->fatal = true;
		return;
	}
	lx = malloc(sizeof(*lx));
	if (!lx) {
		struct vj_loc l = {name, 0, 0};
		vj_diag_add(ps->diag, VJ_SEV_ERROR, &l, "out of memory");
		ps->fatal = true;
		return;
	}
	while (off < len && !ps->fatal) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;
		const char *nul = memchr(buf + off, '\0', l);
		struct vj_loc at = {name, ++line, 1};
		unsigned errcol;
		char msg[160];

		vj_sha256_update(&ps->hash, buf + off, nl ? l + 1 : l);
		ps->cur_file = name;
		ps->cur_line = line;
		if (nul) {
			/* A binary file: one error, not thousands. */
			at.col = (unsigned)(nul - (buf + off)) + 1;
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &at,
			            "NUL byte in policy text (is this a binary file?)");
			break;
		}
		if (l > VJ_MAX_LINE) {
			at.col = VJ_MAX_LINE + 1;
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &at, "line too long (limit %d bytes)",
			            VJ_MAX_LINE);
		} else if (vj_lex_line(lx, buf + off, l, &errcol, msg, sizeof(msg)) < 0) {
			at.col = errcol;
			vj_diag_add(ps->diag, VJ_SEV_ERROR, &at, "%s", msg);
		} else if (lx->n) {
			vj_parse_stmt(ps, lx->tok, lx->n, dirfd);
			/* an include changed them */
			ps->cur_file = name;
			ps->cur_line = line;
		}
		off += nl ? l + 1 : l;
	}
	free(lx);
}

static int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
	    /* openat2 refuses O_PATH with any flag but these few */
	    .flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* Read a whole regular file of at most VJ_MAX_FILE_SIZE bytes. */
static int read_file(int fd, char **out, size_t *outlen, struct stat *st)
{
	char *buf;
	size_t len = 0;

	if (fstat(fd, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_size > VJ_MAX_FILE_SIZE)
		return -EFBIG;
	buf = malloc((size_t)st->st_size + 1);
	if (!buf)
		return -ENOMEM;
	/* Read one byte past the size seen, to notice a file that grew. */
	for (;;) {
		ssize_t r = read(fd, buf + len, (size_t)st->st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)st->st_size) {
			free(buf);
			return -EFBIG;
		}
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static const char *io_reason(int e)
{
	switch (e) {
	case -EINVAL:
		return "not a regular file";
	case -EFBIG:
		return "file too large (limit 1 MiB)";
	case -EXDEV:
		return "path leaves the including file's directory";
	case -ELOOP:
		return "too many symlinks or a magic link";
	default:
		return strerror(-e);
	}
}

void vj_parse_include(struct vj_parser *ps, const struct vj_loc *at, const char *rel, int dirfd)
{
	char display[VJ_MAX_PATH * 2], dirpart[VJ_MAX_PATH], relesc[128];
	const char *slash;
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd, subdir = -1, r;
	unsigned saved_stmts;

	vj_escape(relesc, sizeof(relesc), rel, strlen(rel));
	if (dirfd < 0) {
		vj_diag_add(ps->diag, VJ_SEV_ERROR, at,
		            "include \"%s\": this policy was given without a directory to include "
		            "from",
		            relesc);
		return;
	}
	if (ps->depth >= VJ_MAX_INCLUDE_DEPTH) {
		vj_diag_add(ps->diag, VJ_SEV_ERROR, at,
		            "include \"%s\": includes nested too deeply (limit %d)", relesc,
		            VJ_MAX_INCLUDE_DEPTH);
		return;
	}
	fd = open_beneath(dirfd, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		vj_diag_add(ps->diag, VJ_SEV_ERROR, at, "include \"%s\": %s", relesc,
		            io_reason(fd));
		return;
	}
	r = read_file(fd, &buf, &len, &st);
	close(fd);
	if (r < 0) {
		vj_diag_add(ps->diag, VJ_SEV_ERROR, at, "include \"%s\": %s", relesc, io_reason(r));
		return;
	}
	for (unsigned k = 0; k <= ps->depth; k++) {
		if (k == 0 && ps->buffer_root)
			continue;
		if (ps->stack_dev[k] == st.st_dev && ps->stack_ino[k] == st.st_ino) {
			vj_diag_add(ps->diag, VJ_SEV_ERROR, at,
			            "include \"%s\": include loop (the file is already being read)",
			            relesc);
			goto out;
		}
	}
	if (ps->total_bytes + len > VJ_MAX_TOTAL_SIZE) {
		vj_diag_add(ps->diag, VJ_SEV_ERROR, at,
		            "include \"%s\": policy and includes exceed 4 MiB", relesc);
		ps->fatal = true;
		goto out;
	}
	ps->total_bytes += len;

	/* Nested includes resolve beneath the included file's own directory. */
	slash = strrchr(rel, '/');
	if (slash) {
		snprintf(dirpart, sizeof(dirpart), "%.*s", (int)(slash - rel), rel);
		subdir = open_beneath(dirfd, dirpart, O_PATH | O_DIRECTORY);
		if (subdir < 0) {
			vj_diag_add(ps->diag, VJ_SEV_ERROR, at, "include \"%s\": %s", relesc,
			            io_reason(subdir));
			goto out;
		}
	}
	{
		const char *parent = at->file, *ps_slash = strrchr(parent, '/');
		if (ps_slash)
			snprintf(display, sizeof(display), "%.*s/%s", (int)(ps_slash - parent),
			         parent, rel);
		else
			snprintf(display, sizeof(display), "%s", rel);
	}
	ps->depth++;
	ps->stack_dev[ps->depth] = st.st_dev;
	ps->stack_ino[ps->depth] = st.st_ino;
	saved_stmts = ps->file_stmts;
	ps->file_stmts = 0;
	vj_parse_text(ps, display, buf, len, subdir >= 0 ? subdir : dirfd);
	ps->file_stmts = saved_stmts;
	ps->depth--;
out:
	if (subdir >= 0)
		close(subdir);
	free(buf);
}

void vj_policy_free(struct vj_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nbinds; i++) {
		free(p->binds[i].src);
		free(p->binds[i].dst);
	}
	free(p->binds);
	for (i = 0; i < p->ndirs; i++)
		free(p->dirs[i].path);
	free(p->dirs);
	for (i = 0; i < p->landlock.npaths; i++)
		free(p->landlock.paths[i].path);
	free(p->landlock.paths);
	free(p->landlock.bind_ports);
	free(p->landlock.connect_ports);
	free(p->cgbpf.sockets);
	free(p->cgbpf.net);
	free(p->seccomp.rules);
	for (i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	free(p);
}

static struct vj_policy *policy_new(void)
{
	struct vj_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->seccomp.def.kind = VJ_ACT_KILL_PROCESS;
	p->limits.memory_max = p->limits.memory_swap_max = p->limits.pids_max = -1;
	p->limits.cpu_quota_us = p->limits.cpu_period_us = p->limits.io_weight = -1;
	return p;
}

/* Parse + validate one top-level text; owns nothing of the caller's. */
static int load_text(const char *name, const char *buf, size_t len, int dirfd,
                     const struct stat *st, struct vj_policy **out, struct vj_diag *diag)
{
	struct vj_parser *ps;
	struct vj_policy *p;
	int ret = 0;

	*out = NULL;
	p = policy_new();
	ps = calloc(1, sizeof(*ps));
	if (!p || !ps) {
		free(p);
		free(ps);
		return -ENOMEM;
	}
	ps->p = p;
	ps->diag = diag;
	ps->total_bytes = len;
	vj_sha256_init(&ps->hash);
	if (st) {
		ps->stack_dev[0] = st->st_dev;
		ps->stack_ino[0] = st->st_ino;
	} else {
		ps->buffer_root = true;
	}
	vj_parse_text(ps, name, buf, len, dirfd);
	if (ps->nstmts == 0 && diag->nerrors == 0) {
		struct vj_loc l = {p->nfiles ? p->files[0] : name, 1, 1};
		vj_diag_add(diag, VJ_SEV_ERROR, &l,
		            "empty policy: the first statement must be 'version %d'",
		            VJ_POLICY_LANG_VERSION);
	}
	if (diag->nerrors == 0)
		vj_validate(ps);
	vj_sha256_final(&ps->hash, p->hash);
	if (diag->nerrors) {
		vj_policy_free(p);
		ret = -EINVAL;
	} else {
		*out = p;
	}
	free(ps);
	return ret;
}

int vj_policy_load_buffer(const char *name, const char *buf, size_t len, const char *include_dir,
                          struct vj_policy **out, struct vj_diag *diag)
{
	int dirfd = -1, ret;

	*out = NULL;
	if (!name)
		name = "<buffer>";
	if (len > VJ_MAX_FILE_SIZE) {
		struct vj_loc l = {name, 0, 0};
		vj_diag_add(diag, VJ_SEV_ERROR, &l, "policy too large (limit 1 MiB)");
		return -EINVAL;
	}
	if (include_dir) {
		dirfd = open(include_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return -errno;
	}
	ret = load_text(name, buf, len, dirfd, NULL, out, diag);
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}

int vj_policy_load_file(const char *path, struct vj_policy **out, struct vj_diag *diag)
{
	char dir[VJ_MAX_PATH];
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, dirfd, r;

	*out = NULL;
	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, slash ? slash + 1 : path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		close(dirfd);
		return r;
	}
	r = read_file(fd, &buf, &len, &st);
	close(fd);
	if (r == -EINVAL || r == -EFBIG) {
		struct vj_loc l = {path, 0, 0};
		vj_diag_add(diag, VJ_SEV_ERROR, &l, "%s", io_reason(r));
		close(dirfd);
		return -EINVAL;
	}
	if (r < 0) {
		close(dirfd);
		return r;
	}
	r = load_text(path, buf, len, dirfd, &st, out, diag);
	free(buf);
	close(dirfd);
	return r;
}
