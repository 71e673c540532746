#!/bin/bash
# audit/examples/rsyslog-omkafka.conf run for real: Debian's rsyslogd (own
# config, pid file and work dir in a temp dir; the system's rsyslog is not
# touched) tails a vmjaild host stream with the example's imfile input,
# mmjsonparse and %rawmsg% template, and writes what it would send to Kafka
# to a file instead (omkafka is swapped for omfile: no broker here).  The
# output must be the stream byte for byte (a real jail's records, and
# hostile records up to ~57 KiB, beyond rsyslog's default 8 KiB), and the
# Kafka key template must yield each record's tenant.  A vmjaild rotation
# (rename + new file) in the middle loses nothing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
command -v jq >/dev/null || bail "jq is required"
RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ ! -x "$RSYSLOGD" ]; then
	skip "rsyslogd not installed (make deps installs rsyslog)"
	done_testing
	exit
fi
GEN="$VJ_BUILD/tests/test_audit_ocsf.t"
[ -x "$GEN" ] || bail "$GEN not built"
EX="$VJ_SRC/audit/examples/rsyslog-omkafka.conf"
R="$VJ_TEST_TMP/rsyslog"
mkdir -p "$R/work" "$R/log"
IN="$R/log/audit.jsonl"
OUT="$R/out.jsonl"
KEYS="$R/keys.txt"
RUN=$(mktemp -d /run/vj-rsyslog.XXXXXX)
D= RS=
trap 'kill $D $RS 2>/dev/null; wait $D $RS 2>/dev/null; rm -rf "$RUN"; _vj_cleanup' EXIT

# The example with its paths moved into the temp dir and the Kafka action
# replaced by files; everything else (global, modules, input, parser,
# templates, ruleset) is the example's own text.
sed -e "s|/var/log/vmjail/audit.jsonl|$IN|" \
	-e '/^module(load="omkafka")/d' \
	-e "s|^global(maxMessageSize=\"128k\")|global(maxMessageSize=\"128k\" workDirectory=\"$R/work\")|" \
	-e '/^template(name="vmjail_key"/a\
# what omkafka would send (the message, the key), one per line\
template(name="vmjail_raw_line" type="string" string="%rawmsg%\\n")\
template(name="vmjail_key_line" type="string" string="%$!tenant!id%\\n")' \
	-e '/^    action(type="omkafka"/,/action.resumeRetryCount/c\
    action(type="omfile" file="'"$OUT"'" template="vmjail_raw_line")\
    action(type="omfile" file="'"$KEYS"'" template="vmjail_key_line")' \
	"$EX" >"$R/rsyslog.conf"
ok "the example keeps its input, parser and %rawmsg% template" \
	grep -q 'template="vmjail_raw_line"' "$R/rsyslog.conf"
is "$(grep -c 'type="omkafka"' "$R/rsyslog.conf")" 0 "  omkafka replaced by omfile"
out=$("$RSYSLOGD" -N1 -f "$R/rsyslog.conf" 2>&1)
is "$?" 0 "rsyslogd -N1 accepts the configuration" || diag "$out"

# A stream that starts with records from the encoder (every type, and a
# hostile 57 KiB one), then vmjaild appends a real jail's records.
"$GEN" --emit v1 >"$IN"
chmod 0600 "$IN"
big=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$IN")
ok "the stream has a record of $big bytes (rsyslog's default limit is 8 KiB)" test "$big" -gt 50000

"$RSYSLOGD" -n -f "$R/rsyslog.conf" -i "$R/rsyslogd.pid" 2>"$R/rsyslogd.err" &
RS=$!
wait_for test -s "$R/rsyslogd.pid"
ok "rsyslogd runs with its own pid file" test "$(cat "$R/rsyslogd.pid" 2>/dev/null)" = "$RS"

"$VJ_BUILD/vmjaild" --run-dir "$RUN" --kernel off --log "$IN" --rotate-size 64K --rotate-keep 3 \
	2>"$R/vmjaild.err" &
D=$!
wait_for test -S "$RUN/vmjaild.sock"
ok "vmjaild writes the stream (rotating at 64 KiB)" test -S "$RUN/vmjaild.sock"
id=$(new_id)
jail "$id" --run-dir "$RUN" -- syscall 101 >/dev/null 2>&1
is "$?" 159 "a jail reporting to vmjaild: killed by SIGSYS"
# its records arrive (the spool is scanned), then stop vmjaild
has_cleaned() { jq -e --arg id "$id" 'select(.tenant.id == $id and .type == "cleaned")' "$IN" >/dev/null 2>&1; }
wait_for has_cleaned
kill $D
wait $D
D=
ok "the log rotated (the 57 KiB record and the jail's pushed it past 64 KiB)" test -s "$IN.1"

# everything vmjaild wrote, oldest first
expect="$R/expect.jsonl"
for f in "$IN.3" "$IN.2" "$IN.1" "$IN"; do [ -f "$f" ] && cat "$f"; done >"$expect"
n=$(wc -l <"$expect")
got_all() { [ "$(wc -l <"$OUT" 2>/dev/null)" -ge "$n" ]; }
wait_for got_all
kill $RS
wait $RS
RS=
cmp -s "$expect" "$OUT"
is "$?" 0 "rsyslog wrote the stream out unchanged: $n records, $(wc -c <"$expect") bytes, byte for byte" ||
	diag "$(cmp "$expect" "$OUT" 2>&1 | head -3)" "$(tail -3 "$R/rsyslogd.err")"
is "$(jq -r '.tenant.id // ""' "$expect" | md5sum)" "$(md5sum <"$KEYS")" \
	"the Kafka key (mmjsonparse, %\$!tenant!id%) is each record's tenant"
is "$(grep -c "^$id\$" "$KEYS")" "$(jq -r --arg id "$id" 'select(.tenant.id == $id) | 1' "$expect" | wc -l)" \
	"  the jail's records are keyed by its id"
done_testing
