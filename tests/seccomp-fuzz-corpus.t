#!/bin/bash
# The seccomp fuzz targets' replay binaries (plain build; ASan+UBSan under
# SANITIZE=1) over their seed corpora, and fuzz_bpf_run over every
# truncation of the seeds (a cut program must be refused cleanly, never
# run).  fuzz_bpf_compile traps when a compiled policy disagrees with its
# semantics on any probe, so exit 0 means every seed compiled faithfully.
. "$(dirname "$0")/lib/tap.sh"
R="$VJ_BUILD/fuzz/replay"
C="$VJ_SRC/fuzz/corpus"
for t in run compile; do
	[ -x "$R/fuzz_bpf_$t" ] || bail "$R/fuzz_bpf_$t not built (make)"
done
for t in run compile; do
	n=$(find "$C/bpf_$t" -type f | wc -l)
	out=$("$R/fuzz_bpf_$t" "$C/bpf_$t" 2>&1); rc=$?
	is "$rc" 0 "fuzz_bpf_$t: seed corpus replays cleanly"
	like "$out" "replayed $n inputs" "fuzz_bpf_$t: all $n seeds ran"
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
i=0
for src in "$C"/bpf_run/*.bin; do
	len=$(stat -c %s "$src")
	for n in $(seq 0 5 "$len"); do head -c "$n" "$src" >"$T/t$i-$n"; done
	i=$((i + 1))
done
n=$(find "$T" -type f | wc -l)
out=$("$R/fuzz_bpf_run" "$T" 2>&1); rc=$?
is "$rc" 0 "fuzz_bpf_run: $n truncated programs replay cleanly"
like "$out" "replayed $n inputs" "fuzz_bpf_run: every truncation ran"
done_testing
