#!/bin/bash
# Scale: launch latency with 0, 100, 300 and 1000 live jails; launches per
# second with both cores busy; the supervisor's PSS and the kernel memory
# (slab) per live tenant.
. "$(dirname "$0")/lib.sh"
levels="0 100 300 1000" runs=50 busy_s=10
tiny && levels="0 3" runs=3 busy_s=1
live=0
# Every live jail is its own tenant (uid): vmjail refuses a second jail of a
# uid that still owns processes, unless it has its own pid namespace.
start_live() { # up to N live jails (sleeping static programs)
	while [ "$live" -lt "$1" ]; do
		"$V" --daemonize --id "live$live" --exec-file "$SLEEP_BIN" --uid $((BENCH_UID + 1000 + live)) \
			--gid $((BENCH_UID + 1000 + live)) --chroot-base-dir "$BENCH_BASE" --ttl none \
			>/dev/null 2>"$OUT/scale.err" || {
			say "live jail $live failed: $(cat "$OUT/scale.err")"
			return 1
		}
		live=$((live + 1))
	done
}
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
sup_pss_kb() { # total PSS of the live jails' supervisors
	local p total=0
	for p in $(pgrep -f -- "--exec-file $SLEEP_BIN"); do
		total=$((total + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
	done
	echo "$total"
}
"$V" --id warm$$ --exec-file "$TRUE_BIN" $JAIL_COMMON >/dev/null
: >"$OUT/scale.dat"
base_ms='' slab0=$(slab_kb)
for n in $levels; do
	start_live "$n" || break
	t=$("$TIMEIT" -n "$runs" -w 2 "vmjail@$n" "$V --id s$$ --exec-file $TRUE_BIN $JAIL_COMMON")
	m=$(ms "$(field "$t" 3)")
	[ -z "$base_ms" ] && base_ms=$m
	series scale "$n" "$m"
	if [ "$n" = 0 ]; then
		result scale "launch with 0 live jails" "$m" ms
	else
		result scale "launch with $n live jails / with 0" "$m" ms "$base_ms" 1.2
	fi
done
if [ "$live" -gt 0 ]; then
	result scale "supervisor PSS per live tenant ($live live)" \
		"$(awk -v t="$(sup_pss_kb)" -v n="$live" 'BEGIN { printf "%.0f", t / n }')" KiB "1024" 1
	result scale "kernel slab per live tenant" \
		"$(awk -v a="$(slab_kb)" -v b="$slab0" -v n="$live" 'BEGIN { printf "%.0f", (a - b) / n }')" KiB
fi
# Launches per second with both cores busy: two launch loops at once.
loop() { # id-prefix uid seconds -> count (one tenant uid per loop)
	local end=$(($(date +%s%N) + $3 * 1000000000)) c=0
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$V" --id "$1$c" --exec-file "$TRUE_BIN" --uid "$2" --gid "$2" --chroot-base-dir "$BENCH_BASE" \
			--ttl none >/dev/null 2>&1 && c=$((c + 1))
	done
	echo "$c"
}
loop pa $((BENCH_UID + 1)) "$busy_s" >"$OUT/busy.a" &
loop pb $((BENCH_UID + 2)) "$busy_s" >"$OUT/busy.b"
wait
result scale "launches per second, 2 parallel loops" \
	"$(awk -v a="$(cat "$OUT/busy.a")" -v b="$(cat "$OUT/busy.b")" -v s="$busy_s" 'BEGIN { printf "%.1f", (a + b) / s }')" "1/s"
