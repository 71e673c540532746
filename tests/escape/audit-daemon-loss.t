#!/bin/bash
# Finding 7, vmjaild's side: the kernel's audit losses reach the host
# stream.  The kernel drops records before any reader (backlog full, rate
# limit) and only counts them (AUDIT_GET lost).  vmjaild dropped the
# supervisors' kernel-lost records as copies of its own kernel source and
# read no counter itself, so the host stream never said the kernel lost
# anything.  Now, for one loss, the host stream says so once per tenant
# that ran (its supervisor's kernel-lost record, with its id: what a
# `follow --tenant` stream gets) and once for vmjaild's own kernel source
# (no tenant: the records it writes unattributed).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

# lost_sum LOG JQ-SELECTOR: the kernel-lost counts of the records selected
lost_sum() {
	jq -s "map(select(.kind == \"loss\" and .loss.source == \"kernel-lost\") | select($2) | .loss.count) | add // 0" "$1" 2>/dev/null || echo 0
}

D="$VJ_BUILD/vmjaild"
HOST="$VJ_TEST_TMP/host.log"
# The test's own run dir (jail.sh exports it): vmjaild and the jails meet there.
lostD0=$(klost)
"$D" --run-dir "$VMJAIL_RUN_DIR" --log "$HOST" --kernel all 2>"$VJ_TEST_TMP/daemon.err" &
DPID=$!
trap 'kill -KILL "$DPID" "$FPID" 2>/dev/null; _vj_cleanup' EXIT
ok "vmjaild starts (kernel source on)" wait_for test -S "$VMJAIL_RUN_DIR/events.sock"

A=$(new_id)
logA="$VJ_TEST_TMP/A.audit"
"$D" follow --run-dir "$VMJAIL_RUN_DIR" --tenant "$A" >"$VJ_TEST_TMP/follow" 2>&1 &
FPID=$!
sleep 0.3
# A floods: a Landlock denial per open of /secret, flat out for 2 s (the
# kernel's backlog overflows within milliseconds here).
lost0=$(klost)
cjail_bg "$A" --audit-log "$logA" -- kflood /secret 2 >"$VJ_TEST_TMP/a.out" 2>/dev/null
supA=$!
ok "flooder A runs" crunning "$A"
# vmjaild stopped during the flood: its audit socket (16 MiB) overflows,
# and the records it loses there may be any tenant's.
kill -STOP "$DPID"
echo x >"$(cjail_dir "$A")/root/secret"
sleep 2.5
kill -CONT "$DPID"
wait "$supA"
lost1=$(klost)
# vmjaild reads the counter once a second and takes spooled records within one
cleaned() { [ -n "$(jq -c --arg id "$A" 'select(.tenant.id == $id and .type == "cleaned")' "$HOST" 2>/dev/null)" ]; }
ok "  A's jail is cleaned (in the host stream)" within 10 cleaned
sleep 1.5
kill -TERM "$FPID" "$DPID" 2>/dev/null
wait "$FPID" "$DPID" 2>/dev/null
lostD1=$(klost)
grown=$((lost1 - lost0))
diag "A opened /secret $(fact kflood_opens <"$VJ_TEST_TMP/a.out") times; the kernel lost $grown records meanwhile"
if [ "$grown" -le 0 ]; then
	skip_n 8 "the kernel lost no audit record during the flood (lost $lost0 -> $lost1)"
	done_testing
	exit 0
fi
own=$(lost_sum "$logA" '.tenant.id == "'"$A"'"')
hostA=$(lost_sum "$HOST" '.tenant.id == "'"$A"'"')
hostd=$(lost_sum "$HOST" '.tenant == null')
fol=$(lost_sum "$VJ_TEST_TMP/follow" '.tenant.id == "'"$A"'"')
diag "kernel-lost: A's own log $own; host stream: A's $hostA, vmjaild's own (no tenant) $hostd; follow --tenant A: $fol"
ok "A's own log reports the kernel's loss (kernel-lost $own > 0)" test "$own" -gt 0
ok "the host stream reports it for A ($hostA > 0)" test "$hostA" -gt 0
is "$hostA" "$own" "  exactly once: the same count as A's own log"
ok "and once for vmjaild's own kernel source, with no tenant ($hostd > 0)" test "$hostd" -gt 0
ok "  no more than the kernel counted while vmjaild ran ($hostd <= $((lostD1 - lostD0)))" \
	test "$hostd" -le $((lostD1 - lostD0))
is "$fol" "$own" "follow --tenant A gets A's kernel-lost records, once"

# vmjaild's own socket overflow: once with no tenant, once for A
ovd=$(jq -s 'map(select(.loss.source == "netlink-overflow" and .tenant == null)) | length' "$HOST")
ovA=$(jq -s --arg id "$A" 'map(select(.loss.source == "netlink-overflow" and .tenant.id == $id)) | length' "$HOST")
ovF=$(jq -s --arg id "$A" 'map(select(.loss.source == "netlink-overflow" and .tenant.id == $id)) | length' "$VJ_TEST_TMP/follow")
diag "netlink-overflow records: host stream $ovd with no tenant, $ovA for A; follow --tenant A $ovF"
if [ "$ovd" -gt 0 ]; then
	is "$ovA" "$ovd" "vmjaild's socket overflowed: the host stream says so for A too, once per episode"
	is "$ovF" "$ovd" "  and follow --tenant A gets it"
else
	skip_n 2 "vmjaild's socket did not overflow while it was stopped"
fi
done_testing
