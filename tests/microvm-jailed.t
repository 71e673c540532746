#!/bin/bash
# A real microVM in a real jail: QEMU boots the test guest under vmjail and
# qemu-tcg.policy; the VMM runs as the tenant with no capabilities and
# Seccomp 2; QMP answers from inside the jail; pause/resume stops and restarts
# the guest; suspend to disk and restore continue the guest's counter; the
# time-to-live reclaims a running and a suspended jail; a KVM QEMU passes
# the policy's KVM ioctls.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

[ -r "$VJ_BUILD/guest/vmlinux" ] || bail "the test guest is not built (make guest)"
RUN="$VJ_SRC/tests/guest/run-jailed.sh"
QMP="$VJ_BUILD/guest/qmp-client"
VMM=qemu-system-x86_64
LOG="$VJ_TEST_TMP/audit.log"
UIDT=$VJ_TEST_UID

# boot ID CONSOLE [run-jailed flags...] -- [vmjail flags]: start a jailed guest
# (the test's own parent cgroup goes last, after the caller's vmjail flags)
boot() {
	local id=$1 out=$2 a
	shift 2
	for a; do [ "$a" = -- ] && break; done
	[ "$a" = -- ] || set -- "$@" --
	(exec "$RUN" --id "$id" --uid "$UIDT" --base "$VJ_TEST_BASE" --audit-log "$LOG" "$@" \
		--parent-cgroup "$VJ_TEST_CG" >"$out" 2>>"$VJ_TEST_TMP/err") &
}
jdir() { echo "$VJ_TEST_BASE/$VMM/$1"; }
qmp() { "$QMP" -t 20 "$(jdir "$1")/root/run/qmp.sock" "${@:2}"; }
state_of() { sed -n 's/^status=//p' "$(jdir "$1")/vmjail.state" 2>/dev/null; }
pid_of() { sed -n 's/^vmm_pid=//p' "$(jdir "$1")/vmjail.state" 2>/dev/null; }
last_count() { sed -n 's/^VMJAIL-COUNTER \([0-9]*\).*/\1/p' "$1" | tail -n1; }
# counter_above FILE N: the console's last counter is above N (for wait_for)
counter_above() { local c; c=$(last_count "$1"); [ -n "$c" ] && [ "$c" -gt "$2" ]; }
rec() { jq -c --arg id "$1" "select(.tenant.id == \$id) | select($2)" "$LOG" 2>/dev/null; }

# --- boot, identity, QMP ----------------------------------------------------
id=$(new_id)
con="$VJ_TEST_TMP/$id.console"
boot "$id" "$con" --accel tcg --ticks 1000
sup=$!
ok "the jailed guest prints its marker" wait_for grep -q VMJAIL-GUEST-READY "$con"
ok "  and counts" wait_for grep -q "VMJAIL-COUNTER 1" "$con"
pid=$(pid_of "$id")
st=$(cat "/proc/$pid/status")
like "$st" "Uid:	$UIDT	$UIDT	$UIDT" "QEMU runs as the tenant uid"
like "$st" "CapEff:	0000000000000000" "QEMU has no effective capabilities"
like "$st" "CapPrm:	0000000000000000" "  and none permitted"
like "$st" "Seccomp:	2" "QEMU is under a seccomp filter (Seccomp: 2)"
like "$(grep Seccomp_filters <<<"$st")" "Seccomp_filters:	[3-9]" \
	"  and QEMU's own -sandbox filter stacks on vmjail's (>= 3 filters)"
like "$(qmp "$id" query-status)" '"status": "running"' "QMP in the jail: query-status running"
is "$(stat -c '%F %u' "$(jdir "$id")/root/run/qmp.sock")" "socket $UIDT" "the QMP socket is in the tenant's /run, the tenant's"

