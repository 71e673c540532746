// SPDX-License-Identifier: Apache-2.0
/*
 * struct vj_event -> one OCSF 1.3.0 event (audit/lib/ocsf.h).
 *
 * Classes (OCSF class_uid = category_uid * 1000 + class number):
 *   lifecycle                          Process Activity 1007 (System Activity 1);
 *                                      the VMM is `process`, vmjail the actor
 *   enforcement with a file path       File System Activity 1001
 *   enforcement with a network peer    Network Activity 4001 (Network Activity 4)
 *   other enforcement                  Process Activity 1007
 *   loss                               Base Event 0 (Uncategorized 0), activity Other
 * type_uid is class_uid * 100 + activity_id.  Enforcement records carry the
 * security_control profile (action_id, disposition_id).  Fields OCSF has no
 * place for go to `unmapped`, under their schema v1 names.
 *
 * Every string from a jail goes through vj_json_quote (audit/lib/json.c), the
 * v1 encoder's escaping function: one set of rules for both formats.
 */
#include "audit/lib/ocsf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int vj_audit_format_parse(const char *s, enum vj_audit_format *out)
{
	if (s && strcmp(s, "v1") == 0)
		*out = VJ_AUDIT_FMT_V1;
	else if (s && strcmp(s, "ocsf") == 0)
		*out = VJ_AUDIT_FMT_OCSF;
	else
		return -EINVAL;
	return 0;
}

const char *vj_audit_format_name(enum vj_audit_format f)
{
	return f == VJ_AUDIT_FMT_OCSF ? "ocsf" : "v1";
}

/* ---- a small writer; every key is a literal of this file ---- */

#define OW_DEPTH 6
struct ow {
	char *buf;
	size_t cap, pos;
	bool overflow, truncated;
	size_t str_max;
	int depth;
	bool comma[OW_DEPTH];
};

static void raw(struct ow *w, const char *s, size_t n)
{
	if (w->overflow || n > w->cap - w->pos) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->pos, s, n);
	w->pos += n;
}

static void key(struct ow *w, const char *k)
{
	if (w->comma[w->depth])
		raw(w, ",", 1);
	w->comma[w->depth] = true;
	raw(w, "\"", 1);
	raw(w, k, strlen(k));
	raw(w, "\":", 2);
}

static void obj(struct ow *w, const char *k)
{
	key(w, k);
	raw(w, "{", 1);
	if (w->depth + 1 >= OW_DEPTH) {
		w->overflow = true; /* a bug in this file, not in the input */
		return;
	}
	w->comma[++w->depth] = false;
}

static void end(struct ow *w)
{
	raw(w, "}", 1);
	if (w->depth > 0)
		w->depth--;
}

static void s_bytes(struct ow *w, const char *k, const char *p, size_t n)
{
	key(w, k);
	if (w->overflow)
		return;
	int r = vj_json_quote(w->buf + w->pos, w->cap - w->pos, p, n, w->str_max, &w->truncated);
	if (r < 0)
		w->overflow = true;
	else
		w->pos += (size_t)r;
}

static void s_str(struct ow *w, const char *k, const char *v)
{
	if (v)
		s_bytes(w, k, v, strlen(v));
}

static void s_vb(struct ow *w, const char *k, struct vj_bytes b)
{
	if (b.ptr)
		s_bytes(w, k, b.ptr, b.len);
}

static void n_i64(struct ow *w, const char *k, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);
	key(w, k);
	raw(w, tmp, (size_t)n);
}

static void n_u64(struct ow *w, const char *k, unsigned long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", v);
	key(w, k);
	raw(w, tmp, (size_t)n);
}

/* ---- the mapping ---- */

struct ocsf_class {
	int uid, category_uid;
	const char *name, *category_name;
};
static const struct ocsf_class C_PROCESS = {1007, 1, "Process Activity", "System Activity"};
static const struct ocsf_class C_FILE = {1001, 1, "File System Activity", "System Activity"};
static const struct ocsf_class C_NETWORK = {4001, 4, "Network Activity", "Network Activity"};
static const struct ocsf_class C_BASE = {0, 0, "Base Event", "Uncategorized"};

enum { SEV_INFO = 1, SEV_LOW = 2, SEV_MEDIUM = 3, SEV_HIGH = 4 };
static const char *const sev_name[] = {"Unknown", "Informational", "Low", "Medium", "High"};

