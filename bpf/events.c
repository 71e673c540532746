// SPDX-License-Identifier: Apache-2.0
/*
 * Events: a supervisor opens its own tenant's ring (found through the pinned
 * map of rings by cgroup id), decodes each denial record into a vj_event,
 * and turns growth of the tenant's loss counters into VJ_EV_LOSS events with
 * exact counts.  The loss baseline is the tenant's registration: every loss
 * since then is reported once to the first reader.
 */
#include "bpf/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct vjbpf_events {
	uint64_t cgid;
	int ring_fd, stats_fd;
	struct ring_buffer *rb;
	uint64_t seen_suppressed, seen_reserve_failed;
	char *tenant, *vmm, *policy, *policy_hash;
	uint64_t malformed;

	/* valid during one drain */
	int (*cb)(void *ctx, const struct vj_event *ev);
	void *ctx;
	int delivered;
	int64_t mono_to_real;
};

static void ev_labels(const struct vjbpf_events *ev, struct vj_event *e)
{
	e->tenant = ev->tenant;
	e->vmm = ev->vmm;
	e->policy = ev->policy;
	e->policy_hash = ev->policy_hash;
	e->cgroup_id = ev->cgid;
	e->enforcer = "cgroup-bpf";
	/* The ring is the tenant's own: the cgroup id is the attribution. */
	e->attribution = "cgroup";
}

static struct timespec to_realtime(const struct vjbpf_events *ev, uint64_t mono_ns)
{
	int64_t real = (int64_t)mono_ns + ev->mono_to_real;
	struct timespec ts = {.tv_sec = real / 1000000000, .tv_nsec = real % 1000000000};
	return ts;
}

static int append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	if (*pos >= len)
		return 0;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos = *pos + (size_t)n < len ? *pos + (size_t)n : len - 1;
	return 0;
}

static void sock_detail(const struct vjbpf_rec *r, char *buf, size_t len, size_t *pos)
{
	const char *t = vjbpf__socktype_name(r->sock_type);
	if (t)
		append(buf, len, pos, "type=%s", t);
	else
		append(buf, len, pos, "type=%d", r->sock_type);
	append(buf, len, pos, " protocol=%d", r->protocol);
}

/*
 * A BPF LSM record: enforcer bpf-lsm, the hook, and its object.  name[] is
 * kernel-side text a tenant can choose (a file name, a module name, its own
 * comm): it is carried as bytes and escaped by the audit writer.
 */
