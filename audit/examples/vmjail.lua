-- Fluent Bit Lua filter for the vmjail host stream: top-level copies of the
-- nested values outputs need (Kafka key, Elasticsearch id, Loki label).
-- Returns 2: record modified, timestamp kept.
function vmjail_keys(tag, ts, record)
    local tenant = record["tenant"]
    if type(tenant) == "table" and type(tenant["id"]) == "string" then
        record["vmjail_tenant"] = tenant["id"]
    else
        record["vmjail_tenant"] = "-"   -- unattributed kernel record, host loss record
    end
    if record["boot_id"] ~= nil and record["seq"] ~= nil then
        -- (boot_id, seq) identifies a record: duplicates collapse on it
        record["event_id"] = tostring(record["boot_id"]) .. ":" .. string.format("%d", record["seq"])
    end
    return 2, ts, record
end