struct ocsf_map {
	const struct ocsf_class *cls;
	int activity_id;
	const char *activity_name;
	int severity_id;
	int status_id; /* 0: not set */
};

/* Lifecycle types: what happened to the VMM process. */
static const struct {
	const char *type;
	int activity_id, severity_id, status_id;
} lifecycle_map[] = {
    {"created", 1, SEV_INFO, 1},
    {"exec", 1, SEV_INFO, 1},
    {"launch-failed", 1, SEV_MEDIUM, 2},
    {"exited", 2, SEV_INFO, 1},
    {"killed", 2, SEV_LOW, 1},
    {"ttl-expired", 2, SEV_LOW, 1},
    {"oom-killed", 2, SEV_MEDIUM, 1},
    {"paused", 99, SEV_INFO, 1},
    {"resumed", 99, SEV_INFO, 1},
    {"suspended", 99, SEV_INFO, 1},
    {"restored", 99, SEV_INFO, 1},
    {"cleaned", 99, SEV_INFO, 1},
    {"pids-limit", 99, SEV_MEDIUM, 0},
    /* a layer the policy allowed to be missing: not enforced on this host */
    {"layer-skipped", 99, SEV_MEDIUM, 0},
};

static const char *process_activity_name(int a)
{
	return a == 1 ? "Launch" : a == 2 ? "Terminate" : "Other";
}

/* Landlock blockers and hook names -> File System Activity ids. */
static int file_activity(const char *hook, const char **name)
{
	static const struct {
		const char *prefix;
		int id;
		const char *name;
	} m[] = {
	    {"fs.read", 2, "Read"},     {"fs.write", 3, "Update"},  {"fs.truncate", 3, "Update"},
	    {"fs.make", 1, "Create"},   {"fs.remove", 4, "Delete"}, {"fs.refer", 5, "Rename"},
	    {"fs.execute", 14, "Open"}, {"fs.ioctl", 14, "Open"},   {"open", 14, "Open"},
	    {"file_open", 14, "Open"},  {"mknod", 1, "Create"},     {"unlink", 4, "Delete"},
	    {"rename", 5, "Rename"},    {"mount", 12, "Mount"},
	};
	for (size_t i = 0; hook && i < sizeof(m) / sizeof(m[0]); i++)
		if (strncmp(hook, m[i].prefix, strlen(m[i].prefix)) == 0) {
			*name = m[i].name;
			return m[i].id;
		}
	*name = "Other";
	return 99;
}

static bool denied(const struct vj_event *ev)
{
	const char *a = ev->action ? ev->action : ev->type;
	return a && strcmp(a, "log") && strcmp(a, "allow");
}

static void classify(const struct vj_event *ev, struct ocsf_map *m)
{
	*m = (struct ocsf_map){&C_PROCESS, 99, "Other", SEV_INFO, 0};
	if (ev->kind == VJ_EV_LOSS) {
		/* records are missing from this output: worth a look */
		*m = (struct ocsf_map){&C_BASE, 99, "Other", SEV_MEDIUM, 2};
		return;
	}
	if (ev->kind == VJ_EV_LIFECYCLE) {
		for (size_t i = 0; ev->type && i < sizeof(lifecycle_map) / sizeof(lifecycle_map[0]);
		     i++)
			if (strcmp(ev->type, lifecycle_map[i].type) == 0) {
				m->activity_id = lifecycle_map[i].activity_id;
				m->severity_id = lifecycle_map[i].severity_id;
				m->status_id = lifecycle_map[i].status_id;
			}
		/* a VMM that ended badly is worth more than a clean exit */
		if (m->activity_id == 2 && m->severity_id == SEV_INFO &&
		    (ev->exit_code > 0 || ev->exit_signal > 0))
			m->severity_id = SEV_LOW;
		m->activity_name = process_activity_name(m->activity_id);
		return;
	}
	/* enforcement */
	bool kill =
	    (ev->type && !strcmp(ev->type, "kill")) || (ev->action && !strcmp(ev->action, "kill"));
	m->severity_id = kill ? SEV_HIGH : denied(ev) ? SEV_MEDIUM : SEV_INFO;
	/* nobody's tenant: possibly a process that left its jail */
	if (!ev->tenant && m->severity_id >= SEV_MEDIUM)
		m->severity_id = SEV_HIGH;
	m->status_id = denied(ev) ? 2 : 1;
	if (ev->path.ptr) {
		m->cls = &C_FILE;
		m->activity_id = file_activity(ev->hook, &m->activity_name);
	} else if (ev->addr.ptr || ev->port >= 0) {
		m->cls = &C_NETWORK;
		bool listen = ev->hook && strstr(ev->hook, "bind");
		m->activity_id = listen ? 7 : 1;
		m->activity_name = listen ? "Listen" : "Open";
	} else if (kill) {
		m->activity_id = 2; /* the kernel ended the process */
		m->activity_name = "Terminate";
	}
}