static void lsm_record(const struct vjbpf_rec *r, struct vj_event *e, char *name, size_t namelen,
                       char *detail, size_t dlen, size_t *dpos)
{
	size_t n = strnlen(r->name, sizeof(r->name));
	e->enforcer = "bpf-lsm";
	if (n && n < namelen) {
		memcpy(name, r->name, n);
		e->path.ptr = name;
		e->path.len = n;
	}
	switch (r->hook) {
	case VJBPF_HOOK_LSM_KILL:
		e->signal = (int)r->arg;
		/* fall through */
	case VJBPF_HOOK_LSM_PTRACE:
		e->target_pid = (int)r->obj_pid;
		e->path.len = 0; /* the target's comm, not a path */
		append(detail, dlen, dpos, "target-cgroup=%llu", (unsigned long long)r->obj_cgid);
		if (r->hook == VJBPF_HOOK_LSM_PTRACE)
			append(detail, dlen, dpos, " mode=%#llx", (unsigned long long)r->arg);
		break;
	case VJBPF_HOOK_LSM_IOCTL:
		e->ioctl_request = (uint64_t)(uint32_t)r->arg;
		e->has_ioctl = true;
		/* fall through */
	case VJBPF_HOOK_LSM_EXEC:
	case VJBPF_HOOK_LSM_FILE_OPEN:
	case VJBPF_HOOK_LSM_RECEIVE:
	case VJBPF_HOOK_LSM_NOTIFY:
		e->ino = r->obj_ino;
		e->dev = makedev(r->obj_dev >> 20, r->obj_dev & 0xfffff);
		break;
	case VJBPF_HOOK_LSM_SOCK_CREATE:
	case VJBPF_HOOK_LSM_LISTEN:
		e->family = r->family;
		sock_detail(r, detail, dlen, dpos);
		break;
	case VJBPF_HOOK_LSM_UNIX_CONNECT:
		e->family = r->family;
		e->ino = r->obj_ino;
		append(detail, dlen, dpos, "peer-cgroup=%llu", (unsigned long long)r->obj_cgid);
		break;
	case VJBPF_HOOK_LSM_CAPABLE:
		append(detail, dlen, dpos, "capability=%lld", (long long)r->arg);
		break;
	case VJBPF_HOOK_LSM_FILE_ALLOC:
		append(detail, dlen, dpos, "max-files=%lld", (long long)r->arg);
		break;
	default:
		append(detail, dlen, dpos, "arg=%lld", (long long)r->arg);
		break;
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct vjbpf_events *ev = ctx;
	struct vjbpf_rec r;
	struct vj_event e;
	char detail[192], addr[INET6_ADDRSTRLEN], path[16 + VJBPF_NAME_LEN], acc[4];
	size_t dpos = 0;

	if (size < sizeof(r)) {
		ev->malformed++;
		return 0;
	}
	memcpy(&r, data, sizeof(r));
	detail[0] = '\0';

	vj_event_init(&e, VJ_EV_ENFORCEMENT, "deny");
	ev_labels(ev, &e);
	e.time = to_realtime(ev, r.ts_ns);
	e.cgroup_id = r.tenant_cgid;
	e.pid = (int)(r.pid_tgid >> 32);
	e.tid = (int)(r.pid_tgid & 0xffffffffu);
	e.uid = (long)(r.uid_gid & 0xffffffffu);
	e.gid = (long)(r.uid_gid >> 32);
	e.comm.ptr = r.comm;
	e.comm.len = strnlen(r.comm, sizeof(r.comm));
	e.hook = vjbpf__hook_name(r.hook);
	e.action = "deny";
	/* the file cap refuses as the kernel's own file table limit does */
	e.err = r.hook == VJBPF_HOOK_LSM_FILE_ALLOC ? ENFILE : EPERM;

	switch (r.hook) {
	case VJBPF_HOOK_DEV:
		e.dev = makedev(r.dev_major, r.dev_minor);
		append(detail, sizeof(detail), &dpos, "%s %u:%u access=%s",
		       r.dev_type == VJBPF_DEV_BLOCK ? "block" : "char", r.dev_major, r.dev_minor,
		       vjbpf__access_str(r.dev_access, acc));
		break;
	case VJBPF_HOOK_SOCK_CREATE:
		e.family = r.family;
		sock_detail(&r, detail, sizeof(detail), &dpos);
		break;
	case VJBPF_HOOK_CONNECT4:
	case VJBPF_HOOK_CONNECT6:
	case VJBPF_HOOK_BIND4:
	case VJBPF_HOOK_BIND6:
	case VJBPF_HOOK_SENDMSG4:
	case VJBPF_HOOK_SENDMSG6:
	case VJBPF_HOOK_LISTEN4:
	case VJBPF_HOOK_LISTEN6:
		if (r.hook == VJBPF_HOOK_LISTEN4 || r.hook == VJBPF_HOOK_LISTEN6) {
			/* seen on packet arrival, in no task of the tenant */
			e.pid = e.tid = 0;
			e.uid = e.gid = -1;
			e.comm.len = 0;
			append(detail, sizeof(detail), &dpos,
			       "listener not allowed by the bind rules ");
		}
		e.family = r.family;
		if (inet_ntop(r.family == AF_INET ? AF_INET : AF_INET6, r.addr, addr,
		              sizeof(addr))) {
			e.addr.ptr = addr;
			e.addr.len = strlen(addr);
		}
		e.port = r.port;
		sock_detail(&r, detail, sizeof(detail), &dpos);
		break;
	case VJBPF_HOOK_SYSCTL: {
		size_t n = strnlen(r.name, sizeof(r.name));
		int pl = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)n, r.name);
		e.path.ptr = path;
		e.path.len = pl > 0 ? strnlen(path, sizeof(path)) : 0;
		append(detail, sizeof(detail), &dpos, "%s%s", r.sysctl_write ? "write" : "read",
		       r.name_len < 0 ? " name-truncated" : "");
		break;
	}
	default:
		if (r.hook >= VJBPF_HOOK_LSM_FIRST && r.hook < VJBPF_HOOK__COUNT) {
			lsm_record(&r, &e, path, sizeof(path), detail, sizeof(detail), &dpos);
			break;
		}
		append(detail, sizeof(detail), &dpos, "unknown hook %u", r.hook);
		break;
	}
	if (r.cgid != r.tenant_cgid)
		append(detail, sizeof(detail), &dpos, " from-descendant-cgroup=%llu",
		       (unsigned long long)r.cgid);
	if (dpos) {
		e.detail.ptr = detail;
		e.detail.len = dpos;
	}
	int rc = ev->cb(ev->ctx, &e);
	if (rc < 0)
		return rc;
	ev->delivered++;
	return 0;
}

