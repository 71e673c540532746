/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where this vmjail instance keeps host-wide state: the run dir (probe
 * cache, audit spool and counters, the BPF lock) and the BPF pin dir.  A
 * second instance beside production (a test suite, a staging fleet) uses
 * its own pair, given by --run-dir/--bpf-pin-dir or, for every invocation
 * of a session at once, by VMJAIL_RUN_DIR/VMJAIL_BPF_PIN_DIR.
 *
 * Kernel audit's on/off switch stays coordinated in the default run dir
 * whatever the instance: it is one switch per host, and two instances that
 * counted their users apart would turn it off under each other.
 */
#ifndef VMJAIL_HOSTDIRS_H
#define VMJAIL_HOSTDIRS_H

#include "jailer/cli.h"

/* Call once, before the environment is cleared: flags win over the
 * environment, which wins over the defaults.  Returns 0 or -errno (a bad
 * environment value is refused like a bad flag). */
int vj_hostdirs_init(const struct vj_cli *cli, struct vj_err *e);

const char *vj_run_dir(void);     /* default /run/vmjail */
const char *vj_bpf_pin_dir(void); /* default /sys/fs/bpf/vmjail */

#endif
