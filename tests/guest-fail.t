#!/bin/bash
# Failures end the VM instead of hanging it: a bad vj.mode makes /init say
# so and power off; a kernel panic (here: no /init to run, no root) reboots
# at once (panic=-1), which ends QEMU (-no-reboot).  With --tap, a guest that
# never finishes its program is a "Bail out!", not a pass.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
plan 7

guest_start badmode --mode demo --append "vj.mode=nonsense" --timeout 90
ok "a bad vj.mode ends the VM" guest_wait_exit badmode 85
is "$GUEST_RC" 0 "QEMU exit status 0 (powered off)"
like "$(guest_log badmode)" 'VMJAIL-GUEST-FAIL unknown vj.mode=nonsense' "/init says why"

rc=0
out=$("$RUN_GUEST" --tap "$GUEST_DIR/selftest" --append "rdinit=/nonexistent" --timeout 90 \
	--workdir "$GUEST_TMP/panic" 2>"$GUEST_TMP/panic.err") || rc=$?
log=$(tr -d '\r' <"$GUEST_TMP/panic/console.log")
like "$log" 'Kernel panic - not syncing' "the guest kernel panics without an init"
unlike "$(cat "$GUEST_TMP/panic.err")" 'timeout after' "QEMU ended by itself, before the timeout"
like "$out" '^Bail out! the guest did not finish the test program' "--tap reports a Bail out!"
is "$rc" 1 "--tap exits 1 when the guest never finished"

done_testing
