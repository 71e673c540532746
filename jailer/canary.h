/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canaries: a layer is "available" only when a forked child, under that
 * layer, was refused what the layer must refuse.  The child does the work
 * and exits 0 for "refused as expected"; anything else is a failed canary.
 */
#ifndef VMJAIL_CANARY_H
#define VMJAIL_CANARY_H

#include <sys/types.h>

/* Wait for a canary child: 0 if it exited 0, -EPERM otherwise, -errno. */
int vj_canary_wait(pid_t pid);

/* Fork, run fn(arg) in the child (its return value is the exit status), wait. */
int vj_canary_run(int (*fn)(void *arg), void *arg);

#endif
