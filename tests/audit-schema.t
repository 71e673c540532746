#!/bin/bash
# audit/SCHEMA.md: every example line is one JSON object that jq parses, has
# the envelope, uses only the documented kinds, types and enforcers, and every
# documented lifecycle type and enforcer has an example.
. "$(dirname "$0")/lib/tap.sh"
command -v jq >/dev/null || bail "jq is required"
schema="$VJ_SRC/audit/SCHEMA.md"
lines=$(awk '/^```json$/{f=1;next} /^```$/{f=0} f' "$schema")
n=$(printf '%s\n' "$lines" | grep -c .)
ok "SCHEMA.md has examples ($n lines)" test "$n" -ge 24
is "$(printf '%s\n' "$lines" | jq -c . 2>/dev/null | wc -l)" "$n" "jq reads one object per example line"
is "$(printf '%s\n' "$lines" | jq -r 'select(.schema==1 and (.seq|type)=="number" and (.time|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$")) and (.host|type)=="string" and (.boot_id|type)=="string") | 1' | wc -l)" "$n" "every example has schema, seq, RFC 3339 ns time, host, boot_id"
bad=$(printf '%s\n' "$lines" | jq -r 'select((.kind|IN("lifecycle","enforcement","loss")|not) or (.kind=="enforcement" and (.type|IN("deny","kill","log")|not)) or (.kind=="loss" and .type!="loss")) | .seq')
is "$bad" "" "kinds and types are the documented ones"
for t in created exec paused resumed suspended restored exited oom-killed pids-limit ttl-expired killed cleaned launch-failed layer-skipped; do
	c=$(printf '%s\n' "$lines" | jq -r --arg t "$t" 'select(.kind=="lifecycle" and .type==$t) | 1' | wc -l)
	ok "lifecycle $t has an example" test "$c" -ge 1
done
is "$(printf '%s\n' "$lines" | jq -r 'select(.type=="exited") | if .lifecycle.exit_code != null then "code" else "signal" end' | sort | tr '\n' ' ')" "code signal " "exited is shown with an exit code and with a signal"
for e in seccomp landlock cgroup-bpf exec-once bpf-lsm apparmor; do
	c=$(printf '%s\n' "$lines" | jq -r --arg e "$e" 'select(.kind=="enforcement" and .decision.enforcer==$e) | 1' | wc -l)
	ok "enforcement by $e has an example" test "$c" -ge 1
done
ok "a loss record example with source, count, since_seq" \
	test "$(printf '%s\n' "$lines" | jq -r 'select(.kind=="loss" and (.loss.source|type)=="string" and (.loss.count|type)=="number" and (.loss.since_seq|type)=="number") | 1' | wc -l)" -ge 1
ok "the hostile example keeps its newline and quote inside the string" \
	test "$(printf '%s\n' "$lines" | jq -r 'select(.actor.comm? == "sh\n{\"x\":1}") | .object.path')" = '/tmp/a"b'
done_testing
