// SPDX-License-Identifier: Apache-2.0
/* Kernel audit loss, reported per tenant (see kloss.h). */
#include "jailer/kloss.h"

#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "audit/kaudit.h"
#include "jailer/launch.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The baseline is the counter acquire already read when the Landlock layer
 * turned audit on (one netlink round trip fewer per launch); it was read a
 * little earlier, so a loss in between is reported too, never missed. */
void vj_kloss_start(struct vj_launch *l)
{
	struct vj_err e = {0};
	uint32_t baseline;
	if (l->audit_enable)
		vj_klost_start(&l->klost, vj_kaudit_enable_lost(l->audit_enable));
	else
		(void)vj_klost_read(&l->klost, &baseline, &e);
	l->klost_checked_ms = now_ms();
}

void vj_kloss_check(struct vj_launch *l, int force)
{
	int64_t now = now_ms();
	if (!force && now - l->klost_checked_ms < 1000)
		return;
	l->klost_checked_ms = now;
	struct vj_err e = {0};
	uint32_t delta;
	if (vj_klost_read(&l->klost, &delta, &e) < 0 || !delta)
		return;
	struct vj_event ev;
	vj_klost_event(&ev, delta);
	/* no attribution: the callback hands a loss to this tenant's stream */
	vj_supervisor_kaudit_cb(l, &ev, NULL);
}

void vj_kloss_backlog(struct vj_launch *l, uint32_t queued)
{
	struct vj_event ev;
	vj_event_init(&ev, VJ_EV_LOSS, "loss");
	ev.loss_source = "kernel-backlog";
	ev.loss_count = queued ? queued : 1;
	clock_gettime(CLOCK_REALTIME, &ev.time);
	/* no attribution, like kernel-lost: the callback writes it to this
	 * tenant's stream with source kernel-audit, so a vmjaild that reads the
	 * kernel itself (and still gets these records) leaves it out */
	vj_supervisor_kaudit_cb(l, &ev, NULL);
}
