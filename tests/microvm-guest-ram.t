#!/bin/bash
# --guest-ram: the guest's memory lives in a tenant-owned file of the jail
# dir that QEMU maps shared; --suspend then saves only the device state and
# --restore maps the same memory instead of reading it back, so restore
# does not grow with guest RAM (tests/bench/lifecycle.sh measures it).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

[ -r "$VJ_BUILD/guest/vmlinux" ] || bail "the test guest is not built (make guest)"
RUN="$VJ_SRC/tests/guest/run-jailed.sh"
VMM=qemu-system-x86_64
LOG="$VJ_TEST_TMP/audit.log"
UIDT=$VJ_TEST_UID

boot() { # id console [run-jailed flags...] -- [vmjail flags]
	local id=$1 out=$2
	shift 2
	(exec "$RUN" --id "$id" --uid "$UIDT" --base "$VJ_TEST_BASE" --audit-log "$LOG" \
		--accel tcg --ticks 1000 --guest-ram "$@" >"$out" 2>>"$VJ_TEST_TMP/err") &
}
jdir() { echo "$VJ_TEST_BASE/$VMM/$1"; }
state_of() { sed -n 's/^status=//p' "$(jdir "$1")/vmjail.state" 2>/dev/null; }
pid_of() { sed -n 's/^vmm_pid=//p' "$(jdir "$1")/vmjail.state" 2>/dev/null; }
last_count() { sed -n 's/^VMJAIL-COUNTER \([0-9]*\).*/\1/p' "$1" | tail -n1; }
counter_above() { local c; c=$(last_count "$1"); [ -n "$c" ] && [ "$c" -gt "$2" ]; }

# --- the command line refuses sizes that are not whole pages -------------------
for bad in 0 1000 4097 2T -1 256X ""; do
	"$VMJAIL" --id gbad --exec-file /bin/true --uid "$UIDT" --gid "$UIDT" \
		--chroot-base-dir "$VJ_TEST_BASE" --guest-ram "$bad" --dry-run >/dev/null 2>&1
	is "$?" 64 "--guest-ram '$bad' is a command-line error"
done

# --- boot on file-backed memory ------------------------------------------------
id=$(new_id)
con="$VJ_TEST_TMP/$id.console"
boot "$id" "$con"
sup=$!
ok "the guest boots on the jail's memory file and counts" wait_for grep -q "VMJAIL-COUNTER 2" "$con"
ram="$(jdir "$id")/guest.ram"
is "$(stat -c '%u %a %F %s' "$ram" 2>&1)" "$UIDT 600 regular file 268435456" \
	"guest.ram: the tenant's regular file, 0600, 256 MiB, in the jail dir"
pid=$(pid_of "$id")
like "$(grep ' /guest.ram' "/proc/$pid/maps" 2>/dev/null | head -n1)" "rw-s .*/guest.ram" \
	"QEMU maps /guest.ram shared (the guest's RAM is the file)"
is "$(stat -L -c %i "/proc/$pid/root/guest.ram" 2>&1)" "$(stat -c %i "$ram")" \
	"  /guest.ram in the jail is that file (same inode)"

# --- suspend: only device state is written -------------------------------------
"$VMJAIL" --suspend --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/susp" 2>&1
is "$?" 0 "--suspend"
before=$(last_count "$con")
wait "$sup"
is "$(state_of "$id")" suspended "  the jail is kept, suspended"
sz=$(stat -c %s "$(jdir "$id")/suspended.vmstate" 2>/dev/null || echo missing)
ok "  the state file holds no guest memory ($sz bytes < 4 MiB for a 256 MiB guest)" \
	test "$sz" != missing -a "${sz:-0}" -lt 4194304
ok "  the memory file is kept beside it" test -f "$ram"

# --- restore with another size is refused, the jail stays suspended --------------
"$RUN" --id "$id" --uid "$UIDT" --base "$VJ_TEST_BASE" --accel tcg --ticks 1000 --guest-ram \
	--memory 512 -- --restore >/dev/null 2>"$VJ_TEST_TMP/wrong"
is "$?" 125 "a restore with another --guest-ram size is refused"
like "$(cat "$VJ_TEST_TMP/wrong")" "guest.ram holds 268435456 bytes" "  and says why"
is "$(state_of "$id")" suspended "  the jail stays suspended"

# --- restore maps the memory: the guest continues --------------------------------
con2="$VJ_TEST_TMP/$id.console2"
boot "$id" "$con2" -- --restore
sup=$!
ok "restored: the counter continues" wait_for counter_above "$con2" "$before"
is "$(grep -c VMJAIL-GUEST-READY "$con2")" 0 "  without a second boot"
first=$(sed -n 's/^VMJAIL-COUNTER \([0-9]*\).*/\1/p' "$con2" | head -n1)
ok "  from where it stopped (last $before before, first $first after)" \
	test -n "$first" -a "${first:-0}" -ge "${before:-1}" -a "${first:-0}" -le "$((${before:-0} + 2))"
restored() { [ "$(jq -c --arg id "$id" 'select(.tenant.id == $id and .type == "restored")' \
	"$LOG" 2>/dev/null | grep -c .)" = 1 ]; }
ok "  one restored record" wait_for restored || diag "$(jq -r .type "$LOG" 2>&1 | sort | uniq -c)"
"$VMJAIL" --kill --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
wait "$sup"
ok "after the restored VM ends, the jail and its memory file are gone" test ! -e "$(jdir "$id")"

done_testing
