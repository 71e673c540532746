#!/bin/bash
# vmjaild's command line: --help documents the exit codes, and each exit code
# happens when it says: bad usage 2, a second daemon on the same run dir 3,
# an unsafe run dir 4, SIGTERM 0; follow without a daemon 1.  Also the
# systemd unit names the binary and restarts it.
. "$(dirname "$0")/lib/tap.sh"
require_root
V="$VJ_BUILD/vmjaild"
[ -x "$V" ] || bail "$V not built"
T=$(mktemp -d /run/vj-audit-cli.XXXXXX 2>/dev/null || mktemp -d)
trap 'kill $D 2>/dev/null; rm -rf "$T"' EXIT

help=$("$V" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$help" "Exit status:" "--help lists the exit statuses"
for c in 0 1 2 3 4; do like "$help" "  $c  " "--help explains exit status $c"; done
like "$("$V" --version)" "^vmjaild [0-9]" "--version prints the version"

"$V" --no-such-option 2>/dev/null; is "$?" 2 "unknown option: exit 2"
"$V" --rotate-size 12Q 2>/dev/null; is "$?" 2 "bad size: exit 2"
"$V" --kernel sometimes 2>/dev/null; is "$?" 2 "bad --kernel mode: exit 2"
"$V" stray-arg 2>/dev/null; is "$?" 2 "stray argument: exit 2"

mkdir "$T/real" && ln -s "$T/real" "$T/link"
"$V" --run-dir "$T/link" --kernel off 2>"$T/err"; rc=$?
is "$rc" 4 "run dir that is a symlink: exit 4"
like "$(cat "$T/err")" "vmjaild: " "the reason is printed on stderr"
mkdir -m 0777 "$T/open"
"$V" --run-dir "$T/open" --kernel off 2>/dev/null; is "$?" 4 "world-writable run dir: exit 4"

"$V" --run-dir "$T/run" --kernel off --log "$T/host.log" & D=$!
for _ in $(seq 100); do [ -S "$T/run/vmjaild.sock" ] && break; sleep 0.05; done
ok "daemon listens on RUN_DIR/vmjaild.sock" test -S "$T/run/vmjaild.sock"
ok "subscriber socket RUN_DIR/events.sock exists" test -S "$T/run/events.sock"
is "$(stat -c %a "$T/run/vmjaild.sock")" 600 "ingest socket is 0600"
is "$(stat -c %a "$T/run/events.sock")" 600 "subscriber socket is 0600"
"$V" --run-dir "$T/run" --kernel off 2>/dev/null; is "$?" 3 "second daemon on the same run dir: exit 3"
kill -TERM $D; wait $D; is "$?" 0 "SIGTERM: exit 0"
ok "clean stop removes the ingest socket (supervisors then spool)" test ! -e "$T/run/vmjaild.sock"
D=

"$V" follow --run-dir "$T/run" 2>/dev/null; is "$?" 1 "follow without a daemon: exit 1"
"$V" follow --tenant 'bad/id' 2>/dev/null; is "$?" 2 "follow with an invalid tenant id: exit 2"

unit="$VJ_SRC/dist/vmjaild.service.in"
ok "systemd unit exists" test -f "$unit"
like "$(grep '^ExecStart=' "$unit")" "vmjaild" "unit starts vmjaild"
like "$(grep '^Restart=' "$unit")" "always|on-failure" "unit restarts the daemon"
done_testing
