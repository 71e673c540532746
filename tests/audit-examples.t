#!/bin/bash
# audit/examples: the collector configurations read the file vmjaild.service
# writes, Loki is labelled with host and tenant only, Kafka is keyed by
# tenant, Elasticsearch deduplicates on boot_id:seq, and the Vector files are
# valid TOML.
. "$(dirname "$0")/lib/tap.sh"
E="$VJ_SRC/audit/examples"
log=$(sed -n 's/^ExecStart=.*--log \([^ ]*\).*/\1/p' "$VJ_SRC/dist/vmjaild.service.in")
like "$log" "^/var/log/vmjail/" "the unit writes the host stream under /var/log/vmjail ($log)"
for f in vector-kafka.toml vector-elasticsearch.toml vector-loki.toml fluent-bit.conf rsyslog-omkafka.conf; do
	ok "$f reads $log" grep -qF "$log" "$E/$f"
done
is "$(grep -o '^labels\.[a-z_]*' "$E/vector-loki.toml" | sort | tr '\n' ' ')" "labels.host labels.tenant " \
	"Vector -> Loki: labels host and tenant only"
is "$(sed -n 's/^ *Labels *//p' "$E/fluent-bit.conf" | tr -d ' ')" 'host=$host,tenant=$vmjail_tenant' \
	"Fluent Bit -> Loki: labels host and tenant only"
ok "Fluent Bit has no label_keys (they would add labels)" bash -c "! grep -qi '^ *label_keys' '$E/fluent-bit.conf'"
ok "Vector -> Kafka keyed by tenant" grep -q 'tenant.id' "$E/vector-kafka.toml"
ok "Fluent Bit -> Kafka keyed by tenant" grep -q '^ *Message_Key_Field *vmjail_tenant' "$E/fluent-bit.conf"
ok "rsyslog -> Kafka keyed by tenant" grep -q 'dynaKey="on"' "$E/rsyslog-omkafka.conf"
ok "rsyslog raises maxMessageSize above the 64 KiB record limit" grep -q 'maxMessageSize="128k"' "$E/rsyslog-omkafka.conf"
ok "Vector -> Elasticsearch ids are boot_id:seq" grep -q 'id_key = "event_id"' "$E/vector-elasticsearch.toml"
ok "Fluent Bit -> Elasticsearch ids are boot_id:seq" grep -q '^ *Id_Key *event_id' "$E/fluent-bit.conf"
ok "no configuration drops on a full buffer" bash -c "! grep -qi 'when_full *= *\"drop' '$E'/*.toml"
if command -v python3 >/dev/null && python3 -c 'import tomllib' 2>/dev/null; then
	for f in "$E"/*.toml; do
		ok "$(basename "$f") is valid TOML" python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$f"
	done
else
	skip "python3 with tomllib not installed: TOML syntax not checked"
fi
done_testing
