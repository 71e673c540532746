#!/bin/bash
# Lifecycle: --pause and --resume latency of a live jail; suspend and
# restore of a jailed QEMU guest (TCG here) at several memory sizes.
. "$(dirname "$0")/lib.sh"
n=50 sizes="256 1024 2048"
tiny && n=3 sizes="256"
"$V" --daemonize --id pr$$ --exec-file "$SLEEP_BIN" $JAIL_COMMON >/dev/null
now() { date +%s%N; }
p=() r=()
for i in $(seq "$n"); do
	t0=$(now)
	"$V" --pause --id pr$$ --chroot-base-dir "$BENCH_BASE" >/dev/null
	t1=$(now)
	"$V" --resume --id pr$$ --chroot-base-dir "$BENCH_BASE" >/dev/null
	t2=$(now)
	p+=($((t1 - t0))) r+=($((t2 - t1)))
done
med() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1e6 }'; }
# references: a plain `vmjail --version` (process start) in the same run
ref=$("$TIMEIT" -n "$n" -w 1 version "$V --version")
result lifecycle "--pause (median of $n)" "$(med "${p[@]}")" ms "5" 1
result lifecycle "--resume (median of $n)" "$(med "${r[@]}")" ms "2" 1
result lifecycle "vmjail --version (process start, reference)" "$(ms "$(field "$ref" 3)")" ms
"$V" --kill --id pr$$ --chroot-base-dir "$BENCH_BASE" >/dev/null 2>&1 || true

# Suspend/restore: a jailed QEMU (tests/guest/run-jailed.sh) per size.
[ -r "$VJ_BUILD/guest/vmlinux" ] || { say "no test guest (make guest): suspend/restore not measured"; exit 0; }
RUN="$here/tests/guest/run-jailed.sh"
# qemu-tcg.policy with room for the largest guest (its memory limit is 1G)
pol=$(mktemp -d /tmp/vmjail-bench-pol.XXXXXX)
cp "$here/policies/qemu-tcg.policy" "$here/policies/qemu-common.inc" "$pol/"
sed -i 's/^cgroup memory .*/cgroup memory 3G/' "$pol/qemu-common.inc"
first=''
: >"$OUT/restore.dat"
for mb in $sizes; do
	id=sr$$m$mb con=$OUT/sr-$mb.console
	"$RUN" --id "$id" --uid "$BENCH_UID" --base "$BENCH_BASE" --accel tcg --ticks 100000 \
		--memory "$mb" --policy "$pol/qemu-tcg.policy" >"$con" 2>>"$OUT/sr.err" &
	sup=$!
	for i in $(seq 600); do grep -q "VMJAIL-COUNTER 1" "$con" 2>/dev/null && break; sleep 0.1; done
	t0=$(now)
	"$V" --suspend --id "$id" --chroot-base-dir "$BENCH_BASE" >/dev/null 2>>"$OUT/sr.err" || { say "suspend $mb failed"; exit 1; }
	wait "$sup" || true
	t1=$(now)
	"$RUN" --id "$id" --uid "$BENCH_UID" --base "$BENCH_BASE" --accel tcg --ticks 100000 \
		--memory "$mb" --policy "$pol/qemu-tcg.policy" -- --restore >"$con.2" 2>>"$OUT/sr.err" &
	sup=$!
	before=$(grep -o 'VMJAIL-COUNTER [0-9]*' "$con" | tail -n1 | cut -d' ' -f2)
	for i in $(seq 1200); do
		c=$(grep -o 'VMJAIL-COUNTER [0-9]*' "$con.2" 2>/dev/null | tail -n1 | cut -d' ' -f2)
		[ -n "$c" ] && [ "$c" -gt "${before:-0}" ] && break
		sleep 0.05
	done
	t2=$(now)
	"$V" --kill --id "$id" --chroot-base-dir "$BENCH_BASE" >/dev/null 2>&1 || true
	wait "$sup" || true
	s_ms=$(ms $((t1 - t0))) r_ms=$(ms $((t2 - t1)))
	[ -z "$first" ] && first=$r_ms
	series restore "$mb" "$r_ms"
	result lifecycle "suspend ${mb} MiB guest" "$s_ms" ms
	if [ "$mb" = 256 ]; then
		result lifecycle "restore 256 MiB guest (to the next counter tick)" "$r_ms" ms
	else
		result lifecycle "restore ${mb} MiB / 256 MiB" "$r_ms" ms "$first" 1.5
	fi
done
rm -rf "$pol"
