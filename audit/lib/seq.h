/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-wide counters shared by every vmjail process and vmjaild: one page in
 * run_dir/seq, mapped MAP_SHARED and updated with atomic adds.
 */
#ifndef VMJAIL_AUDIT_SEQ_H
#define VMJAIL_AUDIT_SEQ_H

#include <stdint.h>

#include "jailer/err.h"

struct vj_host_shm {
	uint64_t seq;         /* last sequence number handed out */
	uint64_t spool_files; /* lifecycle records waiting in run_dir/spool */
	uint64_t reserved[6];
};

struct vj_seq {
	struct vj_host_shm *shm;
};

int vj_seq_open(int rundirfd, struct vj_seq *s, struct vj_err *e);
/* Next host sequence number: unique per boot, starts at 1, never repeats. */
uint64_t vj_seq_next(struct vj_seq *s);
void vj_seq_close(struct vj_seq *s);

#endif
