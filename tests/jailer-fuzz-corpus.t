#!/bin/bash
# The jailer's parser fuzz targets (fuzz_cli, fuzz_mountinfo, fuzz_state,
# and fuzz_landlock_rules, the Landlock rule builder fed from policies;
# plain build, ASan+UBSan under SANITIZE=1) replayed over their seed corpora,
# over this machine's live mountinfo, and over inputs made here: every
# truncation of a real command line, mountinfo line and state record, and
# those inputs with bytes flipped to the separators each parser splits on.
# Each target traps on a broken invariant (an accepted command line without
# its mode's flags, a mountinfo field outside its line, a state record that
# does not survive vj_state_write + vj_state_read, a Landlock rule granting
# execute beyond the VMM or rights the ruleset does not handle), so exit 0 means every
# input held them.
. "$(dirname "$0")/lib/tap.sh"
# fuzz_state writes and re-reads records, and the reader wants them root's.
require_root
R="$VJ_BUILD/fuzz/replay"
C="$VJ_SRC/fuzz/corpus"
for t in cli mountinfo state landlock_rules; do
	[ -x "$R/fuzz_$t" ] || bail "$R/fuzz_$t not built (make)"
done
for t in cli mountinfo state landlock_rules; do
	n=$(find "$C/$t" -type f | wc -l)
	out=$("$R/fuzz_$t" "$C/$t" 2>&1); rc=$?
	is "$rc" 0 "fuzz_$t: seed corpus replays cleanly"
	like "$out" "replayed $n inputs" "fuzz_$t: all $n seeds ran"
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# /proc files report size 0: replay a copy.
cat /proc/self/mountinfo >"$T/live-mountinfo"
out=$("$R/fuzz_mountinfo" "$T/live-mountinfo" 2>&1); rc=$?
is "$rc" 0 "fuzz_mountinfo: this machine's mountinfo replays cleanly"

# gen TARGET SRC STEP BYTES...: every STEPth truncation of SRC, and SRC with
# one byte replaced by each of BYTES (printf formats: %% for a percent sign)
# at offsets through the whole input.
gen() {
	local t=$1 src=$2 step=$3 len off b i=0
	shift 3
	len=$(stat -c %s "$src")
	mkdir -p "$T/$t"
	for off in $(seq 0 "$step" "$len"); do head -c "$off" "$src" >"$T/$t/cut$off"; done
	for b in "$@"; do
		for off in $(seq 1 $((len / 12 + 1)) "$len"); do
			[ "$off" -lt "$len" ] || continue
			{ head -c "$off" "$src"; printf "$b"; tail -c +$((off + 2)) "$src"; } >"$T/$t/flip$i-$off"
		done
		i=$((i + 1))
	done
}
gen cli "$C/cli/launch_qemu_equals" 5 '\000' '=' '-' ':' '\377'
gen mountinfo "$C/mountinfo/host_escaped" 3 '\000' ' ' '\\' '\n' '-' ':' '\377'
gen state "$C/state/real_sleep" 3 '\000' '\n' '=' '%%' ' ' '\377'
for t in cli mountinfo state; do
	n=$(find "$T/$t" -type f | wc -l)
	out=$("$R/fuzz_$t" "$T/$t" 2>&1); rc=$?
	is "$rc" 0 "fuzz_$t: $n truncated and corrupted inputs replay cleanly"
	like "$out" "replayed $n inputs" "fuzz_$t: every generated input ran"
done
done_testing