/* The process a record is about: the VMM (lifecycle) or the actor (enforcement). */
static void process_obj(struct ow *w, const char *k, const struct vj_event *ev)
{
	obj(w, k);
	if (ev->pid > 0)
		n_i64(w, "pid", ev->pid);
	if (ev->tid > 0)
		n_i64(w, "tid", ev->tid);
	s_vb(w, "name", ev->comm);
	if (!ev->comm.ptr && ev->vmm)
		s_str(w, "name", ev->vmm);
	/* OCSF wants a pid or a uid: the tenant names the VMM when no pid is known */
	if (ev->pid <= 0)
		s_str(w, "uid", ev->tenant ? ev->tenant : "unknown");
	if (ev->exe.ptr) {
		const char *base = memrchr(ev->exe.ptr, '/', ev->exe.len);
		size_t off = base ? (size_t)(base - ev->exe.ptr) + 1 : 0;
		obj(w, "file");
		s_bytes(w, "name", ev->exe.ptr + off, ev->exe.len - off);
		s_vb(w, "path", ev->exe);
		n_i64(w, "type_id", 1);
		end(w);
	}
	if (ev->ppid > 0) {
		obj(w, "parent_process");
		n_i64(w, "pid", ev->ppid);
		end(w);
	}
	if (ev->uid >= 0) {
		obj(w, "user");
		char uid[24];
		snprintf(uid, sizeof(uid), "%ld", ev->uid);
		s_str(w, "uid", uid);
		end(w);
	}
	end(w);
}

static void actor_obj(struct ow *w, const struct vj_event *ev)
{
	obj(w, "actor");
	if (ev->kind == VJ_EV_ENFORCEMENT && (ev->pid > 0 || ev->comm.ptr || ev->exe.ptr)) {
		process_obj(w, "process", ev);
		if (ev->ses >= 0) {
			obj(w, "session");
			char ses[24];
			snprintf(ses, sizeof(ses), "%ld", ev->ses);
			s_str(w, "uid", ses);
			end(w);
		}
	} else {
		/* lifecycle, loss, or nothing known about the process: vmjail acted */
		s_str(w, "app_name",
		      ev->source && !strcmp(ev->source, "vmjaild") ? "vmjaild" : "vmjail");
	}
	end(w);
}

static void put_time_ms(struct ow *w, const struct vj_event *ev)
{
	long long ms = (long long)ev->time.tv_sec * 1000 + ev->time.tv_nsec / 1000000;
	n_i64(w, "time", ms);
}

static void file_obj(struct ow *w, const struct vj_event *ev)
{
	const char *slash = memrchr(ev->path.ptr, '/', ev->path.len);
	size_t off = slash ? (size_t)(slash - ev->path.ptr) + 1 : 0;
	obj(w, "file");
	if (off < ev->path.len)
		s_bytes(w, "name", ev->path.ptr + off, ev->path.len - off);
	else
		s_vb(w, "name", ev->path); /* "/" or a path ending in '/' */
	s_vb(w, "path", ev->path);
	/* the kernel records do not say what kind of file it was */
	n_i64(w, "type_id", 0);
	if (ev->ino) {
		char uid[48];
		snprintf(uid, sizeof(uid), "%" PRIu64 ":%" PRIu64, ev->dev, ev->ino);
		s_str(w, "uid", uid);
	}
	end(w);
}

