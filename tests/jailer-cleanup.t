#!/bin/bash
# Nothing is left behind: after a normal exit, after SIGKILL of the VMM, and
# after SIGKILL of the supervisor followed by --cleanup (idempotent).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

before=$(snapshot)
# mounts on the paths vmjail works in (other jails on the host may mount
# elsewhere meanwhile: only these are this test's to judge)
our_mounts() {
	awk -v a="$VJ_TEST_BASE" -v b="$VMJAIL_RUN_DIR" -v c="$VMJAIL_BPF_PIN_DIR" -v d=/sys/fs/cgroup \
		'index($5, a) == 1 || index($5, b) == 1 || index($5, c) == 1 || index($5, d) == 1 { print $5 }' \
		/proc/self/mountinfo | sort
}
mounts_before=$(our_mounts)

# leftover ID: files, cgroups or BPF tenant entries of jail ID
leftover() {
	find "$VJ_TEST_BASE" -mindepth 1 2>/dev/null
	find /sys/fs/cgroup -maxdepth 3 -name "$1" 2>/dev/null
}

id=$(new_id)
jail "$id" -- facts >/dev/null 2>&1
is "$?" 0 "normal exit: the VMM exited 0"
is "$(leftover "$id")" "" "normal exit: no jail dir, no cgroup left"

id=$(new_id)
jail_bg "$id" -- sleep 30 >/dev/null 2>"$VJ_TEST_TMP/err" 
sup=$!
ok "running" wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state"
pid=$(sed -n 's/^vmm_pid=//p' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state")
kill -KILL "$pid"
wait "$sup"
is "$?" 137 "SIGKILL of the VMM: vmjail exits 128+9"
like "$(cat "$VJ_TEST_TMP/err")" "VMM killed by SIGKILL" "SIGKILL of the VMM: reported"
is "$(leftover "$id")" "" "SIGKILL of the VMM: no jail dir, no cgroup left"

id=$(new_id)
jail_bg "$id" -- sleep 30 >/dev/null 2>&1 
sup=$!
ok "running" wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state"
pid=$(sed -n 's/^vmm_pid=//p' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state")
kill -KILL "$sup"
wait "$sup" 2>/dev/null
ok "SIGKILL of the supervisor: the VMM dies with it" wait_for gone "$pid"
ok "SIGKILL of the supervisor: the jail dir is left for --cleanup" test -d "$VJ_TEST_BASE/jailprobe/$id"
"$VMJAIL" --list --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/list"
like "$(cat "$VJ_TEST_TMP/list")" "$id +orphaned" "--list shows the jail as orphaned"
"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--cleanup succeeds"
is "$(leftover "$id")" "" "--cleanup: no jail dir, no cgroup left"
"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/out" 2>&1
is "$?" 0 "--cleanup again succeeds (idempotent)"
like "$(cat "$VJ_TEST_TMP/out")" "nothing to clean up" "--cleanup again: says there was nothing"

# --cleanup refuses a running jail
id=$(new_id)
jail_bg "$id" -- sleep 30 >/dev/null 2>&1 
sup=$!
ok "running" wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state"
"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>"$VJ_TEST_TMP/err"
is "$?" 1 "--cleanup of a running jail is refused"
like "$(cat "$VJ_TEST_TMP/err")" "is running" "and says so"
ok "the jail still runs" kill -0 "$sup"
kill -TERM "$sup"
wait "$sup"
is "$?" 143 "SIGTERM to vmjail is forwarded: the VMM dies of SIGTERM (128+15)"
is "$(leftover "$id")" "" "after SIGTERM: nothing left"

is "$(snapshot)" "$before" "the base dir and cgroups are as before the test"
is "$(our_mounts)" "$mounts_before" "no mount was added to the host (base, run, pin and cgroup dirs)"
done_testing
