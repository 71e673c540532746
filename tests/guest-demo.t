#!/bin/bash
# The demo guest boots to its marker, counts once per second on the serial
# console, and powers off cleanly on a console line "poweroff" or after
# vj.ticks=N ticks.  Prints the boot-to-marker time.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
plan 11

t0=$(now_ms)
guest_start demo --mode demo --timeout 90
if guest_wait demo '^VMJAIL-GUEST-READY$' 60; then
	t1=$(now_ms)
	_tap_result 0 "boot reaches VMJAIL-GUEST-READY"
	diag "boot to marker: $((t1 - t0)) ms ($(sed -n 's/^run-guest: \(accel=.*\)/\1/p' "$GUEST_TMP/demo.err"))"
else
	_tap_result 1 "boot reaches VMJAIL-GUEST-READY"
	diag "$(guest_log demo | tail -n 20)" "$(guest_err demo)"
fi
like "$(guest_err demo)" 'run-guest: accel=(kvm|tcg) ' "run-guest says which accelerator it used"
ok "counter reaches 3" guest_wait demo '^VMJAIL-COUNTER 3$' 30
ok "counter lines are 0, 1, 2, ... with no gap" counters_contiguous 0 < <(guest_counters demo)
guest_send demo poweroff
ok "a console line 'poweroff' is answered" guest_wait demo '^VMJAIL-GUEST-POWEROFF$' 20
ok "QEMU exits after the guest powered off" guest_wait_exit demo 20
is "$GUEST_RC" 0 "QEMU exit status 0"

# vj.ticks=2: two counter lines, then the guest ends itself.
guest_start ticks --mode demo --ticks 2 --timeout 90
ok "vj.ticks=2 guest ends by itself" guest_wait_exit ticks 60
is "$GUEST_RC" 0 "QEMU exit status 0 after vj.ticks"
is "$(guest_counters ticks | tr '\n' ' ')" "0 1 " "exactly counters 0 and 1"
ok "the guest says it stopped after 2 ticks" guest_wait ticks '^VMJAIL-GUEST-DONE ticks=2$' 1

done_testing
