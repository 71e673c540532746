#!/bin/bash
# Jailed fuzzing of a harness from outside the project (docs/fuzzing.md):
# fuzz/jailed/fdt.c around Debian's libfdt, linked from the system.  Under
# policies/default.policy, one worker in a real jail: vmjail binds the shared
# library the harness needs (the worker starts and runs inputs), and the two
# crashes planted behind libfdt's parse are collected outside the jail and
# labelled as the jailed mode labels crashes: the abort `contained` with
# SIGABRT and no enforcement record, the one that calls uselib first
# `hit-policy` with SIGSYS and the seccomp kill record of that child's pid.
# 20 s: in 10 s the uselib plant was missed in 2 of 7 runs (each libfdt crash
# costs a restart). The same campaign unjailed, side by side, gives the execs/s ratio (printed,
# not asserted: on a shared machine the spread is larger than the jail's cost).
. "$(dirname "$0")/lib/tap.sh"
require_root
if ! dpkg-query -W -f='${Status}' libfdt-dev 2>/dev/null | grep -q 'ok installed'; then
	echo "1..0 # SKIP libfdt-dev is not installed (.ci/fuzz-deps installs it)"
	exit 0
fi
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test-fuzz}
W="$VJ_BUILD/fuzz/jailed/fdt"
[ -x "$W" ] && [ -x "$VJ_BUILD/fuzz/jailed/fdt_seed" ] || bail "$W not built (make fuzz-jailed)"
[ -x "$VJ_BUILD/vmjail" ] || bail "vmjail not built"
T=$(mktemp -d /tmp/vj-fuzz-fdt.XXXXXX)
trap 'rm -rf "$T"' EXIT

like "$(ldd "$W")" 'libfdt\.so\.1 => /(usr/)?lib/[a-z0-9_-]+/libfdt\.so\.1' "the harness links the system's libfdt"
mkdir "$T/seeds"
"$VJ_BUILD/fuzz/jailed/fdt_seed" >"$T/seeds/tree.dtb"
is "$(head -c4 "$T/seeds/tree.dtb" | od -An -tx1 | tr -d ' ')" d00dfeed "a device tree seed made with libfdt"

run() { # OUT [vmjail-fuzz options]
	local out=$1
	shift
	VMJAIL="$VJ_BUILD/vmjail" "$VJ_SRC/fuzz/jailed/vmjail-fuzz" "$@" --workers 1 --time 20 \
		--seeds "$T/seeds" --out "$T/$out" -- "$W" -max_crashes=40 -timeout=2 >"$T/$out.out" 2>&1
}
run jailed --policy "$VJ_SRC/policies/default.policy" &
j=$!
run unjailed --unjailed &
u=$!
wait "$j"
is "$?" 0 "vmjail-fuzz ran a jailed worker under default.policy"
wait "$u"
out=$T/jailed
ok "the jailed worker ran inputs (execs reported)" grep -qE '^execs [1-9][0-9]* ' "$out/summary.txt"
c=$(find "$out/crashes" -name 'contained-sig6-*' ! -name '*.txt' | head -1)
h=$(find "$out/crashes" -name 'hit-policy-sig31-*' ! -name '*.txt' | head -1)
ok "the planted abort, behind libfdt's parse, is labelled contained with SIGABRT" test -n "$c"
nok "no enforcement record for it" grep -q '"kind":"enforcement"' "${c:-/dev/null}.txt"
ok "the planted uselib is labelled hit-policy with SIGSYS" test -n "$h"
ok "with the seccomp kill record of uselib for its pid" \
	grep -q '"enforcer":"seccomp","syscall":"uselib".*"action":"kill"' "${h:-/dev/null}.txt"
is "$(find "$out/crashes" -name 'hit-policy-sig6-*' -o -name 'contained-sig31-*')" "" \
	"no abort labelled hit-policy, no seccomp kill labelled contained"
ok "both crash inputs are device trees (d00dfeed)" \
	test "$(cat "${c:-/dev/null}" "${h:-/dev/null}" | head -c4 | od -An -tx1 | tr -d ' ')" = d00dfeed
je=$(grep -oE '[0-9]+ execs/s' "$out/summary.txt" | grep -oE '^[0-9]+')
ue=$(grep -oE '[0-9]+ execs/s' "$T/unjailed/summary.txt" | grep -oE '^[0-9]+')
diag "jailed $je execs/s, unjailed $ue execs/s side by side (ratio $(awk -v a="${je:-0}" -v b="${ue:-0}" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'))"
diag "$(tail -4 "$out/summary.txt")"
done_testing
