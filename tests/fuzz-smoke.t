#!/bin/bash
# CI smoke run of every libFuzzer target (build/fuzz/fuzz_*): each one
# fuzzes for FUZZ_SMOKE_TIME seconds (default 1) from its checked-in corpus,
# under nice, into a scratch corpus.  A target passes when libFuzzer ran to
# its time limit (exit 0, "Done N runs" with N > the corpus size: it
# mutated, not only replayed) without a crash, a sanitizer report or a
# broken oracle.  Crash inputs are kept in $VJ_BUILD/fuzz/smoke/ for the log.
# A target with a finding still open in another branch's file (a line
# "TARGET/..." in fuzz/regress/OPEN) finds it again within seconds: its
# results are TODO, with the reason, until that fix lands.
. "$(dirname "$0")/lib/tap.sh"
F="$VJ_BUILD/fuzz"
T=${FUZZ_SMOKE_TIME:-1}
targets=()
for s in "$VJ_SRC"/fuzz/fuzz_*.c; do targets+=("$(basename "$s" .c)"); done
for t in "${targets[@]}"; do
	[ -x "$F/$t" ] || bail "$F/$t not built (make fuzz)"
done
rm -rf "$F/smoke"
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	w="$F/smoke/$name"
	mkdir -p "$w/new"
	out=$(nice -n 19 "$F/$t" -max_total_time="$T" -close_fd_mask=1 -timeout=10 \
		-artifact_prefix="$w/" "$w/new" "$VJ_SRC/fuzz/corpus/$name" 2>&1); rc=$?
	runs=$(grep -oE 'Done [0-9]+ runs' <<<"$out" | grep -oE '[0-9]+')
	seeds=$(find "$VJ_SRC/fuzz/corpus/$name" -type f | wc -l)
	open=$(grep -m1 -E "^$name/" "$VJ_SRC/fuzz/regress/OPEN" 2>/dev/null | cut -d' ' -f2-)
	if [ -n "$open" ]; then
		_tap_n=$((_tap_n + 1))
		[ "$rc" = 0 ] && r="ok" || r="not ok"
		echo "$r $_tap_n - $t: ${T}s of fuzzing without a crash # TODO $open"
		diag "$(grep -E 'fuzz oracle' <<<"$out" | head -1)"
		continue
	fi
	is "$rc" 0 "$t: ${T}s of fuzzing without a crash"
	[ "$rc" = 0 ] || diag "$(grep -E 'fuzz oracle|ERROR|SUMMARY|Test unit' <<<"$out" | head -5)"
	ok "$t: mutated past its $seeds seeds (${runs:-0} runs)" test "${runs:-0}" -gt "$seeds"
done
done_testing
