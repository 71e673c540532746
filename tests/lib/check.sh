#!/bin/bash
# `make check`'s runner:  check.sh PROVE-ARGS... TEST-FILES...
# Runs prove, its output also in $VJ_BUILD/check.log and each test's TAP in
# $VJ_BUILD/check/, then prints every skip (per file: how many, and why),
# because a skip is not a pass: the reader must see what was not proven on
# this machine.  Exits with prove's status, so any failure fails the build.
set -u -o pipefail
: "${VJ_BUILD:?}" "${VJ_SRC:?}"
PROVE=${PROVE:-prove}
log=$VJ_BUILD/check.log
export VJ_CHECK_TAP=$VJ_BUILD/check
rm -rf "$VJ_CHECK_TAP"
mkdir -p "$VJ_CHECK_TAP"
start=$(date +%s)
# shellcheck disable=SC2086 # PROVE may carry its own options
$PROVE --exec "$(cd "$(dirname "$0")" && pwd)/tap-tee.sh" "$@" 2>&1 | tee "$log"
rc=$?
took=$(($(date +%s) - start))

# skips: per file, "N × reason" lines; then the totals
skips() {
	set -- "$VJ_CHECK_TAP"/*.tap
	[ -e "$1" ] || { echo "==> no test ran"; return; }
	awk -v src="$VJ_SRC/" '
	function flush() {
		if (name == "" || (nsub == 0 && whole == "")) return
		files++
		if (whole != "") {
			wholes++
			printf "%s: whole file skipped: %s\n", name, whole
			return
		}
		printf "%s: %d skipped\n", name, nsub
		for (i = 1; i <= nr; i++) printf "    %d x %s\n", cnt[order[i]], order[i]
	}
	FNR == 1 {
		flush()
		name = ""; whole = ""; nsub = 0; nr = 0; delete cnt; delete order
		if ($1 == "#" && $2 == "file") { name = $3; sub("^" src, "", name) }
		next
	}
	/^1\.\.0([ \t]|$)/ {
		w = $0; sub(/^1\.\.0[ \t]*(#[ \t]*)?([Ss][Kk][Ii][Pp][A-Za-z]*)?[ \t]*/, "", w)
		whole = w == "" ? "(no reason given)" : w
		next
	}
	/^ok [0-9]+[^#]*#[ \t]*[Ss][Kk][Ii][Pp]/ {
		r = $0; sub(/^[^#]*#[ \t]*[Ss][Kk][Ii][Pp][A-Za-z]*[ \t]*/, "", r)
		if (r == "") r = "(no reason given)"
		if (!(r in cnt)) order[++nr] = r
		cnt[r]++; nsub++; total++
	}
	END {
		flush()
		printf "==> %d subtests skipped, %d whole files skipped, in %d files\n", total, wholes, files
	}' "$@"
}

# failures: the last lines of `make check`'s output are often all a reader
# (or a CI page) shows, so every failing file is named there with its first
# "not ok" lines and the diagnostic under each, capped so it stays short.
failures() {
	set -- "$VJ_CHECK_TAP"/*.tap
	[ -e "$1" ] || return 0
	awk -v src="$VJ_SRC/" -v cap=24 '
	function say(s) { if (shown < cap) print s; else hidden++; shown++ }
	FNR == 1 { name = $3; sub("^" src, "", name); diag = 0; nok = 0; planned = -1; seen = 0; next }
	/^1\.\.[0-9]+/ { planned = substr($1, 4) + 0 }
	/^(not )?ok [0-9]+/ { seen++ }
	/^not ok [0-9]+/ && !/#[ \t]*[Tt][Oo][Dd][Oo]/ {
		nok++; bad++
		if (nok <= 3) { say("FAIL " name ": " $0); diag = 3 } else diag = 0
		next
	}
	/^#/ && diag > 0 && !/^# exit / { say("       " $0); diag--; next }
	/^# exit [0-9]+$/ {
		if ($3 != 0 && nok == 0) { bad++; say("FAIL " name ": exit " $3 ", " seen " of " (planned < 0 ? "?" : planned) " tests reported") }
		else if (nok > 3) say("FAIL " name ": ... " nok " not ok in all")
		next
	}
	{ diag = 0 }
	END {
		if (hidden > 0) printf "       (%d more lines: see the TAP files)\n", hidden
	}' "$@"
}

# where this ran: the kernel, the cgroup layout, KVM
host() {
	local cg kvm=absent
	case $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) in
	cgroup2fs) cg=cgroup2-only ;;
	tmpfs) [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && cg=hybrid || cg=v1 ;;
	*) cg=none ;;
	esac
	[ -c /dev/kvm ] && kvm=present
	echo "==> ran on: Linux $(uname -r), $(nproc) CPUs, cgroups $cg, /dev/kvm $kvm"
}

{
	echo
	host
	echo "==> skips (a skip is not a pass; each says what this machine lacks)"
	skips
	if [ "$rc" = 0 ]; then
		echo "==> make check: PASS in ${took}s (log: $log, TAP of each test: $VJ_CHECK_TAP/)"
	else
		echo "==> failures (first lines of each):"
		failures
		echo "==> make check: FAILED (prove exit $rc) in ${took}s (log: $log, TAP of each test: $VJ_CHECK_TAP/)"
	fi
} | tee -a "$log"
exit "$rc"
