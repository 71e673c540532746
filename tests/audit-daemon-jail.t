#!/bin/bash
# vmjaild and real jails: the host stream carries every lifecycle record of a
# jail, also of one that lived while the daemon was killed (spooled, ingested
# on restart); `follow --tenant` shows one tenant; after a clean stop nothing
# is spooled any more.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

D="$VJ_BUILD/vmjaild"
HOST="$VJ_TEST_TMP/host.log"
# The test's own run dir (jail.sh exports it; the jails use it too): a
# production vmjaild on /run/vmjail may run beside this one.
RUN=$VMJAIL_RUN_DIR
start_daemon() {
	"$D" --run-dir "$RUN" --log "$HOST" --kernel tenants >>"$VJ_TEST_TMP/daemon.err" 2>&1 &
	DPID=$!
	wait_for test -S "$RUN/vmjaild.sock"
}
stop_daemon() { kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null; }
trap 'kill -KILL "$DPID" 2>/dev/null; _vj_cleanup' EXIT
host_count() { jq -c --arg id "$1" "select(.tenant.id == \$id) | select($2)" "$HOST" 2>/dev/null | grep -c .; }

ok "vmjaild starts" start_daemon
id=$(new_id)
jail "$id" -- facts >/dev/null 2>&1
ok "a jail's records reach the host stream" wait_for test "$(host_count "$id" '.type=="cleaned"')" = 1
for t in created exec exited cleaned; do
	is "$(host_count "$id" ".type==\"$t\"")" 1 "  $t: exactly once"
done

# follow --tenant
other=$(new_id)
"$D" follow --run-dir "$RUN" --tenant "$other" >"$VJ_TEST_TMP/follow" 2>&1 &
FPID=$!
sleep 0.5
jail "$(new_id)" -- facts >/dev/null 2>&1
jail "$other" -- facts >/dev/null 2>&1
sleep 1
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
is "$(jq -r .tenant.id "$VJ_TEST_TMP/follow" | sort -u)" "$other" "follow --tenant shows that tenant only"
ok "  its records" test "$(grep -c . "$VJ_TEST_TMP/follow")" -ge 4

# the daemon killed while a jail runs and ends
id=$(new_id)
jail_bg "$id" -- sleep 3 >/dev/null 2>&1
sup=$!
ok "jail running" running "$id"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
wait "$sup"
ok "  it ended while vmjaild was dead" test ! -e "$VJ_TEST_BASE/jailprobe/$id"
ok "vmjaild restarts" start_daemon
ok "  the jail's records arrive after the restart" wait_for test "$(host_count "$id" '.type=="cleaned"')" -ge 1
for t in created exec exited cleaned; do
	ok "  $t is there" test "$(host_count "$id" ".type==\"$t\"")" -ge 1
done
ok "  the spool is drained" wait_for test -z "$(ls -A "$RUN/spool")"

# a clean stop: no daemon expected any more, nothing spooled
stop_daemon
ok "after a clean stop the ingest socket is gone" test ! -e "$RUN/vmjaild.sock"
id=$(new_id)
jail "$id" -- facts >/dev/null 2>&1
is "$(grep -rlF "$id" "$RUN/spool" 2>/dev/null | wc -l)" 0 "jails without a daemon spool nothing"
done_testing
