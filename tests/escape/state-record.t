#!/bin/bash
# State records encode every byte (issue 10, finding 12): an exec file whose
# name holds a newline (and a forged key after it), launched with
# --parent-cgroup, used to corrupt vmjail.state so --list, --pause and --kill
# lost the running jail.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"

name=$'vm\nstatus=exited\nvmm_pid=1'
mkdir -p "$VJ_TEST_TMP/x"
exe="$VJ_TEST_TMP/x/$name"
cp "$PROBE" "$exe"
id=$(new_id)
pc="vjesc-$$"
(exec "$VMJAIL" --id "$id" --exec-file "$exe" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
	--chroot-base-dir "$VJ_TEST_BASE" --parent-cgroup "$pc" -- sleep 30 >/dev/null 2>&1) &
sup=$!
state="$VJ_TEST_BASE/$name/$id/vmjail.state"
ok "the jail with a newline in its exec file name runs" wait_for grep -qs '^status=running' "$state"
is "$(grep -c . "$state")" "$(grep -c '^[a-z_.]*=' "$state")" "every line of the state record is one key=value"
is "$(grep -c '^status=' "$state")" 1 "  one status line (the name forged none)"
pid=$(sed -n 's/^vmm_pid=//p' "$state")
ok "  vmm_pid names the running VMM" kill -0 "$pid"
isnt "$pid" 1 "  not the forged vmm_pid=1"
out=$("$VMJAIL" --list --json --chroot-base-dir "$VJ_TEST_BASE" 2>&1)
is "$(jq -r --arg id "$id" '.[]? // . | select(.id? == $id) | .status' <<<"$out" 2>/dev/null | head -n1)" running \
	"--list shows the jail running"
"$VMJAIL" --pause --id "$id" --exec-file "$exe" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--pause finds it"
frozen() { # the VMM's cgroup (v2, unified or the v1 freezer) says frozen
	local cg fz
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	fz=$(sed -n 's/^[0-9]*:freezer://p' "/proc/$pid/cgroup")
	grep -qs '^frozen 1' "/sys/fs/cgroup$cg/cgroup.events" "/sys/fs/cgroup/unified$cg/cgroup.events" ||
		grep -qs FROZEN "/sys/fs/cgroup/freezer$fz/freezer.state"
}
ok "  the VMM's cgroup is frozen" wait_for frozen
"$VMJAIL" --resume --id "$id" --exec-file "$exe" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--resume finds it"
"$VMJAIL" --kill --id "$id" --exec-file "$exe" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--kill finds it"
ok "  the VMM is gone" wait_for gone "$pid"
wait "$sup"
"$VMJAIL" --cleanup --id "$id" --exec-file "$exe" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
rmdir "/sys/fs/cgroup/$pc" 2>/dev/null
done_testing
