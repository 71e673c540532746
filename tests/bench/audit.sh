#!/bin/bash
# audit: records per second through each source into the JSON sink (the
# tenant's --audit-log), where loss starts, and whether every loss is
# counted.  A jailed static flooder (tests/helpers/containprobe) makes
# denials at increasing rates, then flat out:
#   kernel-audit  kflood: open() of a file Landlock denies; the kernel's
#                 audit record reaches the supervisor over NETLINK_AUDIT
#   bpf           sflood: socket(AF_INET6), refused by cgroup/sock_create;
#                 the record goes through the tenant's BPF ring
# For each run it compares what vmjail's loss records say with the kernel's
# own counters, read while the supervisor still runs: AUDIT_GET lost and the
# supervisor's netlink socket drops (/proc/net/netlink), the BPF stats map
# (denials, reserve_failed, suppressed).  Reference: a trivial reader of the
# same multicast group counting the same records (tests/bench/auditctr.c);
# for the ring, the records the BPF program put into it (stats: emitted).
# "read by vmjail" is what the supervisor took from the source (written or
# dropped by its own rate limit, 100/s per tenant, bursts of 200: audit.h);
# the ratio is that against the reference.
# Writes build/bench/audit.md (run.sh prints it) and the target row.
. "$(dirname "$0")/lib.sh"
CTR=$OUT/auditctr
FLOOD=$OUT/containprobe
secs=5 linger=3 rates="50 100 200 1000 10000 0"
tiny && secs=1 rates="0"
: >"$OUT/audit.rows"
n=0

# sup_drops PID: messages the kernel dropped on PID's NETLINK_AUDIT sockets
sup_drops() {
	local inos
	inos=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n' | paste -sd'|')
	[ -n "$inos" ] || { echo 0; return; }
	awk -v re="^($inos)\$" 'NR > 1 && $2 == 9 && $NF ~ re { d += $(NF - 1) } END { print d + 0 }' /proc/net/netlink
}
# bpf_stats CGID: "denials emitted suppressed reserve_failed" of the tenant
bpf_stats() {
	bpftool -j map dump pinned "$VMJAIL_BPF_PIN_DIR/maps/vj_stats" 2>/dev/null |
		jq -r --argjson k "$1" '.[] | select(.formatted.key == $k) | .formatted.value |
			"\(.denials) \(.emitted) \(.suppressed) \(.reserve_failed)"'
}
kv() { sed -n "s/^$1=//p" "$2" 2>/dev/null | tail -n1; }

# run SOURCE RATE: one flood; appends a row to audit.rows
run() {
	local src=$1 rate=$2 id uid log o mark reader=0 lost0 lost1 sup drops=0 cg st=""
	n=$((n + 1))
	id=audit$$-$n uid=$((BENCH_UID + 2000 + n))
	log=$OUT/audit-$src-$rate.jsonl o=$OUT/audit-$src-$rate.out
	rm -f "$log" "$o" "$o.ref"
	mark=vjbench-flood-$$-$n
	if [ "$src" = kernel-audit ]; then
		"$CTR" read 1423 "$mark" >"$o.ref" &
		reader=$!
		until grep -qs '^ready=1' "$o.ref"; do sleep 0.02; done
		set -- kflood "/$mark" "$secs" "$rate" "$linger"
	else
		set -- sflood "$secs" "$rate" "$linger"
	fi
	lost0=$("$CTR" status | sed -n 's/^lost=//p')
	# --audit-rate: the BPF bucket out of the way (the largest burst the
	# loader takes), so that what is measured is vmjail's own path.
	(exec "$V" --id "$id" --exec-file "$FLOOD" --uid "$uid" --gid "$uid" \
		--chroot-base-dir "$BENCH_BASE" --ttl none --audit-rate 500000 \
		--audit-log "$log" -- "$@" >"$o" 2>"$o.err") &
	sup=$!
	if [ "$src" = kernel-audit ]; then
		until [ -d "$BENCH_BASE/containprobe/$id/root" ] || ! kill -0 "$sup" 2>/dev/null; do sleep 0.02; done
		echo x >"$BENCH_BASE/containprobe/$id/root/$mark"
	fi
	until grep -qs '^flood_secs=' "$o" || ! kill -0 "$sup" 2>/dev/null; do sleep 0.05; done
	# The flood is over and the tenant lingers: let the supervisor drain
	# and read the kernel's counters while its socket and ring still exist.
	sleep 1.2
	if [ "$src" = kernel-audit ]; then
		drops=$(sup_drops "$sup")
	else
		cg=$(jq -r 'select(.tenant.cgroup_id) | .tenant.cgroup_id' "$log" | head -n1)
		st=$(bpf_stats "${cg:-0}")
	fi
	wait "$sup" || say "audit: $src at rate $rate: vmjail exited $? ($(tail -n1 "$o.err"))"
	lost1=$("$CTR" status | sed -n 's/^lost=//p')
	if [ "$reader" != 0 ]; then
		sleep 0.2
		kill -TERM "$reader"
		wait "$reader"
	fi
	local denied fsecs written lr lk lo lb
	denied=$(kv "${1}_denied" "$o")
	fsecs=$(kv flood_secs "$o")
	written=$(jq -s 'map(select(.kind == "enforcement")) | length' "$log")
	lsum() { jq -s --arg s "$1" '[.[] | select(.kind == "loss" and .loss.source == $s) | .loss.count] | add // 0' "$log"; }
	lr=$(lsum rate-limit) lk=$(lsum kernel-lost) lo=$(lsum netlink-overflow) lb=$(lsum ringbuf-reserve)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$src" "$rate" \
		"${denied:-0}" "${fsecs:-0}" "$written" "$lr" "$lk" "$lo" "$lb" \
		"$((lost1 - lost0))" "$drops" "${st:--}" \
		"$(kv read_records "$o.ref")" "$(kv read_secs "$o.ref")" "$(kv read_drops "$o.ref")" >>"$OUT/audit.rows"
}