static void endpoint_obj(struct ow *w, const struct vj_event *ev)
{
	obj(w, "dst_endpoint");
	char a[64];
	unsigned char bin[16];
	bool ip = false;
	if (ev->addr.ptr && ev->addr.len < sizeof(a)) {
		memcpy(a, ev->addr.ptr, ev->addr.len);
		a[ev->addr.len] = '\0';
		ip = inet_pton(AF_INET, a, bin) == 1 || inet_pton(AF_INET6, a, bin) == 1;
	}
	/* only a parsed address is an ip_t; anything else is a name */
	if (ip)
		s_str(w, "ip", a);
	else if (ev->addr.ptr)
		s_vb(w, "name", ev->addr);
	else
		s_str(w, "name", "unknown");
	if (ev->port >= 0)
		n_i64(w, "port", ev->port);
	end(w);
}

static void unmapped_obj(struct ow *w, const struct vj_event *ev)
{
	obj(w, "unmapped");
	n_i64(w, "schema", VJ_SCHEMA_VERSION);
	s_str(w, "kind",
	      ev->kind == VJ_EV_LIFECYCLE     ? "lifecycle"
	      : ev->kind == VJ_EV_ENFORCEMENT ? "enforcement"
	                                      : "loss");
	s_str(w, "type", ev->type);
	s_str(w, "boot_id", ev->boot_id);
	s_str(w, "vmm", ev->vmm);
	if (ev->cgroup_id)
		n_u64(w, "cgroup_id", ev->cgroup_id);
	s_str(w, "attribution", ev->attribution);
	s_str(w, "enforcer", ev->enforcer);
	s_str(w, "hook", ev->hook);
	if (ev->syscall >= 0)
		n_i64(w, "syscall_nr", ev->syscall);
	if (ev->signal > 0)
		n_i64(w, "signal", ev->signal);
	if (ev->target_pid > 0)
		n_i64(w, "target_pid", ev->target_pid);
	s_vb(w, "detail", ev->detail);
	if (ev->exit_signal > 0)
		n_i64(w, "exit_signal", ev->exit_signal);
	if (ev->landlock_domain) {
		char d[24];
		snprintf(d, sizeof(d), "%" PRIx64, ev->landlock_domain);
		s_str(w, "landlock_domain", d);
	}
	if (ev->kind == VJ_EV_LOSS) {
		s_str(w, "loss_source", ev->loss_source);
		n_u64(w, "loss_count", ev->loss_count);
		n_u64(w, "since_seq", ev->since_seq);
	}
	/* last string written, so the flag covers every string (as v1's "truncated") */
	if (w->truncated) {
		key(w, "truncated");
		raw(w, "true", 4);
	}
	end(w);
}

static void encode(struct ow *w, const struct vj_event *ev)
{
	struct ocsf_map m;
	classify(ev, &m);
	raw(w, "{", 1);
	n_i64(w, "class_uid", m.cls->uid);
	s_str(w, "class_name", m.cls->name);
	n_i64(w, "category_uid", m.cls->category_uid);
	s_str(w, "category_name", m.cls->category_name);
	n_i64(w, "activity_id", m.activity_id);
	s_str(w, "activity_name", m.activity_name);
	n_i64(w, "type_uid", (long long)m.cls->uid * 100 + m.activity_id);
	n_i64(w, "severity_id", m.severity_id);
	s_str(w, "severity", sev_name[m.severity_id]);
	put_time_ms(w, ev);
	if (m.status_id) {
		n_i64(w, "status_id", m.status_id);
		s_str(w, "status", m.status_id == 1 ? "Success" : "Failure");
	}
	if (ev->step)
		s_str(w, "status_detail", ev->step);
	if (ev->err > 0)
		s_str(w, "status_code", strerrorname_np(ev->err));
	s_vb(w, "message", ev->message);
	if (ev->exit_code >= 0)
		n_i64(w, "exit_code", ev->exit_code);

	obj(w, "metadata");
	s_str(w, "version", VJ_OCSF_VERSION);
	obj(w, "product");
	s_str(w, "name", "vmjail");
	s_str(w, "vendor_name", "vmjail");
	s_str(w, "version", VMJAIL_VERSION);
	obj(w, "feature");
	s_str(w, "name", ev->source ? ev->source : "supervisor");
	end(w);
	end(w);
	if (ev->boot_id) {
		char uid[96];
		snprintf(uid, sizeof(uid), "%.64s:%" PRIu64, ev->boot_id, ev->seq);
		s_str(w, "uid", uid);
	}
	n_u64(w, "sequence", ev->seq);
	s_str(w, "tenant_uid", ev->tenant);
	if (ev->audit_serial) {
		char c[24];
		snprintf(c, sizeof(c), "%" PRIu64, ev->audit_serial);
		s_str(w, "correlation_uid", c);
	}
	if (ev->kind == VJ_EV_ENFORCEMENT) {
		key(w, "profiles");
		raw(w, "[\"host\",\"security_control\"]", 27);
	}
	end(w);

	obj(w, "device");
	s_str(w, "hostname", ev->host ? ev->host : "unknown");
	n_i64(w, "type_id", 1); /* Server */
	end(w);

	if (m.cls != &C_BASE)
		actor_obj(w, ev);
	if (m.cls == &C_PROCESS)
		process_obj(w, "process", ev);
	if (m.cls == &C_FILE)
		file_obj(w, ev);
	if (m.cls == &C_NETWORK)
		endpoint_obj(w, ev);

	if (ev->kind == VJ_EV_ENFORCEMENT) {
		bool d = denied(ev);
		n_i64(w, "action_id", d ? 2 : 1);
		s_str(w, "action", d ? "Denied" : "Allowed");
		n_i64(w, "disposition_id", d ? 2 : 17);
		s_str(w, "disposition", d ? "Blocked" : "Logged");
		const char *op = ev->syscall_name ? ev->syscall_name : ev->hook;
		if (op) {
			obj(w, "api");
			s_str(w, "operation", op);
			end(w);
		}
	}
	if (ev->policy || ev->policy_hash || ev->rule) {
		obj(w, "policy");
		s_str(w, "name", ev->policy ? ev->policy : "unnamed");
		s_str(w, "version", ev->policy_hash);
		s_str(w, "uid", ev->rule);
		end(w);
	}
	unmapped_obj(w, ev);
	raw(w, "}", 1);
}

