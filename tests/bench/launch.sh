#!/bin/bash
# Launch: one jailed launch and teardown of a static program under the
# default policy with every available layer, against a bare fork+exec,
# `unshare` with the same namespaces, and bubblewrap --unshare-all;
# interleaved, median and p99.
. "$(dirname "$0")/lib.sh"
runs=200
tiny && runs=5
# warm: programs pinned, probe cache and seccomp cache filled
"$V" --id warm$$ --exec-file "$TRUE_BIN" $JAIL_COMMON >/dev/null
out=$("$TIMEIT" -n "$runs" -w 3 \
	fork+exec "$TRUE_BIN" \
	unshare "unshare -m -p -i -n -u -f $TRUE_BIN" \
	bwrap "bwrap --unshare-all --ro-bind $TRUE_BIN /probe --dev /dev /probe" \
	vmjail "$V --id l$$ --exec-file $TRUE_BIN $JAIL_COMMON")
printf '%s\n' "$out" >"$OUT/launch.tsv"
get() { printf '%s\n' "$out" | awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f }'; }
bw=$(get bwrap 3)
for n in fork+exec unshare bwrap vmjail; do
	result launch "$n median ($runs runs)" "$(ms "$(get $n 3)")" ms
	result launch "$n p99" "$(ms "$(get $n 4)")" ms
done
result launch "vmjail / bwrap (median)" "$(ms "$(get vmjail 3)")" ms "$(ms "$bw")" 0.8
result launch "vmjail / bwrap (p99)" "$(ms "$(get vmjail 4)")" ms "$(ms "$(get bwrap 4)")" ""
