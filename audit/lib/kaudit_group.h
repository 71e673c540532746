/* SPDX-License-Identifier: Apache-2.0 */
/* One kernel audit event: the records that share an audit(...:serial) id. */
#ifndef VMJAIL_AUDIT_KAUDIT_GROUP_H
#define VMJAIL_AUDIT_KAUDIT_GROUP_H

#include <stdint.h>

#include "audit/kaudit.h"

/* Landlock logs one ACCESS record per blocked object; a rename has two. */
#define KA_GROUP_RECS 12

struct ka_rec {
	int type;
	char *body; /* the fields, copied (malloc) */
	size_t len;
};

struct ka_group {
	uint64_t serial, sec;
	unsigned msec;
	int n;
	bool ended;  /* EOE seen */
	bool wanted; /* holds a record type vmjail decodes */
	struct ka_rec rec[KA_GROUP_RECS];
};

/*
 * Turn one group into events for cb.  Returns how many were dispatched;
 * *malformed counts records that were refused, *lost the denials among them
 * (and all of the group's when there is no memory to decode it).
 */
int ka_dispatch(const struct ka_group *g, vj_kaudit_cb cb, void *ctx, uint64_t *malformed,
                uint64_t *lost);

/* Record types the decoder turns into events (the rest only give context). */
bool ka_type_wanted(int type);
/* Types worth keeping in a group at all. */
bool ka_type_kept(int type);

#endif
