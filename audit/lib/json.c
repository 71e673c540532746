// SPDX-License-Identifier: Apache-2.0
/*
 * The one encoder: struct vj_event -> one schema v1 JSON line.
 *
 * Every string goes through put_str(), which is the only place bytes from a
 * jail reach the output, so the "a record can never forge another record or
 * field" property rests on that function alone:
 *   - '"' and '\\' are escaped, so a string cannot close itself;
 *   - every byte below 0x20 and DEL is escaped, so no raw newline can end the
 *     line early and no terminal control sequence reaches a log viewer;
 *   - bytes that are not well-formed UTF-8 become U+FFFD (maximal subparts,
 *     as Unicode recommends), so every consumer decodes the same text;
 *   - C1 controls, U+2028/U+2029 (JavaScript line terminators) and the bidi
 *     overrides (display spoofing, "Trojan Source") are written as \uXXXX
 *     although JSON allows them raw, because the stream is read by people.
 * Numbers are printed by this file, never copied.
 */
#include "audit/event.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/audit.h>
#include <sys/socket.h>

struct jw {
	char *buf;
	size_t cap; /* bytes usable for content ('\n' and NUL reserved) */
	size_t pos;
	bool overflow;
	bool truncated;
	size_t str_max; /* input bytes per string before it is cut */
	int depth;
	bool need_comma[4];
	const char *pending[4]; /* object opened lazily: only if a member follows */
};

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->overflow || n > w->cap - w->pos) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->pos, s, n);
	w->pos += n;
}

static inline void putc_(struct jw *w, char c)
{
	if (w->overflow || w->pos >= w->cap) {
		w->overflow = true;
		return;
	}
	w->buf[w->pos++] = c;
}

/* Printable ASCII that needs no escape: copied in runs, the common case. */
static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static const char hexd[] = "0123456789abcdef";

static void put_u_escape(struct jw *w, unsigned cp)
{
	char e[6] = {
	    '\\',         'u', hexd[(cp >> 12) & 15], hexd[(cp >> 8) & 15], hexd[(cp >> 4) & 15],
	    hexd[cp & 15]};
	put(w, e, sizeof(e));
}

/* Code points JSON allows raw but that we escape for human readers. */
static bool escape_anyway(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xfeff;
}

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode table 3-7), or 0
 * if it is not one; *sub gets the length of the maximal valid prefix so an
 * invalid sequence is replaced by one U+FFFD per maximal subpart.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp, size_t *sub)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		*sub = 1;
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		unsigned b = i < n ? s[i] : 0x100;
		unsigned l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xbf;
		if (b < l || b > h) {
			*sub = i;
			return 0;
		}
		*cp = (*cp << 6) | (b & 0x3f);
	}
	*sub = len;
	return len;
}

