/* SPDX-License-Identifier: Apache-2.0 */
/* lsm-guest-test: shared between its files (bpf/tool/lsm_guest*.c). */
#ifndef VMJAIL_LSM_GUEST_H
#define VMJAIL_LSM_GUEST_H

/* One TAP line. */
__attribute__((format(printf, 2, 3))) void ok(int cond, const char *fmt, ...);

/* The file cap (lsm_guest_files.c): the attacker, and the TAP lines. */
int files_attack(void);
void files_cap(void);

#endif