int vjbpf__events_open_maps(const struct vjbpf_maps *m, uint64_t cgid, struct vjbpf_events **out,
                            struct vj_err *e)
{
	__u64 key = cgid;
	__u32 ring_id = 0;
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	if (bpf_map_lookup_elem(m->rings, &key, &ring_id) < 0) {
		if (errno == ENOENT)
			return vj_fail(e, ENOENT, "cgroup %llu is not a registered tenant",
			               (unsigned long long)cgid);
		return vj_failx(e, errno, "looking up the ring of cgroup %llu",
		                (unsigned long long)cgid);
	}
	struct vjbpf_events *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return vj_failx(e, ENOMEM, "allocating the event reader");
	ev->cgid = cgid;
	ev->stats_fd = -1;
	/* From user space an outer map yields the inner map's id. */
	ev->ring_fd = bpf_map_get_fd_by_id(ring_id);
	if (ev->ring_fd < 0) {
		int rc = vj_failx(e, errno, "opening ring %u of cgroup %llu", ring_id,
		                  (unsigned long long)cgid);
		vjbpf_events_close(ev);
		return rc;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(ev->ring_fd, &info, &len) < 0 ||
	    info.type != BPF_MAP_TYPE_RINGBUF) {
		vjbpf_events_close(ev);
		return vj_fail(e, EPROTO, "map %u of cgroup %llu is not a ring buffer", ring_id,
		               (unsigned long long)cgid);
	}
	ev->stats_fd = fcntl(m->stats, F_DUPFD_CLOEXEC, 0);
	if (ev->stats_fd < 0) {
		int rc = vj_failx(e, errno, "dup");
		vjbpf_events_close(ev);
		return rc;
	}
	ev->rb = ring_buffer__new(ev->ring_fd, on_record, ev, NULL);
	if (!ev->rb) {
		int rc = vj_failx(e, errno, "mapping ring %u", ring_id);
		vjbpf_events_close(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

int vjbpf_events_open(uint64_t cgid, struct vjbpf_events **out, struct vj_err *e)
{
	struct vjbpf_maps m = VJBPF_MAPS_INIT;
	vj_err_step(e, "cgroup-bpf-events");
	int rc = vjbpf__open_pinned_maps(&m, e);
	if (!rc)
		rc = vjbpf__events_open_maps(&m, cgid, out, e);
	vjbpf__close_maps(&m);
	return rc;
}

static int dupstr(char **dst, const char *src)
{
	char *c = NULL;
	if (src && !(c = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

int vjbpf_events_label(struct vjbpf_events *ev, const char *tenant, const char *vmm,
                       const char *policy, const char *policy_hash)
{
	if (dupstr(&ev->tenant, tenant) || dupstr(&ev->vmm, vmm) || dupstr(&ev->policy, policy) ||
	    dupstr(&ev->policy_hash, policy_hash))
		return -ENOMEM;
	return 0;
}

int vjbpf_events_fd(const struct vjbpf_events *ev)
{
	return ring_buffer__epoll_fd(ev->rb);
}

static int emit_loss(struct vjbpf_events *ev, const char *source, uint64_t count)
{
	struct vj_event e;
	vj_event_init(&e, VJ_EV_LOSS, "loss");
	ev_labels(ev, &e);
	clock_gettime(CLOCK_REALTIME, &e.time);
	e.hook = NULL;
	e.loss_source = source;
	e.loss_count = count;
	int rc = ev->cb(ev->ctx, &e);
	if (rc < 0)
		return rc;
	ev->delivered++;
	return 0;
}

int vjbpf_events_drain(struct vjbpf_events *ev, int (*cb)(void *ctx, const struct vj_event *ev),
                       void *ctx)
{
	struct timespec rt, mt;
	struct vjbpf_stats st;
	__u64 key = ev->cgid;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	ev->mono_to_real =
	    ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 + ((int64_t)rt.tv_nsec - mt.tv_nsec);
	ev->cb = cb;
	ev->ctx = ctx;
	ev->delivered = 0;

	int rc = ring_buffer__consume(ev->rb);
	if (rc < 0)
		return rc;
	/* Losses after the records: a drain reports what it could not deliver. */
	if (bpf_map_lookup_elem(ev->stats_fd, &key, &st) == 0) {
		if (st.suppressed > ev->seen_suppressed) {
			rc = emit_loss(ev, "rate-limit", st.suppressed - ev->seen_suppressed);
			if (rc < 0)
				return rc;
			ev->seen_suppressed = st.suppressed;
		}
		if (st.reserve_failed > ev->seen_reserve_failed) {
			rc = emit_loss(ev, "ringbuf-reserve",
			               st.reserve_failed - ev->seen_reserve_failed);
			if (rc < 0)
				return rc;
			ev->seen_reserve_failed = st.reserve_failed;
		}
	}
	return ev->delivered;
}

void vjbpf_events_close(struct vjbpf_events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	if (ev->ring_fd >= 0)
		close(ev->ring_fd);
	if (ev->stats_fd >= 0)
		close(ev->stats_fd);
	free(ev->tenant);
	free(ev->vmm);
	free(ev->policy);
	free(ev->policy_hash);
	free(ev);
}
