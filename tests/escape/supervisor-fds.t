#!/bin/bash
# The supervisor fails closed when its event sources cannot be made (issue 10,
# finding 13): the old code did not check signalfd and timerfd_create, so a
# failed signalfd left SIGTERM blocked for good and a failed timerfd turned
# the time-to-live off, silently.  Each call is made to fail for real
# (tests/helpers/failsys: a seccomp filter on vmjail returning EMFILE).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"

LOG=$VJ_TEST_TMP/audit.log
FAILSYS=$HELPERS/failsys
[ -x "$FAILSYS" ] || bail "$FAILSYS not built"

# signalfd: the operator's SIGTERM must still stop the jail;
# timerfd: the 2 s time-to-live must still end it (no signal sent).
for c in "signalfd 289 none" "timerfd_create 283 2s"; do
	set -- $c
	call=$1 nr=$2 ttl=$3
	id=$(new_id)
	"$FAILSYS" "$nr" 24 "$VMJAIL" --id "$id" --exec-file "$PROBE" --uid "$VJ_TEST_UID" \
		--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" --ttl "$ttl" \
		--audit-log "$LOG" -- sleep 30 >/dev/null 2>"$VJ_TEST_TMP/err" &
	sup=$!
	ok "$call failing: the launch got as far as the VMM" \
		wait_for grep -qs '"type":"exec".*"id":"'"$id"'"\|"id":"'"$id"'".*"type":"exec"' "$LOG"
	[ "$call" = signalfd ] && kill -TERM "$sup" 2>/dev/null
	wait_for gone "$sup"
	ok "  vmjail ended within seconds (the old code ran the tenant unwatched)" gone "$sup"
	kill -KILL "$sup" 2>/dev/null
	wait "$sup" 2>/dev/null
	like "$(cat "$VJ_TEST_TMP/err")" "supervisor cannot watch the tenant \\($call" "  it says why"
	like "$(jq -r --arg id "$id" 'select(.tenant.id == $id and .type == "killed") | .lifecycle.message' "$LOG")" \
		"$call" "  a killed record with the tenant's id names the failed call"
	is "$(find "$VJ_TEST_BASE/jailprobe/$id" -maxdepth 0 2>/dev/null)" "" "  the jail is cleaned up"
done
done_testing
