#!/bin/bash
# The audit fuzz targets' replay binaries (plain build; ASan+UBSan under
# SANITIZE=1) over their seed corpora and over inputs made here: every
# truncation of a real Landlock event and of a seccomp record, and the
# records with bytes flipped to NUL, '"', ' ', '=', '\n' and 0xff.  Each
# target traps on a broken invariant (an event that does not encode to one
# valid JSON line, an accepted frame that is not one), so exit 0 means every
# input held them.
. "$(dirname "$0")/lib/tap.sh"
R="$VJ_BUILD/fuzz/replay"
C="$VJ_SRC/fuzz/corpus"
for t in record json frame; do
	[ -x "$R/fuzz_audit_$t" ] || bail "$R/fuzz_audit_$t not built (make)"
done
for t in record json frame; do
	n=$(find "$C/audit_$t" -type f | wc -l)
	out=$("$R/fuzz_audit_$t" "$C/audit_$t" 2>&1); rc=$?
	is "$rc" 0 "fuzz_audit_$t: seed corpus replays cleanly"
	like "$out" "replayed $n inputs" "fuzz_audit_$t: all $n seeds ran"
done

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/rec" "$T/frame"
i=0
for src in "$C/audit_record/landlock_group" "$C/audit_record/seccomp_kill" "$C/audit_record/apparmor"; do
	len=$(stat -c %s "$src")
	for n in $(seq 0 3 "$len"); do head -c "$n" "$src" >"$T/rec/t$i-$n"; done
	for b in '\000' '"' ' ' '=' '\n' '\377'; do
		for off in 5 12 30 47 60 90 140 200 300 420; do
			[ "$off" -lt "$len" ] || continue
			{ head -c "$off" "$src"; printf "$b"; tail -c +$((off + 2)) "$src"; } >"$T/rec/f$i-$off"
			i=$((i + 1))
		done
	done
	i=$((i + 1))
done
n=$(find "$T/rec" -type f | wc -l)
out=$("$R/fuzz_audit_record" "$T/rec" 2>&1); rc=$?
is "$rc" 0 "fuzz_audit_record: $n truncated and corrupted records replay cleanly"
like "$out" "replayed $n inputs" "fuzz_audit_record: every generated input ran"

line='{"schema":1,"seq":7,"kind":"enforcement","tenant":{"id":"t-1"},"object":{"path":"a\"b\\\\c\u0000"}}'
len=${#line}
for n in $(seq 0 "$len"); do printf '%s\n' "${line:0:$n}" >"$T/frame/p$n"; done
out=$("$R/fuzz_audit_frame" "$T/frame" 2>&1); rc=$?
is "$rc" 0 "fuzz_audit_frame: every prefix of a record replays cleanly"
done_testing
