#!/bin/bash
# `make run`: one jailed microVM on vmjail's built-in default policy, its serial
# console and its audit stream side by side, a pause and a resume on the way,
# then a check that nothing is left behind.
#
# The console is QEMU's serial port (stdout); audit records are prefixed
# "audit |" (stderr), one JSON object each (envelope fields left out for
# reading; the full records are in build/run/audit.log).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
: "${VJ_BUILD:=$src/build}"
export VJ_BUILD
VMJAIL=$VJ_BUILD/vmjail
run=$VJ_BUILD/run
base=$run/jails
log=$run/audit.log
id=demo-$$
ticks=${VJ_DEMO_TICKS:-8}

mkdir -p "$base"
chmod 0755 "$run" "$base"
: >"$log"

say() { printf '\n==> %s\n' "$*" >&2; }

# the stream, live
tail -F -n +1 "$log" 2>/dev/null |
	jq --unbuffered -c 'del(.schema, .host, .boot_id, .time, .tenant.policy_hash)' 2>/dev/null |
	sed -u 's/^/audit | /' >&2 &
tailer=$!
cleanup() {
	kill "$tailer" 2>/dev/null || true
	"$VMJAIL" --kill --id "$id" --chroot-base-dir "$base" >/dev/null 2>&1 || true
	"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$base" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "vmjail --probe: what this kernel enforces"
"$VMJAIL" --probe >&2

say "launching jail $id: QEMU microVM, built-in default policy, $ticks counter ticks"
"$here/run-jailed.sh" --id "$id" --policy default --accel auto --ticks "$ticks" \
	--base "$base" --audit-log "$log" -- --new-pid-ns --ttl 2m &
vm=$!

for _ in $(seq 1 600); do
	grep -qs 'status=running' "$base/qemu-system-x86_64/$id/vmjail.state" && break
	kill -0 "$vm" 2>/dev/null || break
	sleep 0.1
done
sleep 6
if kill -0 "$vm" 2>/dev/null; then
	say "vmjail --pause (cgroup freezer + QMP stop): the counter stops"
	"$VMJAIL" --pause --id "$id" --chroot-base-dir "$base" || true
	sleep 3
	say "vmjail --resume: it goes on"
	"$VMJAIL" --resume --id "$id" --chroot-base-dir "$base" || true
fi
rc=0
wait "$vm" || rc=$?
sleep 0.3 # the last records

say "what is left behind"
left=$(
	find "$base" -mindepth 1 2>/dev/null
	find /sys/fs/cgroup -maxdepth 3 -name "$id" 2>/dev/null
	grep -F "$base" /proc/self/mountinfo
	pgrep -f "qemu-system-x86_64.*$id" || true
)
if [ -n "$left" ]; then
	echo "$left" >&2
	say "FAILED: something was left behind"
	exit 1
fi
echo "nothing: no jail dir, no cgroup, no mount, no process" >&2
say "the VMM exited with status $rc; $(grep -c . "$log") audit records in $log"
exit "$rc"
