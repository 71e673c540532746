#!/bin/bash
# run-guest.sh --tap frames a guest test program's output exactly: the TAP
# lines between VMJAIL-TAP-BEGIN and VMJAIL-TAP-END and nothing else, its
# stderr after them as "# " diagnostics, and its exit status as ours.  The
# program here is a shell script (the guest has busybox) that fails on
# purpose.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
guest_require
plan 4

prog=$GUEST_TMP/fails.sh
cat >"$prog" <<'PROG'
#!/bin/sh
echo "1..2"
echo "ok 1 - first"
echo "a line on stderr" >&2
echo "not ok 2 - second"
exit 3
PROG
chmod +x "$prog"

rc=0
out=$("$RUN_GUEST" --tap "$prog" --timeout 120 --workdir "$GUEST_TMP/work" 2>"$GUEST_TMP/err") || rc=$?
is "$rc" 3 "run-guest.sh exits with the guest program's status"
is "$out" "1..2
ok 1 - first
not ok 2 - second
# a line on stderr" "exactly the program's TAP, then its stderr as diagnostics"
log=$(tr -d '\r' <"$GUEST_TMP/work/console.log")
like "$log" $'VMJAIL-TAP-BEGIN\n1..2\n' "the console frames it: VMJAIL-TAP-BEGIN first"
like "$log" $'\nVMJAIL-TAP-END rc=3\n' "the console frames it: VMJAIL-TAP-END rc=3 last"

done_testing
