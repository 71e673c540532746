// SPDX-License-Identifier: Apache-2.0
#include "jailer/state.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailer/cli.h"
#include "jailer/paths.h"

/* A record is a few kilobytes; anything near this is not one of ours. */
#define VJ_STATE_MAX (1 << 20)

/* Values are percent-encoded: no newline, '=' or control byte can forge a key. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c == '%' || c == '=' || c >= 0x7f)
			fprintf(f, "%%%02x", c);
		else
			fputc(c, f);
	}
}

static int unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (*r == '%') {
			if (!isxdigit((unsigned char)r[1]) || !isxdigit((unsigned char)r[2]))
				return -EINVAL;
			char hex[3] = {r[1], r[2], 0};
			unsigned long v = strtoul(hex, NULL, 16);
			if (v == 0)
				return -EINVAL;
			*w++ = (char)v;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

/* key=value with every byte of value that could end or forge a line encoded */
static void put_kv(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	put_escaped(f, value);
	fputc('\n', f);
}

/*
 * The whole record.  Every value is encoded, whatever its source (an exec
 * file name may hold a newline that would end the line and forge the next
 * key), including the cgroup plan's lines, which are collected first and
 * re-emitted encoded.
 */
static int put_record(FILE *f, const struct vj_state *s)
{
	char num[32];
	put_kv(f, "version", "1");
	put_kv(f, "id", s->id);
	put_kv(f, "vmm", s->vmm);
	put_kv(f, "base", s->base_dir);
	put_kv(f, "status", s->status);
	const struct {
		const char *k;
		long long v;
	} nums[] = {{"supervisor", s->supervisor},
	            {"vmm_pid", s->vmm_pid},
	            {"uid", s->uid},
	            {"gid", s->gid},
	            {"created", s->created},
	            {"ttl_deadline", s->ttl_deadline},
	            {"pidns", s->pidns},
	            {"audit_format", s->audit_format}};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		vj_fmt(num, sizeof(num), "%lld", nums[i].v);
		put_kv(f, nums[i].k, num);
	}
	vj_fmt(num, sizeof(num), "%" PRIu64, s->cgid);
	put_kv(f, "cgid", num);
	put_kv(f, "policy_hash", s->policy_hash);
	put_kv(f, "policy", s->policy_source);
	put_kv(f, "audit_log", s->audit_log);
	put_kv(f, "qmp", s->qmp);
	put_kv(f, "saved_state", s->saved_state);
	for (int i = 0; i < s->nargs; i++)
		put_kv(f, "arg", s->args[i]);

	int mfd = memfd_create("vmjail-cg", MFD_CLOEXEC);
	if (mfd < 0)
		return -errno;
	vj_cg_plan_save(&s->cg, mfd);
	off_t len = lseek(mfd, 0, SEEK_CUR);
	char *buf = len > 0 && len < VJ_STATE_MAX ? malloc((size_t)len + 1) : NULL;
	int rc = len == 0 ? 0 : buf ? 0 : -EIO;
	if (buf && pread(mfd, buf, (size_t)len, 0) != len)
		rc = -EIO;
	close(mfd);
	if (buf && rc == 0) {
		buf[len] = '\0';
		char *save = NULL;
		for (char *l = strtok_r(buf, "\n", &save); l && rc == 0;
		     l = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(l, '=');
			if (!eq || strncmp(l, "cg.", 3) != 0) {
				rc = -EINVAL; /* a value that held a newline */
				break;
			}
			*eq = '\0';
			put_kv(f, l, eq + 1);
		}
	}
	free(buf);
	return rc;
}

void vj_state_free(struct vj_state *s)
{
	for (int i = 0; i < s->nargs; i++)
		free(s->args[i]);
	s->nargs = 0;
}

int vj_state_write(int jail_fd, const struct vj_state *s, struct vj_err *e)
{
	char tmp[64];
	vj_fmt(tmp, sizeof(tmp), ".%s.%d", VJ_STATE_FILE, (int)getpid());
	int dfd = vj_open_beneath(jail_fd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return vj_failx(e, dfd, "open jail dir");
	unlinkat(dfd, tmp, 0);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = errno;
		close(dfd);
		return vj_failx(e, err, "creating %s", tmp);
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		close(dfd);
		return vj_failx(e, errno, "fdopen");
	}
	int rc = put_record(f, s);
	fflush(f);
	/* Only a suspended jail outlives its processes (and maybe a reboot):
	 * its record must be on disk.  A running jail's record dies with the
	 * boot anyway (--reap and --cleanup handle a stale one), so it costs
	 * the launch no fsync; the rename keeps every write atomic. */
	bool durable = strcmp(s->status, "suspended") == 0;
	if (rc == 0 && ((durable && fsync(fd) < 0) || ferror(f)))
		rc = -EIO;
	if (fclose(f) != 0)
		rc = -EIO;
	if (rc == 0 && renameat(dfd, tmp, dfd, VJ_STATE_FILE) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dfd, tmp, 0);
		vj_failx(e, rc, "writing the jail state");
	}
	close(dfd);
	return rc;
}

