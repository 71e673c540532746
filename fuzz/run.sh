#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# A fuzzing campaign over vmjail's own parsers: `make fuzz-run` calls this.
#
#   fuzz/run.sh BUILD_FUZZ_DIR TIME JOBS [TARGET...]
#
# FUZZ_FLAGS adds libFuzzer flags, e.g. FUZZ_FLAGS=-runs=1000000 to stop a
# target at a million executions if that comes before TIME.
#
# Every target (default: every built fuzz_*) runs for TIME seconds, JOBS
# at a time.  A target that crashes is restarted until its time is used up,
# so one shallow bug does not end the campaign for that target.  Afterwards:
#   - the inputs that found new coverage are merged into fuzz/corpus/NAME
#     (libFuzzer -merge=1: only inputs that add coverage to what is already
#     checked in are copied, so the corpus grows minimally and the named seeds
#     that tests refer to stay);
#   - every crash is replayed, its stack reduced to a signature (the
#     oracle's "fuzz oracle: file:line: why" line, else the first three
#     frames in project code), and one input per signature is saved as
#     fuzz/regress/NAME/crash-SIG with its report next to it (crash-SIG.txt);
#     `make check` replays fuzz/regress/ (tests/fuzz-regress.t), so once the
#     bug is fixed the input guards against its return;
#   - a table: target, execs/s, corpus size, new coverage (edges), crashes
#     (unique signatures / crash inputs), also in $WORK/summary.txt.
# Work files stay in BUILD_FUZZ_DIR/run/NAME (logs, raw crash inputs).
set -u
FZ=${1:?usage: run.sh BUILD_FUZZ_DIR TIME JOBS [TARGET...]}
TIME=${2:-60}
JOBS=${3:-2}
shift 3 || true
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=$FZ/run
mkdir -p "$WORK"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for b in "$FZ"/fuzz_*; do
		[ -x "$b" ] && targets+=("$(basename "$b")")
	done
fi
for t in "${targets[@]}"; do
	[ -x "$FZ/$t" ] || { echo "run.sh: $FZ/$t not built (make fuzz)" >&2; exit 2; }
done

# One target's campaign: fuzz (restarting after crashes), merge, dedupe.
one() {
	local t=$1 name=${1#fuzz_} bin=$FZ/$1 w=$WORK/$1
	local corpus=$SRC/fuzz/corpus/$name regress=$SRC/fuzz/regress/$name
	rm -rf "$w" && mkdir -p "$w/new" "$w/crashes" "$corpus"
	local start end left runs=0 rc
	start=$(date +%s)
	end=$((start + TIME))
	# Not fuzz/regress/: an open finding there would end every run at once.
	local seeds=("$corpus")
	: >"$w/log"
	# Findings still open in another branch's file would end every run at
	# once: the target skips those invariants (see its header).
	if grep -qs "^$name/" "$SRC/fuzz/regress/OPEN"; then
		export VJ_FUZZ_SKIP_OPEN=1
	else
		unset VJ_FUZZ_SKIP_OPEN
	fi
	while left=$((end - $(date +%s))) && [ "$left" -gt 0 ]; do
		# -close_fd_mask=3: the targets' own output is noise; libFuzzer
		# keeps its stats and the crash report on a copy of stderr.
		"$bin" -max_total_time="$left" -artifact_prefix="$w/crashes/" -close_fd_mask=3 \
		       -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		       ${FUZZ_FLAGS:-} "$w/new" "${seeds[@]}" >>"$w/log" 2>&1
		rc=$?
		runs=$((runs + 1))
		[ "$rc" != 0 ] || break # ran to its limit
		[ "$runs" -lt 200 ] || break # a target that crashes at once every time
	done
	local secs=$(($(date +%s) - start))
	[ "$secs" -gt 0 ] || secs=1
	# Merge what was found back into the checked-in corpus.
	"$bin" -merge=1 -close_fd_mask=3 "$corpus" "$w/new" >"$w/merge.log" 2>&1
	# Deduplicate crashes by the stack of their replay.
	local sigs=0 inputs=0
	for c in "$w"/crashes/*; do
		[ -f "$c" ] || continue
		inputs=$((inputs + 1))
		"$bin" "$c" >"$c.txt" 2>&1
		local sig
		# An oracle names the invariant it saw broken (fuzz/check.h):
		# that, not the stack, tells two findings of one target apart.
		sig=$(grep -m1 -oE 'fuzz oracle: .*' "$c.txt" | sed -E 's/^fuzz oracle: [^:]+:[0-9]+: //')
		[ -n "$sig" ] || sig=$(grep -E '^ +#[0-9]+ ' "$c.txt" |
		      grep -vE 'in (__sanitizer|__asan|__ubsan|fuzzer::|LLVMFuzzerRunDriver|main |__libc|_start|abort|raise|__GI_)' |
		      grep -vE 'compiler-rt|libc\.so|libFuzzer' |
		      sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in ([^ ]+).*/\1/' | head -3 | tr '\n' ' ')
		[ -n "$sig" ] || sig=$(grep -m1 -E 'ERROR|SUMMARY' "$c.txt")
		local h
		h=$(printf '%s' "$t $sig" | sha1sum | cut -c1-12)
		mkdir -p "$regress"
		if [ ! -e "$regress/crash-$h" ]; then
			cp "$c" "$regress/crash-$h"
			{ echo "# $t: $sig"; grep -E 'ERROR|SUMMARY|^ +#[0-9]' "$c.txt" |
			  sed -E 's/ \(BuildId: [0-9a-f]+\)//' | head -12; } \
				>"$regress/crash-$h.txt"
			sigs=$((sigs + 1))
		fi
	done
	# Totals over every run: execs, seconds, coverage at start and end.
	local execs cov0 cov1
	execs=$(awk -F: '/stat::number_of_executed_units/ {s += $4} END {print s + 0}' "$w/log")
	cov0=$(grep -m1 -oE 'INITED cov: [0-9]+' "$w/log" | grep -oE '[0-9]+$')
	cov1=$(grep -oE 'cov: [0-9]+' "$w/log" | tail -1 | grep -oE '[0-9]+$')
	printf '%-18s %6s %9s %8s %8s %5s/%-5s %s\n' "$t" "$secs" "$((execs / secs))" \
	       "$(find "$corpus" -type f | wc -l)" "+$(( ${cov1:-0} - ${cov0:-0} ))" \
	       "$sigs" "$inputs" "$execs" >"$w/row"
}
export -f one
export FZ TIME SRC WORK FUZZ_FLAGS

printf '%s\n' "${targets[@]}" | xargs -P "$JOBS" -I{} bash -c 'one {}'

{
	printf '%-18s %6s %9s %8s %8s %11s %s\n' target secs execs/s corpus newcov "crash(u/n)" execs
	for t in "${targets[@]}"; do cat "$WORK/$t/row"; done
} | tee "$WORK/summary.txt"
# A crash is a finding: make the campaign's exit status say so.
! grep -qE ' [1-9][0-9]*/[0-9]+ ' "$WORK/summary.txt" 2>/dev/null ||
	{ echo "run.sh: new crash signatures saved under fuzz/regress/ (see the .txt files)"; exit 1; }