static void put_str(struct jw *w, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	putc_(w, '"');
	while (i < n && !w->overflow) {
		if (i >= w->str_max) {
			w->truncated = true;
			break;
		}
		unsigned c = s[i];
		if (plain((unsigned char)c)) {
			size_t end = n < w->str_max ? n : w->str_max, j = i + 1;
			while (j < end && plain(s[j]))
				j++;
			put(w, p + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x80) {
			switch (c) {
			case '"':
				put(w, "\\\"", 2);
				break;
			case '\\':
				put(w, "\\\\", 2);
				break;
			case '\n':
				put(w, "\\n", 2);
				break;
			case '\t':
				put(w, "\\t", 2);
				break;
			case '\r':
				put(w, "\\r", 2);
				break;
			default:
				if (c < 0x20 || c == 0x7f)
					put_u_escape(w, c);
				else
					putc_(w, (char)c);
			}
			i++;
			continue;
		}
		unsigned cp = 0;
		size_t sub = 1;
		size_t len = utf8_seq(s + i, n - i, &cp, &sub);
		if (len == 0) {
			put(w, "\xef\xbf\xbd", 3);
			i += sub;
		} else {
			if (i + len > w->str_max) { /* never cut inside a character */
				w->truncated = true;
				break;
			}
			if (escape_anyway(cp))
				put_u_escape(w, cp);
			else
				put(w, p + i, len);
			i += len;
		}
	}
	putc_(w, '"');
}

static void open_pending(struct jw *w)
{
	/* Open every lazily begun object between the top and this depth. */
	for (int d = 1; d <= w->depth; d++) {
		if (!w->pending[d])
			continue;
		if (w->need_comma[d - 1])
			putc_(w, ',');
		w->need_comma[d - 1] = true;
		putc_(w, '"');
		put(w, w->pending[d], strlen(w->pending[d]));
		put(w, "\":{", 3);
		w->pending[d] = NULL;
		w->need_comma[d] = false;
	}
}

static void key(struct jw *w, const char *k)
{
	open_pending(w);
	if (w->need_comma[w->depth])
		putc_(w, ',');
	w->need_comma[w->depth] = true;
	putc_(w, '"');
	put(w, k, strlen(k)); /* keys are literals of this file */
	put(w, "\":", 2);
}

static void obj_begin(struct jw *w, const char *name)
{
	w->depth++;
	w->pending[w->depth] = name;
	w->need_comma[w->depth] = false;
}

static void obj_end(struct jw *w)
{
	if (!w->pending[w->depth])
		putc_(w, '}');
	w->pending[w->depth] = NULL;
	w->depth--;
}

static void f_str(struct jw *w, const char *k, const char *v)
{
	if (!v)
		return;
	key(w, k);
	put_str(w, v, strlen(v));
}

static void f_bytes(struct jw *w, const char *k, struct vj_bytes b)
{
	if (!b.ptr)
		return;
	key(w, k);
	put_str(w, b.ptr, b.len);
}

/* Decimal digits of v, right-aligned in tmp[24]; returns the first digit. */
static char *u64_dec(char tmp[24], unsigned long long v)
{
	char *p = tmp + 24;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static void f_u64(struct jw *w, const char *k, unsigned long long v)
{
	char tmp[24];
	char *p = u64_dec(tmp, v);
	key(w, k);
	put(w, p, (size_t)(tmp + 24 - p));
}

static void f_i64(struct jw *w, const char *k, long long v)
{
	char tmp[25];
	unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	char *p = u64_dec(tmp + 1, m);
	if (v < 0)
		*--p = '-';
	key(w, k);
	put(w, p, (size_t)(tmp + 25 - p));
}

/* 64-bit values that may exceed 2^53 (JSON readers use doubles): strings. */
enum numfmt { DEC, HEX, HEX0X };
static void f_u64_str(struct jw *w, const char *k, enum numfmt f, unsigned long long v)
{
	char tmp[32];
	if (f == DEC)
		snprintf(tmp, sizeof(tmp), "%llu", v);
	else if (f == HEX)
		snprintf(tmp, sizeof(tmp), "%llx", v);
	else
		snprintf(tmp, sizeof(tmp), "0x%llx", v);
	f_str(w, k, tmp);
}

static const char *kind_name(enum vj_ev_kind k)
{
	switch (k) {
	case VJ_EV_LIFECYCLE:
		return "lifecycle";
	case VJ_EV_ENFORCEMENT:
		return "enforcement";
	case VJ_EV_LOSS:
		return "loss";
	}
	return "unknown";
}

static const char *arch_name(uint32_t a)
{
	switch (a) {
	case AUDIT_ARCH_X86_64:
		return "x86_64";
	case AUDIT_ARCH_I386:
		return "i386";
	case AUDIT_ARCH_AARCH64:
		return "aarch64";
	case AUDIT_ARCH_ARM:
		return "arm";
	case AUDIT_ARCH_RISCV64:
		return "riscv64";
	case AUDIT_ARCH_PPC64LE:
		return "ppc64le";
	case AUDIT_ARCH_S390X:
		return "s390x";
	}
	return NULL;
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
	}
	return NULL;
}

/*
 * RFC 3339 UTC with nanoseconds.  The "YYYY-MM-DDTHH:MM:SS" part is cached
 * per thread for the current second: gmtime+strftime cost more than the
 * rest of a record.
 */
static void put_time(struct jw *w, struct timespec ts)
{
	static __thread time_t cached_sec = -1;
	static __thread char cached[32];
	char tmp[48];
	time_t t = ts.tv_sec;
	long ns = ts.tv_nsec;
	if (ns < 0 || ns > 999999999)
		ns = 0;
	if (t != cached_sec || cached_sec == -1) {
		struct tm tm;
		if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
			time_t zero = 0;
			gmtime_r(&zero, &tm);
		}
		if (strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm) != 19)
			snprintf(cached, sizeof(cached), "1970-01-01T00:00:00");
		cached_sec = t;
	}
	memcpy(tmp, cached, 19);
	tmp[19] = '.';
	for (int i = 28; i >= 20; i--, ns /= 10)
		tmp[i] = (char)('0' + ns % 10);
	tmp[29] = 'Z';
	key(w, "time");
	putc_(w, '"');
	put(w, tmp, 30);
	putc_(w, '"');
}

