#!/bin/bash
# Finding 10: in a shared --netns, listen() on an unbound socket autobinds a
# port on 0.0.0.0 and accepted host connections; neither cgroup/bind4 nor
# Landlock saw it.  Now a connection to a tenant's listener whose address and
# port its bind rules do not allow is dropped (cgroup_skb/ingress) and
# audited; a listener the rules allow still accepts.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

command -v ip >/dev/null || bail "ip (iproute2) is needed"
NS="vjc-listen-$$"
ip netns add "$NS" || bail "ip netns add failed"
ip -n "$NS" link set lo up
trap 'ip netns del "$NS" 2>/dev/null; _vj_cleanup' EXIT

# try_connect PORT: 0 if a TCP connection to 127.0.0.1:PORT in the netns
# is established within 2 s
try_connect() {
	ip netns exec "$NS" timeout 3 python3 -c '
import socket, sys
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$1"
}

run_case() { # NAME POLICY-or-empty: sets sup, port, log
	local id=$1 pol=$2
	log="$VJ_TEST_TMP/$id.audit"
	cjail_bg "$id" ${pol:+--policy "$pol"} --netns "/run/netns/$NS" --audit-log "$log" \
		-- autolisten >"$VJ_TEST_TMP/$id.out" 2>"$VJ_TEST_TMP/$id.err"
	sup=$!
	wait_for grep -q '^port=' "$VJ_TEST_TMP/$id.out"
	port=$(fact port <"$VJ_TEST_TMP/$id.out")
}

# 1. Default policy: no bind rule allows anything.
id=$(new_id)
run_case "$id" ""
is "$(fact listen <"$VJ_TEST_TMP/$id.out")" ok "default policy: listen() on an unbound socket succeeds (autobind to port ${port:-?})"
nok "  a host connection to that port is refused (dropped)" try_connect "${port:-1}"
sleep 0.5
unlike "$(cat "$VJ_TEST_TMP/$id.out")" "accept=ok" "  the tenant accepted nothing"
wait_for grep -q '"cgroup_skb/ingress"' "$log"
like "$(grep '"cgroup_skb/ingress"' "$log")" "\"port\":${port:-x}" "  audited with the tenant's id, hook and port"
like "$(grep '"cgroup_skb/ingress"' "$log" | head -n1)" "\"id\":\"$id\"" "  ... the tenant's id"
kill -TERM "$sup" 2>/dev/null; kill -KILL "$(cvmm_pid "$id" 2>/dev/null)" 2>/dev/null
wait "$sup" 2>/dev/null

# 2. A policy whose bind rules allow every port: the listener accepts.
pol=$(write_policy bindall 's|^socket allow AF_INET$|socket allow AF_INET\nnet bind allow 0.0.0.0/0 port 1-65535|')
id=$(new_id)
run_case "$id" "$pol"
connect_soon() { try_connect "$1" || try_connect "$1"; }
ok "bind allowed by the policy: a host connection to the autobound port ${port:-?} is accepted" connect_soon "${port:-1}"
ok "  the tenant accepted it" wait_for grep -q accept=ok "$VJ_TEST_TMP/$id.out"
grep -q accept=ok "$VJ_TEST_TMP/$id.out" || diag "$(cat "$VJ_TEST_TMP/$id.out" "$VJ_TEST_TMP/$id.err"; grep -o '"hook":"[^"]*"\|"detail":"[^"]*"\|"port":[0-9]*' "$log")"
wait "$sup"
done_testing
