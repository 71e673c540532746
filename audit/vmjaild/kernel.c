// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel audit records -> the host stream.  The decoder (audit/lib/kaudit*)
 * hands out events without a tenant; here they get one (attrib.c), the
 * tenant's context from its supervisor, a host seq, and go out.
 */
#include "audit/vmjaild/vmjaild.h"

#include <string.h>
#include <sys/epoll.h>

static void on_event(void *ctx, struct vj_event *ev, const struct vj_kaudit_attr *at)
{
	struct vjd *d = ctx;
	const char *how = NULL;
	const struct vjd_tenant *t = vjd_attrib_kernel(d, at, &how);
	if (!t && d->o.kernel == VJD_KERNEL_TENANTS && ev->kind != VJ_EV_LOSS) {
		d->st.kernel_dropped++;
		return;
	}
	if (t) {
		ev->tenant = t->id;
		ev->vmm = t->vmm[0] ? t->vmm : NULL;
		ev->policy = t->policy[0] ? t->policy : NULL;
		ev->policy_hash = t->policy_hash[0] ? t->policy_hash : NULL;
		ev->cgroup_id = t->cgroup_id;
		ev->attribution = how;
	}
	d->st.kernel_events++;
	vjd_out_event(d, ev);
}

int vjd_kernel_open(struct vjd *d, struct vj_err *e)
{
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
