#!/bin/bash
# The fuzz targets' replay binaries (fuzz/replay.c, plain build; ASan+UBSan
# under SANITIZE=1) run over the checked-in seed corpora, every shipped
# policy and the JSON fixtures: each input must run to completion (a crash,
# a sanitizer report or a failed invariant trap is a non-zero exit).
. "$(dirname "$0")/lib/tap.sh"
require_root
R="$VJ_BUILD/fuzz/replay"
[ -x "$R/fuzz_policy" ] && [ -x "$R/fuzz_policy_json" ] || bail "replay binaries not built (make)"

out=$("$R/fuzz_policy" "$VJ_SRC/fuzz/corpus/policy" 2>&1); rc=$?
is "$rc" 0 "fuzz_policy: seed corpus replays cleanly"
like "$out" "replayed ([89]|[1-9][0-9]+) inputs" "fuzz_policy: all seeds ran"
out=$("$R/fuzz_policy" "$VJ_SRC"/policies/*.policy "$VJ_SRC"/policies/*.inc 2>&1); rc=$?
is "$rc" 0 "fuzz_policy: shipped policies replay cleanly"
out=$("$R/fuzz_policy_json" "$VJ_SRC/fuzz/corpus/policy_json" "$VJ_SRC/tests/policy-data/oci-profile.json" 2>&1); rc=$?
is "$rc" 0 "fuzz_policy_json: seeds and the OCI fixture replay cleanly"
like "$out" "replayed ([7-9]|[1-9][0-9]+) inputs" "fuzz_policy_json: all inputs ran"

# Inputs made here: every prefix of a real policy (truncation at each byte),
# and the policy with each byte flipped to NUL, '{', '"' and 0xff in turn.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
src="$VJ_SRC/fuzz/corpus/policy/every-statement.policy"
len=$(stat -c %s "$src")
mkdir "$T/c"
for i in $(seq 0 7 "$len"); do head -c "$i" "$src" >"$T/c/p$i"; done
i=0
for b in '\000' '{' '"' '\377'; do
	for off in 9 40 200 600 1000; do
		{ head -c "$off" "$src"; printf "$b"; tail -c +$((off + 2)) "$src"; } >"$T/c/f$i"
		i=$((i + 1))
	done
done
out=$("$R/fuzz_policy" "$T/c" 2>&1); rc=$?
is "$rc" 0 "fuzz_policy: truncated and corrupted policies replay cleanly"
like "$out" "replayed [0-9]+ inputs" "fuzz_policy: generated inputs ran"
done_testing
