// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel audit records -> the host stream.  The decoder (audit/lib/kaudit*)
 * hands out events without a tenant; here they get one (attrib.c), the
 * tenant's context from its supervisor, a host seq, and go out.
 */
#include "audit/vmjaild/vmjaild.h"

#include <string.h>
#include <sys/epoll.h>

static void set_tenant(struct vj_event *ev, const struct vjd_tenant *t)
{
	ev->tenant = t->id;
	ev->vmm = t->vmm[0] ? t->vmm : NULL;
	ev->policy = t->policy[0] ? t->policy : NULL;
	ev->policy_hash = t->policy_hash[0] ? t->policy_hash : NULL;
	ev->cgroup_id = t->cgroup_id;
}

/*
 * Our socket overflowed: the records it lost may have been any tenant's.
 * One record with no tenant (the host's), and one per tenant we know (alive
 * or in its grace period, when its late records still come), so that each
 * tenant's part of the stream, and a `follow --tenant` of it, says so.
 */
static void socket_loss(struct vjd *d, struct vj_event *ev)
{
	struct vj_event copy = *ev;
	vjd_out_event(d, ev);
	for (size_t i = 0; i < d->ntenants; i++) {
		struct vj_event te = copy;
		set_tenant(&te, &d->tenants[i]);
		vjd_out_event(d, &te);
	}
}

static void on_event(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	struct vjd *d = ctx;
	if (ev->kind == VJ_EV_LOSS) {
		socket_loss(d, ev);
		return;
	}
	const char *how = NULL;
	const struct vjd_tenant *t = vjd_attrib_kernel(d, at, &how);
	if (!t && d->o.kernel == VJD_KERNEL_TENANTS) {
		d->st.kernel_dropped++;
		return;
	}
	if (t) {
		set_tenant(ev, t);
		ev->attribution = how;
	}
	d->st.kernel_events++;
	vjd_out_event(d, ev);
}

/*
 * The kernel drops records before any reader sees them (backlog full, rate
 * limit) and only counts them (AUDIT_GET lost).  Every supervisor reports
 * that growth to its tenant's stream, and its records reach ours with the
 * tenant's id; this reading is vmjaild's own, with no tenant: the records
 * it writes unattributed (or would have attributed to a tenant it did not
 * know yet) may be among the lost.  So the host stream says a loss once per
 * tenant that ran, and once for itself.
 */
void vjd_kernel_lost(struct vjd *d)
{
	struct vj_err e = {0};
	uint32_t delta;
	if (!d->ka || vj_klost_read(&d->klost, &delta, &e) < 0 || !delta)
		return;
	struct vj_event ev;
	vj_klost_event(&ev, delta);
	vjd_out_event(d, &ev);
}

int vjd_kernel_open(struct vjd *d, struct vj_err *e)
{
	/* The baseline before the socket: a loss in between is reported
	 * (it may have been of records we would have read), never missed. */
	uint32_t baseline;
	struct vj_err scratch = {0};
	(void)vj_klost_read(&d->klost, &baseline, &scratch);
	int rc = vj_kaudit_open(&d->ka, on_event, d, e);
	if (rc < 0)
		return rc;
	return vjd_epoll_add(d, vj_kaudit_fd(d->ka), EPOLLIN, TAG_KAUDIT, NULL) < 0
	           ? vj_failx(e, errno, "epoll")
	           : 0;
}

void vjd_kernel_drain(struct vjd *d)
{
	if (!d->ka)
		return;
	int rc = vj_kaudit_drain(d->ka);
	if (rc < 0)
		vjd_log("kernel audit socket: %s", strerror(-rc));
}

void vjd_kernel_close(struct vjd *d)
{
	vj_kaudit_close(d->ka);
	d->ka = NULL;
}
