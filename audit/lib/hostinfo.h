/* SPDX-License-Identifier: Apache-2.0 */
/* The envelope's host fields, read once per process. */
#ifndef VMJAIL_AUDIT_HOSTINFO_H
#define VMJAIL_AUDIT_HOSTINFO_H

struct vj_hostinfo {
	char host[256];
	char boot_id[40];
};

/* Never fails: unknown values read as "" (the encoder then omits nothing). */
void vj_hostinfo_load(struct vj_hostinfo *h);

#endif
