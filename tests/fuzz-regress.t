#!/bin/bash
# Every crash a campaign found (fuzz/regress/TARGET/crash-*, saved by
# `make fuzz-run`) replayed through its target's plain replay binary (ASan+
# UBSan under SANITIZE=1), one process per input: each must run to the end,
# the bug it found staying fixed.  A finding still open in a file another
# branch owns is listed in fuzz/regress/OPEN ("TARGET/crash-ID owner: why")
# and reported as TODO until that fix lands; once it passes, the line goes.
. "$(dirname "$0")/lib/tap.sh"
R="$VJ_BUILD/fuzz/replay"
D="$VJ_SRC/fuzz/regress"
n=0
for c in "$D"/*/crash-*; do
	[ -f "$c" ] && [ "${c%.txt}" = "$c" ] || continue
	name=$(basename "$(dirname "$c")")
	id="$name/$(basename "$c")"
	[ -x "$R/fuzz_$name" ] || bail "$R/fuzz_$name not built (make)"
	out=$("$R/fuzz_$name" "$c" 2>&1); rc=$?
	why=$(head -1 "$c.txt" 2>/dev/null | sed 's/^# //')
	open=$(grep -E "^$id " "$D/OPEN" 2>/dev/null | cut -d' ' -f2-)
	if [ -n "$open" ]; then
		_tap_n=$((_tap_n + 1))
		if [ "$rc" = 0 ]; then
			echo "ok $_tap_n - $id replays cleanly # TODO $open"
		else
			echo "not ok $_tap_n - $id replays cleanly # TODO $open"
		fi
	else
		is "$rc" 0 "$id replays cleanly ($why)"
		[ "$rc" = 0 ] || diag "$(grep -E 'fuzz oracle|ERROR|SUMMARY' <<<"$out" | head -3)"
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || skip "no regression inputs yet"
done_testing
