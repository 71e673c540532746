#!/bin/bash
# QMP on the demo guest: stop freezes it (the console counter stops
# advancing), cont resumes it; migrating to a state file through getfd
# (SCM_RIGHTS) and restoring it in a new QEMU with -incoming defer +
# migrate-incoming continues the same guest: the counter lines of the old
# and new console together are one unbroken sequence, with no second boot.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
plan 21

status() { guest_qmp "$1" query-status | jq -r '.return.status'; }
last_counter() { guest_counters "$1" | tail -n 1; }

guest_start src --mode demo --timeout 120
ok "demo guest counts" guest_wait src '^VMJAIL-COUNTER 1$' 90
is "$(status src)" running "query-status: running"
rc=0
r=$(guest_qmp src no-such-command) || rc=$?
like "$r" '^\{"error": \{"class": "CommandNotFound"' "an unknown command: QEMU's error is printed"
is "$rc" 1 "... and qmp-client exits 1"

# Pause: no counter line for 3 s, then cont brings them back.
guest_qmp src stop >/dev/null
is "$(status src)" paused "after stop, query-status: paused"
n_stop=$(guest_counters src | wc -l)
sleep 3
is "$(guest_counters src | wc -l)" "$n_stop" "no counter line while stopped for 3 s"
guest_qmp src cont >/dev/null
is "$(status src)" running "after cont, query-status: running"
ok "the counter advances again after cont" guest_wait src "^VMJAIL-COUNTER $(($(last_counter src) + 2))\$" 30
ok "counters are contiguous across the pause" counters_contiguous 0 < <(guest_counters src)

# Suspend to a file: stop, migrate to an fd passed with getfd, wait for it.
state=$GUEST_TMP/state.bin
guest_qmp src stop >/dev/null
r=$(guest_qmp src --fd=3 '{"execute":"getfd","arguments":{"fdname":"state"}}' \
	'{"execute":"migrate","arguments":{"uri":"fd:state"}}' 3>"$state")
is "$r" '{"return": {}}
{"return": {}}' "getfd with SCM_RIGHTS and migrate fd:state are accepted"
mstatus=
for _ in $(seq 1 300); do
	mstatus=$(guest_qmp src query-migrate | jq -r '.return.status')
	case $mstatus in completed | failed | cancelled) break ;; esac
	sleep 0.1
done
is "$mstatus" completed "migration to the state file completed"
size=$(stat -c %s "$state")
ok "the state file holds the guest ($size bytes)" test "$size" -gt $((1024 * 1024))
is "$(status src)" postmigrate "the source is in postmigrate"
last=$(last_counter src)
guest_qmp src quit >/dev/null || true
ok "the source QEMU exits on quit" guest_wait_exit src 20

# Restore into a new QEMU: same argv plus -incoming defer, then the state
# comes in through an fd as well.
guest_start dst --mode demo --timeout 120 --incoming defer
is "$(status dst)" inmigrate "the new QEMU waits for the incoming state"
r=$(guest_qmp dst --fd=3 '{"execute":"getfd","arguments":{"fdname":"state"}}' \
	'{"execute":"migrate-incoming","arguments":{"uri":"fd:state"}}' 3<"$state")
is "$r" '{"return": {}}
{"return": {}}' "getfd and migrate-incoming fd:state are accepted"
st=inmigrate
for _ in $(seq 1 300); do
	st=$(status dst)
	[ "$st" = inmigrate ] || break
	sleep 0.1
done
# The run state travels with the migration: stopped before, paused after.
is "$st" paused "after the incoming migration the guest is paused, as it was saved"
guest_qmp dst cont >/dev/null
is "$(status dst)" running "after cont the restored guest is running"
ok "the restored guest counts on" guest_wait dst "^VMJAIL-COUNTER $((last + 2))\$" 60
unlike "$(guest_log dst)" 'VMJAIL-GUEST-READY' "the restored guest did not boot again"
# The two consoles are one byte stream: a line cut by the stop continues.
ok "counters of old and new console together: 0 .. $(last_counter dst) without a gap" \
	counters_contiguous 0 < <(cat "$GUEST_TMP/src.log" "$GUEST_TMP/dst.log" | tr -d '\r' |
		sed -n 's/^VMJAIL-COUNTER \([0-9][0-9]*\)$/\1/p')
diag "last counter before suspend $last, first after restore $(guest_counters dst | head -n 1)"
guest_send dst poweroff
guest_wait_exit dst 20 || true

done_testing