static void encode(struct jw *w, const struct vj_event *ev)
{
	putc_(w, '{');
	f_i64(w, "schema", VJ_SCHEMA_VERSION);
	f_u64(w, "seq", ev->seq);
	put_time(w, ev->time);
	f_str(w, "host", ev->host);
	f_str(w, "boot_id", ev->boot_id);
	f_str(w, "source", ev->source);
	f_str(w, "kind", kind_name(ev->kind));
	f_str(w, "type", ev->type);

	obj_begin(w, "tenant");
	f_str(w, "id", ev->tenant);
	f_str(w, "vmm", ev->vmm);
	if (ev->cgroup_id)
		f_u64(w, "cgroup_id", ev->cgroup_id);
	f_str(w, "policy", ev->policy);
	f_str(w, "policy_hash", ev->policy_hash);
	f_str(w, "attribution", ev->attribution);
	obj_end(w);

	obj_begin(w, "actor");
	if (ev->pid > 0)
		f_i64(w, "pid", ev->pid);
	if (ev->tid > 0)
		f_i64(w, "tid", ev->tid);
	if (ev->ppid > 0)
		f_i64(w, "ppid", ev->ppid);
	if (ev->uid >= 0)
		f_i64(w, "uid", ev->uid);
	if (ev->gid >= 0)
		f_i64(w, "gid", ev->gid);
	if (ev->auid >= 0)
		f_i64(w, "auid", ev->auid);
	if (ev->ses >= 0)
		f_i64(w, "ses", ev->ses);
	f_bytes(w, "comm", ev->comm);
	f_bytes(w, "exe", ev->exe);
	obj_end(w);

	obj_begin(w, "decision");
	f_str(w, "enforcer", ev->enforcer);
	f_str(w, "hook", ev->hook);
	f_str(w, "syscall", ev->syscall_name);
	if (ev->syscall >= 0)
		f_i64(w, "syscall_nr", ev->syscall);
	if (ev->arch) {
		const char *an = arch_name(ev->arch);
		if (an)
			f_str(w, "arch", an);
		else
			f_u64_str(w, "arch", HEX0X, ev->arch);
	}
	f_str(w, "action", ev->action);
	if (ev->err > 0) {
		f_i64(w, "errno", ev->err);
		f_str(w, "errno_name", strerrorname_np(ev->err));
	}
	f_str(w, "rule", ev->rule);
	if (ev->landlock_domain)
		f_u64_str(w, "landlock_domain", HEX, ev->landlock_domain);
	obj_end(w);

	obj_begin(w, "object");
	f_bytes(w, "path", ev->path);
	if (ev->dev)
		f_u64_str(w, "dev", DEC, ev->dev);
	f_bytes(w, "dev_name", ev->dev_name);
	if (ev->ino)
		f_u64_str(w, "ino", DEC, ev->ino);
	if (ev->family) {
		const char *fn = family_name(ev->family);
		if (fn)
			f_str(w, "family", fn);
		else
			f_i64(w, "family_nr", ev->family);
	}
	f_bytes(w, "addr", ev->addr);
	if (ev->port >= 0)
		f_i64(w, "port", ev->port);
	if (ev->has_ioctl)
		f_u64_str(w, "ioctl", HEX0X, ev->ioctl_request);
	if (ev->signal > 0) {
		f_i64(w, "signal", ev->signal);
		f_str(w, "signal_name", sigabbrev_np(ev->signal));
	}
	if (ev->target_pid > 0)
		f_i64(w, "target_pid", ev->target_pid);
	f_bytes(w, "target_comm", ev->target_comm);
	f_bytes(w, "detail", ev->detail);
	obj_end(w);

	obj_begin(w, "lifecycle");
	if (ev->exit_code >= 0)
		f_i64(w, "exit_code", ev->exit_code);
	if (ev->exit_signal > 0) {
		f_i64(w, "exit_signal", ev->exit_signal);
		f_str(w, "exit_signal_name", sigabbrev_np(ev->exit_signal));
	}
	f_str(w, "step", ev->step);
	f_bytes(w, "message", ev->message);
	obj_end(w);

	/* Only loss records carry a loss group: a count elsewhere means nothing to readers. */
	if (ev->kind == VJ_EV_LOSS) {
		obj_begin(w, "loss");
		f_str(w, "source", ev->loss_source);
		f_u64(w, "count", ev->loss_count);
		f_u64(w, "since_seq", ev->since_seq);
		obj_end(w);
	}

	if (ev->audit_serial) {
		obj_begin(w, "kernel");
		f_u64(w, "audit_serial", ev->audit_serial);
		obj_end(w);
	}
	/* Decided after every string was written; "truncated" therefore comes last. */
	if (w->truncated)
		put(w, ",\"truncated\":true", 17);
	putc_(w, '}');
}

int vj_event_to_json(const struct vj_event *ev, char *buf, size_t len)
{
	/*
	 * A record whose strings do not fit is encoded again with every
	 * string cut shorter: hostile records pay the extra passes, the
	 * common one is written once.
	 */
	static const size_t caps[] = {VJ_JSON_STR_MAX, 1024, 256, 64, 16, 0};
	if (!ev || !buf || len < 3)
		return -ENOSPC;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct jw w = {.buf = buf, .cap = len - 2, .str_max = caps[i]};
		encode(&w, ev);
		if (w.overflow)
			continue;
		buf[w.pos++] = '\n';
		buf[w.pos] = '\0';
		return (int)w.pos;
	}
	buf[0] = '\0';
	return -ENOSPC;
}

/*
 * One JSON string, quoted and escaped exactly as in a v1 record (put_str), for
 * the other encoders (audit/lib/ocsf.c): the escaping rules live in one place.
 */
int vj_json_quote(char *buf, size_t cap, const char *p, size_t n, size_t str_max, bool *truncated)
{
	struct jw w = {.buf = buf, .cap = cap, .str_max = str_max};
	put_str(&w, p, n);
	if (w.overflow)
		return -ENOSPC;
	if (w.truncated && truncated)
		*truncated = true;
	return (int)w.pos;
}
