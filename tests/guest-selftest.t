#!/bin/bash
# The guest's test-runner mode end to end: the static selftest runs in the
# guest (booted with lsm=...,apparmor,bpf), run-guest.sh --tap cuts its TAP
# out of the serial console, and this file hands it to prove unchanged.
# The guest's three checks are the plan: running in the test guest, bpf and
# apparmor active LSMs, bpf(2) works.  This is the seam that the BPF LSM and
# AppArmor tests use.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require

rc=0
"$RUN_GUEST" --tap "$GUEST_DIR/selftest" --timeout 120 --workdir "$GUEST_TMP/work" \
	2>"$GUEST_TMP/err" || rc=$?
diag "$(cat "$GUEST_TMP/err")"
exit "$rc"
