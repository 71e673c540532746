/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel audit loss.  The kernel drops audit records when its backlog is
 * full or a rate limit is hit, and only counts them (AUDIT_GET's lost);
 * our netlink socket never sees an error for those.  One tenant's flood can
 * so cost another tenant its records.  Each supervisor reads the counter
 * when the tenant starts and then about once a second, and writes a loss
 * record (source kernel-lost, count = growth) to its tenant's stream: the
 * kernel does not say whose records went, so every stream that may have
 * lost some says so.
 */
#ifndef VMJAIL_KLOSS_H
#define VMJAIL_KLOSS_H

#include <stdint.h>

struct vj_launch;

/* Read the baseline (before the tenant runs). */
void vj_kloss_start(struct vj_launch *l);
/* Report growth since the last reading (a loss record); cheap to call
 * often, reads the kernel at most once a second unless forced. */
void vj_kloss_check(struct vj_launch *l, int force);
/*
 * The supervisor stopped waiting for the tenant's late records while the
 * kernel still held `queued` records (AUDIT_GET's backlog, host-wide; 0 when
 * it could not be read): some of them may be this tenant's and will never
 * reach its stream.  A loss record (source kernel-backlog, count = queued,
 * or 1 when unknown) says so.
 */
void vj_kloss_backlog(struct vj_launch *l, uint32_t queued);

#endif
