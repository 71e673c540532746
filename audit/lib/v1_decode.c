// SPDX-License-Identifier: Apache-2.0
/*
 * A schema v1 line back into struct vj_event, so that vmjaild can write the
 * records supervisors sent it (v1 text) in another format (OCSF).  The line
 * comes from a root supervisor, but its strings come from a jail: they are
 * only carried here, the encoder escapes them again.  The strict parser
 * (policies/tool/json.c, fuzzed) refuses what v1 never writes; a line it
 * refuses (\u0000 inside a string is one) is not lost: the caller writes it
 * as raw data (vj_ocsf_raw).
 */
#include "audit/lib/v1_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static const char *str(const struct json *o, const char *k)
{
	const struct json *v = json_get(o, k);
	return v && v->type == JSON_STRING ? v->s : NULL;
}

static struct vj_bytes bytes(const struct json *o, const char *k)
{
	const char *s = str(o, k);
	return (struct vj_bytes){s, s ? strlen(s) : 0};
}

static bool i64(const struct json *o, const char *k, int64_t *out)
{
	const struct json *v = json_get(o, k);
	return v && v->type == JSON_NUMBER && json_i64(v, out);
}

static uint64_t u64s(const struct json *o, const char *k)
{
	/* 64-bit values v1 writes as decimal strings */
	const char *s = str(o, k);
	return s ? strtoull(s, NULL, 10) : 0;
}

/* "2025-11-28T11:34:01.123456789Z" */
static struct timespec rfc3339(const char *s)
{
	struct tm tm = {0};
	struct timespec ts = {0, 0};
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!p)
		return ts;
	ts.tv_sec = timegm(&tm);
	if (*p == '.') {
		long mul = 100000000;
		for (p++; *p >= '0' && *p <= '9'; p++, mul /= 10)
			ts.tv_nsec += (*p - '0') * mul;
	}
	return ts;
}

int vj_event_from_v1(const char *line, size_t n, struct vj_event *ev, struct json **tree)
{
	struct json_err je;
	*tree = NULL;
	if (n && line[n - 1] == '\n')
		n--;
	if (json_parse(line, n, tree, &je) < 0)
		return -EINVAL;
	const struct json *r = *tree;
	const char *kind = str(r, "kind");
	enum vj_ev_kind k;
	if (r->type != JSON_OBJECT || !kind)
		goto bad;
	if (!strcmp(kind, "lifecycle"))
		k = VJ_EV_LIFECYCLE;
	else if (!strcmp(kind, "enforcement"))
		k = VJ_EV_ENFORCEMENT;
	else if (!strcmp(kind, "loss"))
		k = VJ_EV_LOSS;
	else
		goto bad;
	vj_event_init(ev, k, str(r, "type"));
	int64_t v;
	if (i64(r, "seq", &v) && v >= 0)
		ev->seq = (uint64_t)v;
	ev->time = rfc3339(str(r, "time"));
	ev->host = str(r, "host");
	ev->boot_id = str(r, "boot_id");
	ev->source = str(r, "source");

	const struct json *t = json_get(r, "tenant");
	ev->tenant = str(t, "id");
	ev->vmm = str(t, "vmm");
	if (i64(t, "cgroup_id", &v) && v > 0)
		ev->cgroup_id = (uint64_t)v;
	ev->policy = str(t, "policy");
	ev->policy_hash = str(t, "policy_hash");
	ev->attribution = str(t, "attribution");

	const struct json *a = json_get(r, "actor");
	if (i64(a, "pid", &v))
		ev->pid = (int)v;
	if (i64(a, "tid", &v))
		ev->tid = (int)v;
	if (i64(a, "ppid", &v))
		ev->ppid = (int)v;
	if (i64(a, "uid", &v))
		ev->uid = (long)v;
	if (i64(a, "gid", &v))
		ev->gid = (long)v;
	if (i64(a, "auid", &v))
		ev->auid = (long)v;
	if (i64(a, "ses", &v))
		ev->ses = (long)v;
	ev->comm = bytes(a, "comm");
	ev->exe = bytes(a, "exe");

	const struct json *d = json_get(r, "decision");
	ev->enforcer = str(d, "enforcer");
	ev->hook = str(d, "hook");
	ev->syscall_name = str(d, "syscall");
	if (i64(d, "syscall_nr", &v))
		ev->syscall = (int)v;
	ev->action = str(d, "action");
	if (i64(d, "errno", &v))
		ev->err = (int)v;
	ev->rule = str(d, "rule");
	const char *ld = str(d, "landlock_domain");
	ev->landlock_domain = ld ? strtoull(ld, NULL, 16) : 0;

	const struct json *o = json_get(r, "object");
	ev->path = bytes(o, "path");
	ev->dev = u64s(o, "dev");
	ev->ino = u64s(o, "ino");
	ev->dev_name = bytes(o, "dev_name");
	const char *fam = str(o, "family");
	if (fam)
		ev->family = !strcmp(fam, "inet") ? AF_INET : !strcmp(fam, "inet6") ? AF_INET6 : 0;
	ev->addr = bytes(o, "addr");
	if (i64(o, "port", &v))
		ev->port = (int)v;
	if (i64(o, "signal", &v))
		ev->signal = (int)v;
	if (i64(o, "target_pid", &v))
		ev->target_pid = (int)v;
	ev->target_comm = bytes(o, "target_comm");
	ev->detail = bytes(o, "detail");

	const struct json *l = json_get(r, "lifecycle");
	if (i64(l, "exit_code", &v))
		ev->exit_code = (int)v;
	if (i64(l, "exit_signal", &v))
		ev->exit_signal = (int)v;
	ev->step = str(l, "step");
	ev->message = bytes(l, "message");

	const struct json *ls = json_get(r, "loss");
	ev->loss_source = str(ls, "source");
	if (i64(ls, "count", &v))
		ev->loss_count = (uint64_t)v;
	if (i64(ls, "since_seq", &v))
		ev->since_seq = (uint64_t)v;
	if (i64(json_get(r, "kernel"), "audit_serial", &v))
		ev->audit_serial = (uint64_t)v;
	return 0;
bad:
	json_free(*tree);
	*tree = NULL;
	return -EINVAL;
}