for src in kernel-audit bpf; do
	for r in $rates; do
		say "audit: $src, rate ${r/#0/flat out}"
		run "$src" "$r"
	done
done

# The table.  "every loss counted":
#  bpf: the flooder's refusals == written + rate-limit + ringbuf-reserve
#       exactly, and ringbuf-reserve == the map's reserve_failed;
#  kernel-audit: the kernel's records are lost where vmjail cannot see them
#       (the backlog: AUDIT_GET lost; the socket: drops), so: vmjail's
#       kernel-lost == the kernel's lost growth, an overflow record whenever
#       the socket dropped, and the events missing from the log (refused -
#       written - rate-limit) no more than the records the kernel counted
#       lost (each missing event lost at least one record).
awk -F'\t' -v out="$OUT/audit.md" -v res="$OUT/results.tsv" '
function f(x) { return sprintf("%.0f", x) }
BEGIN {
	print "| source | offered /s | refused | written | written /s | read by vmjail /s | reference /s | ratio | vmjail: rate-limit | vmjail: kernel-lost / overflow episodes / ringbuf-reserve | kernel: audit lost / socket drops / ring reserve_failed | missing | every loss counted |" > out
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|" > out
}
{
	src = $1; rate = ($2 == 0 ? "flat out" : $2); den = $3; secs = ($4 > 0 ? $4 : 1); wr = $5
	lr = $6; lk = $7; lo = $8; lb = $9; klost = $10; drops = $11
	split($12, st, " ")
	missing = den - wr - lr - lb
	if (src == "bpf") {
		ref = (st[2] != "" ? st[2] / secs : 0)
		okc = (missing == 0 && lb == st[4] && st[1] == den) ? "yes" : "**no**"
		kern = "- / - / " (st[4] == "" ? "?" : st[4])
		refn = "ring"
	} else {
		ref = ($14 > 0 ? $13 / $14 : 0)
		okc = (lk == klost && (drops == 0 || lo > 0) && missing <= klost + drops && (missing == 0 || lk + lo > 0)) ? "yes" : "**no**"
		kern = klost " / " drops " / -"
		refn = "reader"
	}
	# read: what the supervisor took from the source (written or
	# rate-limited), against what the reference took from the same source
	rd = (wr + lr) / secs
	ratio = (ref > 0 ? sprintf("%.2fx", rd / ref) : "")
	printf "| %s | %s | %d | %d | %.1f | %.0f | %s %s | %s | %d | %d / %d / %d | %s | %d | %s |\n", \
		src, rate, den, wr, wr / secs, rd, (ref > 0 ? f(ref) : "-"), refn, ratio, lr, lk, lo, lb, kern, missing, okc > out
	# The target row: flat out, time per record written against 5 us (200k/s)
	if ($2 == 0)
		printf "audit\t%s flat out: us per record written (%s refused, %d written)\t%.1f\tus\t5\t1\n", \
			src, den, wr, (wr > 0 ? secs * 1e6 / wr : secs * 1e6) >> res
	if ($2 == 0)
		printf "audit\t%s flat out: every loss counted\t%d\tuncounted\t\t\n", src, (okc == "yes" ? 0 : 1) >> res
}' "$OUT/audit.rows"