static int set_str(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

static int parse_kv(struct vj_state *s, char *key, char *v)
{
	char *end;
	if (!strcmp(key, "version"))
		return strcmp(v, "1") ? -EINVAL : 0;
	if (!strcmp(key, "id"))
		return vj_id_valid(v) ? set_str(s->id, sizeof(s->id), v) : -EINVAL;
	if (!strcmp(key, "vmm"))
		return vj_name_ok(v) ? set_str(s->vmm, sizeof(s->vmm), v) : -EINVAL;
	if (!strcmp(key, "status"))
		return set_str(s->status, sizeof(s->status), v);
	if (!strcmp(key, "policy_hash"))
		return set_str(s->policy_hash, sizeof(s->policy_hash), v);
	if (!strncmp(key, "cg.", 3))
		return vj_cg_plan_load_kv(&s->cg, key, v);
	if (!strcmp(key, "supervisor") || !strcmp(key, "vmm_pid") || !strcmp(key, "uid") ||
	    !strcmp(key, "gid") || !strcmp(key, "pidns") || !strcmp(key, "audit_format")) {
		errno = 0;
		long n = strtol(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || n > 0x7fffffff)
			return -EINVAL;
		if (!strcmp(key, "supervisor"))
			s->supervisor = (pid_t)n;
		else if (!strcmp(key, "vmm_pid"))
			s->vmm_pid = (pid_t)n;
		else if (!strcmp(key, "uid"))
			s->uid = (uid_t)n;
		else if (!strcmp(key, "gid"))
			s->gid = (gid_t)n;
		else if (!strcmp(key, "audit_format"))
			s->audit_format = (int)n;
		else
			s->pidns = n != 0;
		return 0;
	}
	if (!strcmp(key, "created") || !strcmp(key, "ttl_deadline") || !strcmp(key, "cgid")) {
		errno = 0;
		unsigned long long n = strtoull(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end || errno || n > INT64_MAX)
			return -EINVAL;
		if (!strcmp(key, "created"))
			s->created = (int64_t)n;
		else if (!strcmp(key, "ttl_deadline"))
			s->ttl_deadline = (int64_t)n;
		else
			s->cgid = n;
		return 0;
	}
	if (!strcmp(key, "base"))
		return set_str(s->base_dir, sizeof(s->base_dir), v);
	if (!strcmp(key, "policy"))
		return set_str(s->policy_source, sizeof(s->policy_source), v);
	if (!strcmp(key, "audit_log"))
		return set_str(s->audit_log, sizeof(s->audit_log), v);
	if (!strcmp(key, "qmp"))
		return set_str(s->qmp, sizeof(s->qmp), v);
	if (!strcmp(key, "saved_state"))
		return set_str(s->saved_state, sizeof(s->saved_state), v);
	if (!strcmp(key, "arg")) {
		if (s->nargs >= VJ_MAX_SAVED_ARGS)
			return -E2BIG;
		s->args[s->nargs] = strdup(v);
		return s->args[s->nargs] ? (s->nargs++, 0) : -ENOMEM;
	}
	return 0;
}

int vj_state_parse_buffer(const char *data, size_t len, struct vj_state *s, struct vj_err *e)
{
	memset(s, 0, sizeof(*s));
	s->cg.v2_dir = -1;
	if (len > VJ_STATE_MAX)
		return vj_fail(e, EFBIG, "the jail state is larger than %d bytes", VJ_STATE_MAX);
	/* One private copy: lines are cut and values unescaped in place. */
	char *buf = malloc(len + 1);
	if (!buf)
		return vj_fail(e, ENOMEM, "no memory for the jail state");
	memcpy(buf, data, len);
	buf[len] = '\0';
	int rc = 0, lineno = 0;
	for (char *line = buf; rc == 0 && line < buf + len;) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		char *end = nl ? nl : buf + len;
		*end = '\0';
		lineno++;
		/* The writer never emits a NUL; one would silently cut the line
		 * short, so the rest of it would be trusted unread. */
		if (strlen(line) != (size_t)(end - line)) {
			rc = vj_fail(e, EINVAL, "jail state line %d contains a NUL byte", lineno);
			break;
		}
		char *eq = strchr(line, '=');
		if (!eq) {
			rc = vj_fail(e, EINVAL, "jail state line %d is malformed", lineno);
			break;
		}
		*eq = '\0';
		if (unescape(eq + 1) < 0 || parse_kv(s, line, eq + 1) < 0)
			rc = vj_fail(e, EINVAL, "jail state line %d (%s) is malformed", lineno,
			             line);
		line = end + 1;
	}
	free(buf);
	if (rc == 0 && (!s->id[0] || !s->vmm[0]))
		rc = vj_fail(e, EINVAL, "jail state is incomplete");
	if (rc < 0)
		vj_state_free(s);
	return rc;
}

int vj_state_read(int jail_fd, struct vj_state *s, struct vj_err *e)
{
	memset(s, 0, sizeof(*s));
	s->cg.v2_dir = -1;
	int fd = vj_open_beneath(jail_fd, VJ_STATE_FILE, O_RDONLY, 0);
	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : vj_failx(e, fd, "reading the jail state");
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) ||
	    st.st_nlink != 1 || st.st_size > VJ_STATE_MAX) {
		close(fd);
		return vj_fail(e, EPERM, "the jail state file is not a private root-owned file");
	}
	/* The writer replaces the file by rename, never in place, so st_size
	 * is the whole record; a short read is an error, not a shorter record. */
	size_t len = (size_t)st.st_size, got = 0;
	char *data = malloc(len ? len : 1);
	if (!data) {
		close(fd);
		return vj_fail(e, ENOMEM, "no memory for the jail state");
	}
	while (got < len) {
		ssize_t n = read(fd, data + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			free(data);
			close(fd);
			return vj_failx(e, err, "reading the jail state");
		}
		got += (size_t)n;
	}
	close(fd);
	int rc = vj_state_parse_buffer(data, len, s, e);
	free(data);
	return rc;
}

int vj_state_lock(int jail_fd, bool create)
{
	int fd = vj_open_beneath(jail_fd, VJ_LOCK_FILE, O_RDWR | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return fd;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

bool vj_state_locked(int jail_fd)
{
	int fd = vj_state_lock(jail_fd, false);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return fd == -EWOULDBLOCK;
}
