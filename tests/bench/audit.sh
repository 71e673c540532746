#!/bin/bash
# audit: records per second through each source into the JSON sinks (the
# tenant's --audit-log, and vmjaild's host log, with vmjaild running as in
# production), where loss starts, and whether every loss is counted.  A jailed static flooder (tests/helpers/containprobe) makes
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
	local src=$1 rate=$2 id uid log o mark reader=0 lost0 lost1 sup drops=0 cg st="" dlines ddrops0 ddrops
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
	dlines=$(wc -l <"$DLOG") ddrops0=$(sup_drops "$VJD")
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
	ddrops=$(sup_drops "$VJD")
	wait "$sup" || say "audit: $src at rate $rate: vmjail exited $? ($(tail -n1 "$o.err"))"
	lost1=$("$CTR" status | sed -n 's/^lost=//p')
	if [ "$reader" != 0 ]; then
		sleep 0.2
		kill -TERM "$reader"
		wait "$reader"
	fi
	local denied fsecs ref
	denied=$(kv "${1}_denied" "$o")
	fsecs=$(kv flood_secs "$o")
	ref="$(kv read_records "$o.ref")	$(kv read_secs "$o.ref")"
	# The host log: what vmjaild wrote from this run (its spool is read
	# within a second: wait for the tenant's last record, "cleaned").
	local end=$((SECONDS + 5))
	until tail -n +"$((dlines + 1))" "$DLOG" | grep -q "\"id\":\"$id\".*\"type\":\"cleaned\"" ||
		[ $SECONDS -ge $end ]; do sleep 0.1; done
	tail -n +"$((dlines + 1))" "$DLOG" >"$OUT/audit-$src-$rate.vmjaild.jsonl"
	# sums LOG: "written rate-limit kernel-lost overflow-episodes
	# ringbuf-reserve queue+daemon-down+spool unattributed" (unattributed:
	# this flood's records written with no tenant: vmjaild had not yet
	# learnt the tenant from its supervisor's frames)
	# of tenant $id (a loss with no tenant, vmjaild's own, counts too;
	# but kernel-lost only the tenant's: vmjaild's own reading with no
	# tenant is the same loss again, reported for its unattributed records)
	sums() {
		jq -s -r --arg id "$id" --arg p "/$mark" '
			(map(select(.kind == "enforcement" and .tenant == null and .object.path == $p)) | length) as $u |
			([.[] | select(.tenant.id == $id and .kind == "loss" and .loss.source == "kernel-lost") | .loss.count] | add // 0) as $k |
			map(select(.tenant.id == $id or (.kind == "loss" and .tenant == null))) |
			def l(s): [.[] | select(.kind == "loss" and .loss.source == s) | .loss.count] | add // 0;
			"\(map(select(.kind == "enforcement")) | length)\t\(l("rate-limit"))\t\($k)\t\(l("netlink-overflow"))\t\(l("ringbuf-reserve"))\t\(l("queue") + l("daemon-down") + l("spool"))\t\($u)"' "$1"
	}
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$src" "tenant log" "$rate" "${denied:-0}" "${fsecs:-0}" \
		"$(sums "$log")" "$((lost1 - lost0))	$drops" "${st:--}" "$ref" >>"$OUT/audit.rows"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$src" "vmjaild log" "$rate" "${denied:-0}" "${fsecs:-0}" \
		"$(sums "$OUT/audit-$src-$rate.vmjaild.jsonl")" "$((lost1 - lost0))	$((ddrops - ddrops0))" "${st:--}" "$ref" >>"$OUT/audit.rows"
}

# vmjaild as in production (dist/vmjaild.service: --log, kernel source on),
# in the bench's run dir; ended with the section.
DLOG=$OUT/audit-vmjaild.jsonl
rm -f "$DLOG"
"$VJ_BUILD/vmjaild" --run-dir "$VMJAIL_RUN_DIR" --log "$DLOG" --socket none --kernel all \
	2>"$OUT/audit-vmjaild.err" &
VJD=$!
trap 'kill -TERM $VJD 2>/dev/null; wait $VJD 2>/dev/null; bench_cleanup' EXIT
until [ -S "$VMJAIL_RUN_DIR/vmjaild.sock" ] || ! kill -0 $VJD 2>/dev/null; do sleep 0.05; done
kill -0 $VJD 2>/dev/null || { say "audit: vmjaild did not start: $(tail -n1 "$OUT/audit-vmjaild.err")"; exit 1; }
touch "$DLOG"