int vj_event_to_ocsf(const struct vj_event *ev, char *buf, size_t len)
{
	static const size_t caps[] = {VJ_JSON_STR_MAX, 1024, 256, 64, 16, 0};
	if (!ev || !buf || len < 3)
		return -ENOSPC;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct ow w = {.buf = buf, .cap = len - 2, .str_max = caps[i]};
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

int vj_ocsf_raw(const char *v1, size_t n, const char *host, struct timespec now, char *buf,
                size_t len)
{
	if (n && v1[n - 1] == '\n')
		n--;
	static const size_t caps[] = {VJ_JSON_LINE_MAX, 4096, 256, 0};
	for (size_t i = 0; len >= 3 && i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct ow w = {.buf = buf, .cap = len - 2, .str_max = caps[i]};
		struct vj_event ev;
		vj_event_init(&ev, VJ_EV_LOSS, NULL);
		ev.time = now;
		raw(&w, "{", 1);
		n_i64(&w, "class_uid", 0);
		n_i64(&w, "category_uid", 0);
		n_i64(&w, "activity_id", 99);
		n_i64(&w, "type_uid", 99);
		n_i64(&w, "severity_id", SEV_MEDIUM);
		put_time_ms(&w, &ev);
		s_str(&w, "message", "a schema v1 record that could not be converted");
		s_bytes(&w, "raw_data", v1, n);
		obj(&w, "metadata");
		s_str(&w, "version", VJ_OCSF_VERSION);
		obj(&w, "product");
		s_str(&w, "name", "vmjail");
		s_str(&w, "vendor_name", "vmjail");
		s_str(&w, "version", VMJAIL_VERSION);
		end(&w);
		end(&w);
		obj(&w, "device");
		s_str(&w, "hostname", host ? host : "unknown");
		n_i64(&w, "type_id", 1);
		end(&w);
		if (w.truncated) {
			obj(&w, "unmapped");
			key(&w, "truncated");
			raw(&w, "true", 4);
			end(&w);
		}
		raw(&w, "}", 1);
		if (w.overflow)
			continue;
		buf[w.pos++] = '\n';
		buf[w.pos] = '\0';
		return (int)w.pos;
	}
	return -ENOSPC;
}

int vj_event_encode(enum vj_audit_format f, const struct vj_event *ev, char *buf, size_t len)
{
	return f == VJ_AUDIT_FMT_OCSF ? vj_event_to_ocsf(ev, buf, len)
	                              : vj_event_to_json(ev, buf, len);
}
