#!/bin/bash
# Jailed fuzzing (fuzz/jailed/vmjail-fuzz, docs/fuzzing.md) proven with the
# planted target: a plain crash ("P!": SIGSEGV), one that first calls a
# syscall every policy forbids ("S!": uselib, then SIGSEGV), and one that
# first forks ("F!"), which only qemu.policy forbids, and one that loops
# forever ("H!": killed after -timeout=1, labelled `hang`).  Under
# policies/default.policy (one worker) and policies/qemu.policy (two
# workers, the fork server's needs added for the campaign and taken back in
# every child), each in real jails: the crashes are collected outside the
# jail, the plain one labelled `contained` with SIGSEGV and no audit record,
# the other `hit-policy` with SIGSYS and the seccomp kill record of that
# child's pid; and the jail was built once per worker (one "exec" lifecycle
# record per audit log, however many children crashed).
. "$(dirname "$0")/lib/tap.sh"
require_root
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test-fuzz}
W="$VJ_BUILD/fuzz/jailed/planted"
[ -x "$W" ] || bail "$W not built (make fuzz-jailed)"
[ -x "$VJ_BUILD/vmjail" ] || bail "vmjail not built"
T=$(mktemp -d /tmp/vj-fuzz-jailed.XXXXXX)
trap 'rm -rf "$T"' EXIT

# crashes LABEL-GLOB TRIGGER: the crash inputs so labelled that begin with TRIGGER
crashes() {
	find "$out/crashes" -name "$1" ! -name '*.txt' -exec grep -l "^$2" {} + 2>/dev/null
}

check() { # policy workers label-of-the-fork
	local pol=$1 n=$2 fork=$3 out
	out="$T/$(basename "$1" .policy)"
	VMJAIL="$VJ_BUILD/vmjail" "$VJ_SRC/fuzz/jailed/vmjail-fuzz" --policy "$VJ_SRC/policies/$pol" \
		--workers "$n" --time 8 --out "$out" -- "$W" -max_crashes=12 -timeout=1 >"$T/out" 2>&1
	is "$?" 0 "$pol: vmjail-fuzz ran $n jailed worker(s)"
	local c h
	c=$(crashes 'contained-sig11-*' 'P!' | head -1)
	h=$(crashes 'hit-policy-sig31-*' 'S!' | head -1)
	ok "$pol: the plain crash (P!) is labelled contained with SIGSEGV" test -n "$c"
	nok "$pol: no audit record for it" grep -q '"kind":"enforcement"' "${c:-/dev/null}.txt"
	is "$(crashes 'hit-policy-*' 'P!')" "" "$pol: no plain crash is labelled hit-policy"
	ok "$pol: the forbidden-syscall crash (S!) is labelled hit-policy with SIGSYS" test -n "$h"
	ok "$pol: with the seccomp kill record of uselib for its pid" \
		grep -q '"enforcer":"seccomp","syscall":"uselib".*"action":"kill"' "${h:-/dev/null}.txt"
	is "$(crashes 'contained-*' 'S!')" "" "$pol: no contained crash ran the forbidden syscall"
	local f
	f=$(crashes "$fork-*" 'F!' | head -1)
	ok "$pol: the forking crash is labelled $fork" test -n "$f"
	if [ "$fork" = hit-policy ]; then
		ok "$pol: with the seccomp kill record of clone (the fork the campaign copy allows is taken back)" \
			grep -q '"enforcer":"seccomp","syscall":"clone".*"action":"kill"' "${f:-/dev/null}.txt"
	fi
	local g
	g=$(crashes 'hang-sig9-*' 'H!' | head -1)
	ok "$pol: the endless loop (H!) is killed after -timeout and labelled hang" test -n "$g"
	is "$(grep -h -c '^done ' "$out"/w*.rep | awk '{s += $1} END {print s}')" "$n" \
		"$pol: every worker ended its campaign and reported (no hang held it)"
	local restarts execs
	restarts=$(grep -h -c '^crash ' "$out"/w*.rep | awk '{s += $1} END {print s}')
	execs=$(grep -h -c '"type":"exec"' "$out"/w*.audit.jsonl | awk '{s += $1} END {print s}')
	ok "$pol: $restarts crashes, restarted inside $n jail(s) built once ($execs exec records)" \
		test "$restarts" -gt "$n" -a "$execs" = "$n"
	diag "$(tail -4 "$out/summary.txt")"
}
check default.policy 1 contained
check qemu.policy 2 hit-policy
done_testing