for src in kernel-audit bpf; do
	for r in $rates; do
		say "audit: $src, rate ${r/#0/flat out}"
		run "$src" "$r"
	done
done

# The table.  "every loss counted":
#  bpf: the flooder's refusals == written + every counted loss exactly, and
#       ringbuf-reserve == the map's reserve_failed;
#  kernel-audit: the kernel's records are lost where vmjail cannot see them
#       (the backlog: AUDIT_GET lost; the socket: drops), so: the events
#       missing from the log (refused - written - counted losses) are no
#       more than the kernel-lost the stream reports plus the socket's drops
#       (each missing event lost at least one record), an overflow record
#       whenever the socket dropped, and kernel-lost no more than the
#       kernel's own growth over the run (equal when no one else lost
#       records in the moments around the launch and exit: other tenants'
#       floods on a shared host may add to the kernel's count).  vmjaild writes
#       kernel records from its own source, without the supervisors' rate
#       limit: its rate-limit count is of frames it would have dropped as
#       copies, so it is not subtracted there.
awk -F'\t' -v out="$OUT/audit.md" -v res="$OUT/results.tsv" -v outdir="$OUT" '
function f(x) { return sprintf("%.0f", x) }
BEGIN {
	print "| source | sink | offered /s | refused | written | written without tenant | written /s | read by vmjail /s | reference /s | ratio | rate-limit | kernel-lost / overflow episodes / ringbuf-reserve / queue | kernel: audit lost / socket drops / ring reserve_failed | missing | every loss counted |" > out
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" > out
}
{
	src = $1; sink = $2; den = $4; secs = ($5 > 0 ? $5 : 1)
	# offered: the rate asked for, and the one achieved when it differs
	# (the kernel can make an audited task wait: backlog_wait_time)
	rate = ($3 == 0 ? "flat out" : $3)
	if ($3 == 0 || den / secs < 0.9 * $3)
		rate = rate sprintf(" (%.0f/s for %.1f s)", den / secs, secs)
	wr = $6; lr = $7; lk = $8; lo = $9; lb = $10; lq = $11; un = $12; klost = $13; drops = $14
	split($15, st, " ")
	daemon_kernel = (src == "kernel-audit" && sink == "vmjaild log")
	missing = den - wr - un - lb - lq - (daemon_kernel ? 0 : lr)
	rd = (wr + (daemon_kernel ? 0 : lr)) / secs
	if (src == "bpf") {
		ref = (st[2] != "" ? st[2] / secs : 0)
		okc = (missing == 0 && lb == st[4] && st[1] == den) ? "yes" : "**no**"
		kern = "- / - / " (st[4] == "" ? "?" : st[4])
		refn = "ring"
	} else {
		# over the same seconds as the figure of vmjail: the flood
		ref = $16 / secs
		okc = (lk <= klost && (drops == 0 || lo > 0) && missing <= lk + drops && (missing == 0 || lk + lo > 0)) ? "yes" : "**no**"
		kern = klost " / " drops " / -"
		refn = "reader"
	}
	ratio = (ref > 0 ? sprintf("%.2fx", rd / ref) : "")
	# the plot (run.sh): records written per second against refusals per
	# second, one line per source and sink
	dat = outdir "/audit-" src "-" (sink == "tenant log" ? "tenant" : "vmjaild") ".dat"
	printf "%.1f\t%.1f\n", den / secs, wr / secs >> dat
	printf "| %s | %s | %s | %d | %d | %d | %.1f | %.0f | %s %s | %s | %d | %d / %d / %d / %d | %s | %d | %s |\n", \
		src, sink, rate, den, wr, un, wr / secs, rd, (ref > 0 ? f(ref) : "-"), refn, ratio, lr, lk, lo, lb, lq, kern, missing, okc > out
	# The target rows: flat out, time per record written against 5 us
	# (200k/s), and losses with no loss record.
	if ($3 == 0) {
		printf "audit\t%s -> %s flat out: us per record written (%s refused, %d written)\t%.1f\tus\t5\t1\n", \
			src, sink, den, wr, (wr > 0 ? secs * 1e6 / wr : secs * 1e6) >> res
		printf "audit\t%s -> %s flat out: every loss counted\t%d\tuncounted\t\t\n", src, sink, (okc == "yes" ? 0 : 1) >> res
	}
}' "$OUT/audit.rows"
