#!/bin/bash
# The KVM path: QEMU starts the guest with -accel kvm (and the CPU model that
# works here: -cpu host aborts on MSR 0x10a), and QMP says KVM is enabled and
# the VM running.  Whether the guest gets far is not asserted: on a host
# with nested, software-MMU KVM it does not.  --accel auto must pick what
# kvm-speed's measurement says.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
if why=$(kvm_missing); then
	echo "1..0 # SKIP $why"
	exit 0
fi
plan 8

speed_rc=0
speed=$("$GUEST_DIR/kvm-speed") || speed_rc=$?
like "$speed" '^([0-9]+\.[0-9]|inf) [0-9]+ [0-9.]+$' "kvm-speed measures a guest loop"
diag "kvm-speed: ${speed%% *} ns per guest instruction (exit $speed_rc)"

argv=$("$RUN_GUEST" --accel auto --workdir "$GUEST_TMP/auto" --print-argv 2>"$GUEST_TMP/auto.err")
if [ "$speed_rc" = 0 ] && awk -v ns="${speed%% *}" 'BEGIN { exit !(ns <= 50) }'; then
	want=kvm
else
	want=tcg
fi
like "$argv" $'\n-accel\n'"$want"$'\n' "--accel auto picks $want, as the measurement says"
diag "$(cat "$GUEST_TMP/auto.err")"

guest_start kvm --accel kvm --mode demo --timeout 60
like "$(guest_qmp kvm query-kvm)" '"enabled": true' "query-kvm: enabled"
like "$(guest_qmp kvm query-kvm)" '"present": true' "query-kvm: present"
is "$(guest_qmp kvm query-status | jq -r .return.status)" running "query-status: running"
sleep 2
is "$(guest_qmp kvm query-status | jq -r .return.status)" running "still running 2 s later (no CPU model abort)"
guest_qmp kvm quit >/dev/null || true
ok "QEMU exits on quit" guest_wait_exit kvm 20
like "$("$RUN_GUEST" --accel kvm --workdir "$GUEST_TMP/argv" --print-argv 2>/dev/null)" \
	$'\n-accel\nkvm\n-cpu\nhost,-arch-capabilities\n' "with KVM the CPU is host,-arch-capabilities"

done_testing