# --- pause / resume ---------------------------------------------------------
t0=$(date +%s%N)
"$VMJAIL" --pause --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--pause"
n1=$(last_count "$con")
sleep 3
n2=$(last_count "$con")
is "$n2" "$n1" "paused: the counter does not move for 3 s (stays at $n1)"
is "$(state_of "$id")" paused "  the state says paused"
t1=$(date +%s%N)
"$VMJAIL" --resume --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 0 "--resume"
t2=$(date +%s%N)
ok "resumed: the counter moves on" wait_for counter_above "$con" "$n2"
diag "resume latency: $(((t2 - t1) / 1000000)) ms (--resume command); pause: $(((t1 - t0) / 1000000 - 3000)) ms"
is "$(rec "$id" '.type=="paused"' | grep -c .)" 1 "one paused record"
is "$(rec "$id" '.type=="resumed"' | grep -c .)" 1 "one resumed record"
like "$(rec "$id" '.type=="paused"' | jq -r .lifecycle.message)" "QMP stop" "  QEMU was also stopped over QMP"

# --- suspend to disk, restore ---------------------------------------------
ok "count reaches 3" wait_for counter_above "$con" 2
"$VMJAIL" --suspend --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/susp" 2>&1
is "$?" 0 "--suspend"
before=$(last_count "$con")
wait "$sup"
is "$?" 0 "  the supervisor ends when QEMU quits after the migration"
ok "  the old QEMU is gone" gone "$pid"
is "$(state_of "$id")" suspended "  the jail is kept, suspended"
sf="$(jdir "$id")/suspended.vmstate"
is "$(stat -c '%u %a %F' "$sf")" "$UIDT 600 regular file" "  the state file is the tenant's, 0600, in its jail dir"
ok "  and holds the guest (> 1 MiB)" test "$(stat -c %s "$sf")" -gt 1048576
is "$(find / -xdev -name suspended.vmstate -path "*$id*" 2>/dev/null | wc -l)" 1 "  and exists only there"
is "$(cg_dirs "$VJ_TEST_CG/$id")" "" "  no tenant cgroup is left while suspended"
"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
ok "  --cleanup keeps a suspended jail" test -e "$sf"
con2="$VJ_TEST_TMP/$id.console2"
boot "$id" "$con2" --accel tcg --ticks 1000 -- --restore
sup=$!
ok "restored: the counter continues" wait_for counter_above "$con2" "$before"
is "$(grep -c VMJAIL-GUEST-READY "$con2")" 0 "  without a second boot"
is "$(grep -c 'VMJAIL-COUNTER [0-9]' "$con2" | awk '$1>0{print "some"}')" some "  the new console shows the counter"
first=$(sed -n 's/^VMJAIL-COUNTER \([0-9]*\).*/\1/p' "$con2" | head -n1)
ok "  from where it stopped (last $before before, first $first after)" test "$first" -ge "$before" -a "$first" -le "$((before + 2))"
is "$(rec "$id" '.type=="suspended"' | grep -c .)" 1 "one suspended record"
is "$(rec "$id" '.type=="restored"' | grep -c .)" 1 "one restored record"
"$VMJAIL" --kill --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
wait "$sup"
ok "after the restored VM ends, nothing of the jail is left" test ! -e "$(jdir "$id")"

# --- time-to-live ------------------------------------------------------------
id=$(new_id)
boot "$id" "$VJ_TEST_TMP/ttl.console" --accel tcg --ticks 1000 -- --ttl 4s
sup=$!
# on time: measured from the launch the state records (run-jailed.sh's own
# start before vmjail takes a while on a busy machine)
wait_for grep -qs '^ttl_deadline=' "$(jdir "$id")/vmjail.state"
created=$(sed -n 's/^created=//p' "$(jdir "$id")/vmjail.state")
deadline=$(sed -n 's/^ttl_deadline=//p' "$(jdir "$id")/vmjail.state")
wait "$sup"
rc=$?
end=$(date +%s)
is "$rc" 137 "a 4 s TTL kills the VMM (SIGKILL)"
is "$((deadline - created))" 4 "  the state's deadline is 4 s after the launch"
# (whole seconds on both sides, and the supervisor times the TTL on the
# monotonic clock from a moment just before the state's wall-clock stamp)
ok "  killed on time ($((end - deadline)) s after the deadline)" test "$end" -ge "$((deadline - 1))" -a "$end" -le "$((deadline + 10))"
is "$(rec "$id" '.type=="ttl-expired"' | grep -c .)" 1 "  one ttl-expired record"
ok "  and the jail is reclaimed" test ! -e "$(jdir "$id")"

