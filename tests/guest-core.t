#!/bin/bash
# The jailer's core tests on a second kernel and the other cgroup layout: the
# files of tests/guest/core.list (identity, layout, bad input, cleanup,
# layers, audit) run inside the test guest, Debian's 6.1 kernel booted
# cgroup2-only (cgroup_no_v1=all) with Landlock ABI 2, the same files the
# host runs on its own kernel.  run-guest.sh --suite merges the guest's TAP
# into this one stream as the guest prints it, each test named after its
# file; a guest that does not boot, crashes, times out or reports nothing
# fails here.  The first lines say which kernel and cgroup layout each part
# ran on.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/features.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
[ -x "$VMJAIL" ] || bail "$VMJAIL not built (make all)"
[ -x "$HELPERS/jailprobe" ] || bail "$HELPERS/jailprobe not built (make check-quick deps)"

diag "host part (the other tests): $(vj_kernel_facts)"
rc=0
"$RUN_GUEST" --suite-list "$VJ_SRC/tests/guest/core.list" --timeout "${VJ_GUEST_TIMEOUT:-1800}" \
	--workdir "$GUEST_TMP/work" || rc=$?
exit "$rc"
