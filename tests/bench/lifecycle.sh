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

# Suspend/restore of a jailed QEMU per guest size, with the guest's memory
# in the jail's file (--guest-ram): the suspend writes device state only and
# the restore maps the memory, so restore time should not grow with RAM.
# Restore is timed from vmjail's start to QMP answering "running".
[ -r "$VJ_BUILD/guest/vmlinux" ] || { say "no test guest (make guest): suspend/restore not measured"; exit 0; }
RUN="$here/tests/guest/run-jailed.sh"
QMP="$VJ_BUILD/guest/qmp-client"
# qemu-tcg.policy with room for the largest guest (its memory limit is 1G)
pol=$(mktemp -d /tmp/vmjail-bench-pol.XXXXXX)
cp "$here/policies/qemu-tcg.policy" "$here/policies/qemu-common.inc" "$pol/"
sed -i 's/^cgroup memory .*/cgroup memory 3G/' "$pol/qemu-common.inc"
first=''
: >"$OUT/restore.dat"
for mb in $sizes; do
	id=sr$$m$mb con=$OUT/sr-$mb.console
	sock=$BENCH_BASE/qemu-system-x86_64/$id/root/run/qmp.sock
	jail=(--id "$id" --uid "$BENCH_UID" --base "$BENCH_BASE" --accel tcg --ticks 100000
		--memory "$mb" --policy "$pol/qemu-tcg.policy" --guest-ram)
	"$RUN" "${jail[@]}" >"$con" 2>>"$OUT/sr.err" &
	sup=$!
	for i in $(seq 600); do grep -q "VMJAIL-COUNTER 1" "$con" 2>/dev/null && break; sleep 0.1; done
	t0=$(now)
	"$V" --suspend --id "$id" --chroot-base-dir "$BENCH_BASE" >/dev/null 2>>"$OUT/sr.err" || { say "suspend $mb failed"; exit 1; }
	t1=$(now)
	wait "$sup" || true
	state=$(stat -c %s "$BENCH_BASE/qemu-system-x86_64/$id/suspended.vmstate")
	# the exact vmjail command, so the timing is vmjail's and not the script's
	cmd=$("$RUN" "${jail[@]}" --print -- --restore)
	t2=$(now)
	eval "$cmd" >"$con.2" 2>>"$OUT/sr.err" &
	sup=$!
	up=0
	for i in $(seq 1000); do
		"$QMP" -t 5 "$sock" query-status 2>/dev/null | grep -q '"running"' && { up=1; break; }
		sleep 0.01
	done
	t3=$(now)
	"$V" --kill --id "$id" --chroot-base-dir "$BENCH_BASE" >/dev/null 2>&1 || true
	wait "$sup" || true
	[ "$up" = 1 ] || { say "restore $mb: QEMU never ran"; exit 1; }
	s_ms=$(ms $((t1 - t0))) r_ms=$(ms $((t3 - t2)))
	[ -z "$first" ] && first=$r_ms
	series restore "$mb" "$r_ms"
	result lifecycle "suspend ${mb} MiB guest (state file $((state / 1024)) KiB)" "$s_ms" ms
	if [ "$mb" = 256 ]; then
		result lifecycle "restore 256 MiB guest (to QMP running)" "$r_ms" ms
	else
		result lifecycle "restore ${mb} MiB / 256 MiB" "$r_ms" ms "$first" 1.5
	fi
done
rm -rf "$pol"