# The TTL leaves a busy machine time to boot the guest (TCG) first; the
# test then waits for the deadline the jail's state records.
id=$(new_id)
con="$VJ_TEST_TMP/ttl2.console"
boot "$id" "$con" --accel tcg --ticks 1000 -- --ttl 40s
sup=$!
ok "a guest with a 40 s TTL counts" wait_for grep -q "VMJAIL-COUNTER 1" "$con"
deadline=$(sed -n 's/^ttl_deadline=//p' "$(jdir "$id")/vmjail.state" 2>/dev/null)
"$VMJAIL" --suspend --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
wait "$sup"
is "$(state_of "$id")" suspended "  suspended"
"$VMJAIL" --reap --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
ok "  --reap keeps it before its TTL" test -e "$(jdir "$id")/suspended.vmstate"
while [ "$(date +%s)" -le "${deadline:-0}" ]; do sleep 1; done
"$VMJAIL" --reap --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/reap" 2>&1
like "$(cat "$VJ_TEST_TMP/reap")" "time-to-live expired, reclaimed" "  --reap after its TTL reclaims it"
ok "  the jail and its state are gone" test ! -e "$(jdir "$id")"
is "$(rec "$id" '.type=="ttl-expired"' | grep -c .)" 1 "  one ttl-expired record"

# --- virtio devices under the QEMU policy ---------------------------------
id=$(new_id)
mkdir -p "$VJ_TEST_TMP/virtio"
"$RUN" --id "$id" --uid "$UIDT" --base "$VJ_TEST_BASE" --audit-log "$LOG" --accel tcg --mode virtio \
	--workdir "$VJ_TEST_TMP/virtio" -- --parent-cgroup "$VJ_TEST_CG" >"$VJ_TEST_TMP/virtio.console" 2>>"$VJ_TEST_TMP/err"
is "$?" 0 "a guest exercising virtio devices under qemu-tcg.policy powers off cleanly"
for dev in rng blk net console; do
	ok "  virtio-$dev works" grep -q "VMJAIL-VIRTIO-OK $dev" "$VJ_TEST_TMP/virtio.console"
done
ok "  every device" grep -q "VMJAIL-VIRTIO-DONE ok=4 fail=0" "$VJ_TEST_TMP/virtio.console"
# qemu-tcg.policy refuses clone3 and io_uring_setup with an errno on purpose
# (no user namespaces by clone3's flags, no io_uring); QEMU and glibc probe
# both and fall back, and since errno refusals are audited (FLAG_LOG) those
# probes are in the stream. Anything else, or any kill, is a policy gap.
denials=$(rec "$id" '.kind=="enforcement" and (.decision.enforcer != "seccomp" or .decision.action != "errno" or (.decision.syscall | IN("clone3", "io_uring_setup") | not))')
is "$(printf '%s' "$denials" | grep -c .)" 0 "  with no seccomp kill and no denial but the policy's deliberate clone3/io_uring_setup refusals"
[ -z "$denials" ] || printf '%s\n' "$denials" | sed 's/^/# /'


# --- KVM: the policy's KVM ioctls ------------------------------------------
# Only where this machine has KVM: without it nothing here could run, and a
# "no seccomp kill" would pass for a QEMU that never started.
if why=$(kvm_missing); then
	skip_n 4 "$why: QEMU with -accel kvm under qemu.policy not run"
else
	id=$(new_id)
	boot "$id" "$VJ_TEST_TMP/kvm.console" --accel kvm --ticks 1000
	sup=$!
	r=$(qmp "$id" query-kvm query-status)
	like "$r" '"enabled": true' "QEMU with -accel kvm under qemu.policy: query-kvm enabled"
	like "$r" '"status": "running"' "  query-status running"
	is "$(rec "$id" '.decision.enforcer=="seccomp"' | grep -c .)" 0 "  no seccomp kill or log"
	"$VMJAIL" --kill --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
	wait "$sup"
	is "$(rec "$id" '.type=="exited"' | jq -r .lifecycle.exit_signal)" 9 "  killed on request"
fi
done_testing
