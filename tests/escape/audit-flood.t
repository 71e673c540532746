#!/bin/bash
# Finding 7: one tenant's kernel-audit flood made another tenant lose records
# with no loss record (the kernel's lost counter grew, only netlink ENOBUFS
# counted), and an idle bystander's supervisor burned CPU outside every
# cgroup.  Now every supervisor reports growth of the kernel's lost counter
# to its tenant's stream (loss source kernel-lost), and supervisors run in a
# cpu cgroup of their own with a bounded quota.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

B=$(new_id)
logB="$VJ_TEST_TMP/B.audit"
# B, the bystander, has a uid of its own (A's uid owns A's processes).
(exec "$VMJAIL" --id "$B" --exec-file "$CPROBE" --uid $((VJ_TEST_UID + 1)) --gid $((VJ_TEST_GID + 1)) \
	--chroot-base-dir "$VJ_TEST_BASE" --audit-log "$logB" -- spawn 0) >/dev/null 2>&1 &
supB=$!
ok "bystander B runs" crunning "$B"
cpuline=$(grep -E '^[0-9]+:([^:]*,)?cpu(,[^:]*)?:' "/proc/$supB/cgroup" | head -n1)
like "$cpuline" "/vmjail.supervisors/sup-$supB\$" "B's supervisor runs in its own cpu cgroup ($cpuline)"
cgdir="/sys/fs/cgroup/cpu/vmjail.supervisors/sup-$supB"
if [ -e "$cgdir/cpu.cfs_quota_us" ]; then
	is "$(cat "$cgdir/cpu.cfs_quota_us")/$(cat "$cgdir/cpu.cfs_period_us")" 25000/100000 \
		"  with a quota of a quarter CPU"
	is "$(cat "$(dirname "$cgdir")/cpu.cfs_quota_us")" 100000 "  all supervisors together: one CPU"
elif [ -e "/sys/fs/cgroup/vmjail.supervisors/sup-$supB/cpu.max" ]; then
	is "$(cat "/sys/fs/cgroup/vmjail.supervisors/sup-$supB/cpu.max")" "25000 100000" "  with a quota of a quarter CPU"
else
	_tap_result 1 "  no cpu quota file for the supervisor's cgroup"
fi
bvmm=$(cvmm_pid "$B")
unlike "$(grep -E ':cpu(,|:)' "/proc/$bvmm/cgroup")" "vmjail.supervisors" "  the tenant does not share it"

# A floods: a Landlock denial per open of /secret, as fast as it can.
A=$(new_id)
logA="$VJ_TEST_TMP/A.audit"
lost0=$(klost)
t0=$(cpu_ticks "$supB")
cjail_bg "$A" --audit-log "$logA" -- kflood /secret 6 >"$VJ_TEST_TMP/a.out" 2>/dev/null
supA=$!
ok "flooder A runs" crunning "$A"
echo x >"$(cjail_dir "$A")/root/secret"
wait "$supA"
t1=$(cpu_ticks "$supB")
lost1=$(klost)
opens=$(fact kflood_opens <"$VJ_TEST_TMP/a.out")
hz=$(getconf CLK_TCK)
diag "A opened /secret $opens times; kernel lost $((lost1 - lost0)) records; B's supervisor used $(( (t1 - t0) * 1000 / hz )) ms of CPU"
ok "B's supervisor used at most 0.3 CPU over the ~6 s flood ($(( (t1 - t0) * 1000 / hz )) ms)" \
	test $(( (t1 - t0) * 1000 / hz )) -le 2000
sleep 1.5 # the supervisors read the counter about once a second
if [ "$lost1" -le "$lost0" ]; then
	skip "the kernel lost no audit record during the flood (lost $lost0 -> $lost1)"
else
	sumB=$(grep '"kernel-lost"' "$logB" | grep -o '"count":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
	ok "B's stream has kernel-lost loss records (total ${sumB:-0})" test "${sumB:-0}" -gt 0
	sumA=$(grep '"kernel-lost"' "$logA" | grep -o '"count":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
	ok "A's stream has them too (total ${sumA:-0})" test "${sumA:-0}" -gt 0
	ok "  no more than the kernel counted" test "${sumA:-0}" -le $((lost1 - lost0))
fi
kill -TERM "$supB"; kill -KILL "$(cvmm_pid "$B" 2>/dev/null)" 2>/dev/null
wait "$supB"
nok "B's supervisor cgroup is removed when it ends" test -e "$cgdir"
done_testing
