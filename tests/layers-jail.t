#!/bin/bash
# Host-native containment inside real jails: cgroup/dev, socket families,
# loopback connects, sysctl, Landlock paths, Landlock scoping of signals and
# abstract unix sockets, exec-once, and two tenants with different rules.
# Every refusal is also looked up in the jail's audit stream.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

NS="vjt$$"
ip netns add "$NS" || bail "ip netns add failed"
ip -n "$NS" link set lo up
PORT=7777
ip netns exec "$NS" "$PROBE" listen "$PORT" >"$VJ_TEST_TMP/listen.out" 2>&1 &
LISTENER=$!
ip netns exec "$NS" "$PROBE" listen-abstract "vjt-abstract-$$" >"$VJ_TEST_TMP/abstract.out" 2>&1 &
ABSTRACT=$!
# Another uid: while the tenant's own uid owns a process, a launch without a
# pid namespace is refused (tests/escape/host-reach.t).
setpriv --reuid="$((VJ_TEST_UID + 1))" --regid="$VJ_TEST_GID" --clear-groups sleep 120 &
OUTSIDER=$!
cleanup_layers() {
	kill "$LISTENER" "$ABSTRACT" "$OUTSIDER" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	_vj_cleanup
}
trap cleanup_layers EXIT
ok "listeners ready" wait_for grep -q listening "$VJ_TEST_TMP/listen.out"
ok "abstract listener ready" wait_for grep -q listening "$VJ_TEST_TMP/abstract.out"

LOG="$VJ_TEST_TMP/audit.log"
# records ID JQ-FILTER: matching records of tenant ID in the audit log, compact
records() { jq -c --arg id "$1" "select(.tenant.id == \$id) | $2" "$LOG" 2>/dev/null; }
# probe_in ID [vmjail flags] -- probe args: run one probe, print its result
probe_in() {
	local id=$1
	shift
	jail "$id" --audit-log "$LOG" "$@" 2>>"$VJ_TEST_TMP/err" | fact result
}

# --- cgroup/dev: a device made visible on purpose, but not declared --------
id=$(new_id)
jail_bg "$id" --audit-log "$LOG" -- after 2 open /dev/full rw >"$VJ_TEST_TMP/dev.out" 2>>"$VJ_TEST_TMP/err"
sup=$!
ok "jail running" running "$id"
R="$VJ_TEST_BASE/jailprobe/$id/root"
mknod -m 0600 "$R/dev/full" c 1 7 && chown "$VJ_TEST_UID:$VJ_TEST_GID" "$R/dev/full"
wait "$sup"
is "$(fact result <"$VJ_TEST_TMP/dev.out")" EPERM "undeclared /dev/full (tenant-owned 0600): EPERM"
like "$(records "$id" 'select(.decision.enforcer=="cgroup-bpf" and .decision.hook=="cgroup/dev")')" \
	'"errno":1' "  and a cgroup-bpf cgroup/dev record"
is "$(probe_in "$(new_id)" -- open /dev/null rw)" ok "declared /dev/null opens"

# --- socket families -----------------------------------------------------
id=$(new_id)
want6=EPERM
is "$(probe_in "$id" -- socket 10 1)" "$want6" "AF_INET6 socket: EPERM (cgroup/sock_create)"
like "$(records "$id" 'select(.decision.hook=="cgroup/sock_create") | .object.family')" inet6 "  and a record naming inet6"
is "$(probe_in "$(new_id)" -- socket 17 3)" ENOSYS "AF_PACKET socket: refused (seccomp, the allowlist's ENOSYS)"
is "$(probe_in "$(new_id)" -- socket 16 3)" ENOSYS "AF_NETLINK socket: refused (seccomp, the allowlist's ENOSYS)"
is "$(probe_in "$(new_id)" -- socket 40 1)" ENOSYS "AF_VSOCK socket: refused (seccomp, the allowlist's ENOSYS)"
is "$(probe_in "$(new_id)" -- socket 1 1)" ok "AF_UNIX socket: allowed"
is "$(probe_in "$(new_id)" -- socket 2 2)" ok "AF_INET socket: allowed"

# --- connect to a loopback service on the host side of a shared netns ----
# Landlock (TCP ports) refuses first; cgroup/connect4 (addresses) behind it.
if landlock_needs 4 "TCP rules" 2; then
	id=$(new_id)
	is "$(probe_in "$id" --netns "/run/netns/$NS" -- connect 127.0.0.1 "$PORT")" EACCES \
		"connect to 127.0.0.1:$PORT in the joined netns: refused (Landlock TCP)"
	landlock_needs 7 "audit records" &&
		like "$(records "$id" 'select(.decision.enforcer=="landlock")')" "$PORT" "  and a Landlock record with the port"
fi
nollpol=$(write_policy noll 's/^layer landlock .*/layer landlock off/')
id=$(new_id)
is "$(probe_in "$id" --policy "$nollpol" --netns "/run/netns/$NS" -- connect 127.0.0.1 "$PORT")" EPERM \
	"  without Landlock: EPERM from cgroup/connect4"
like "$(records "$id" 'select(.decision.hook=="cgroup/connect4") | .object')" "127.0.0.1.*$PORT" "  and a cgroup-bpf record with address and port"

# --- sysctl --------------------------------------------------------------
procpol=$(write_policy proc 's/^mount proc off/mount proc on/')
id=$(new_id)
is "$(probe_in "$id" --policy "$procpol" -- sysctl-read /proc/sys/kernel/ostype)" EPERM \
	"reading a world-readable sysctl: EPERM (cgroup/sysctl)"
like "$(probe_in "$(new_id)" --policy "$procpol" -- sysctl /proc/sys/kernel/domainname x)" '^(EPERM|EACCES)$' \
	"writing a sysctl: refused"
like "$(records "$id" 'select(.decision.hook=="cgroup/sysctl")')" "ostype" "  and a record naming the sysctl"

# --- Landlock: an undeclared path --------------------------------------
id=$(new_id)
jail_bg "$id" --audit-log "$LOG" -- after 2 open /secret >"$VJ_TEST_TMP/ll.out" 2>>"$VJ_TEST_TMP/err"
sup=$!
ok "jail running" running "$id"
echo secret >"$VJ_TEST_BASE/jailprobe/$id/root/secret"
chmod 0644 "$VJ_TEST_BASE/jailprobe/$id/root/secret"
wait "$sup"
is "$(fact result <"$VJ_TEST_TMP/ll.out")" EACCES "an undeclared file (0644, readable by DAC): EACCES from Landlock"
landlock_needs 7 "audit records" &&
	like "$(records "$id" 'select(.decision.enforcer=="landlock")')" "secret" "  and a Landlock record naming the path"

# --- Landlock scoping ------------------------------------------------------
if landlock_needs 6 "scoping of signals and abstract unix sockets" 3; then
	id=$(new_id)
	is "$(probe_in "$id" -- kill "$OUTSIDER" 0)" EPERM \
		"kill() of a same-uid process outside the jail: EPERM (Landlock signal scope)"
	ok "  the outsider lives" kill -0 "$OUTSIDER"
	is "$(probe_in "$(new_id)" --netns "/run/netns/$NS" -- abstract "vjt-abstract-$$")" EPERM \
		"connect to an abstract unix socket outside: EPERM (Landlock scope)"
fi
nopol=$(write_policy noscope '/^landlock scope/d')
is "$(probe_in "$(new_id)" --policy "$nopol" --netns "/run/netns/$NS" -- abstract "vjt-abstract-$$")" ok \
	"  (control: without the scope rule the same connect succeeds)"

# --- exec once -------------------------------------------------------------
id=$(new_id)
out=$(jail "$id" --audit-log "$LOG" -- write-exec /run 2>>"$VJ_TEST_TMP/err")
is "$(fact write <<<"$out")" ok "the VMM can write a binary into its writable /run"
is "$(fact result <<<"$out")" EPERM "but exec of it fails (exec-once)"
like "$(records "$id" 'select(.decision.enforcer=="exec-once")')" '"hook":"execve".*"/run/x"' "  and an exec-once record with the path"
id=$(new_id)
out=$(jail "$id" --audit-log "$LOG" -- memfd-exec 2>>"$VJ_TEST_TMP/err")
is "$(fact memfd <<<"$out")" ok "the VMM can fill a memfd"
is "$(fact result <<<"$out")" EPERM "but execveat of the memfd fails"
like "$(records "$id" 'select(.decision.enforcer=="exec-once")')" '"hook":"execveat"' "  and an exec-once record"

# --- two tenants side by side, different rules -----------------------------
apol=$(write_policy tenantA "s|^socket allow AF_INET\$|socket allow AF_INET\nsocket allow AF_INET6\nnet connect allow 127.0.0.1/32 port $PORT|")
A=$(new_id)
B=$(new_id)
jail_bg "$A" --policy "$apol" --netns "/run/netns/$NS" --audit-log "$LOG" -- after 2 connect 127.0.0.1 "$PORT" \
	>"$VJ_TEST_TMP/a.out" 2>>"$VJ_TEST_TMP/err"
apid=$!
ok "tenant A running" running "$A"
# (EACCES from Landlock TCP rules; without them, EPERM from cgroup/connect4)
want=EPERM
[ "$VJ_LANDLOCK_ABI" -lt 4 ] || want=EACCES
# B shares A's uid: only with its own pid namespace may it start while A runs
is "$(probe_in "$B" --new-pid-ns --netns "/run/netns/$NS" -- connect 127.0.0.1 "$PORT")" "$want" \
	"tenant B (default policy), while A runs: connect refused"
wait "$apid"
is "$(fact result <"$VJ_TEST_TMP/a.out")" ok "tenant A (allows 127.0.0.1:$PORT): connect succeeds"
is "$(probe_in "$(new_id)" --policy "$apol" -- socket 10 1)" ok "A's policy: AF_INET6 allowed"
is "$(probe_in "$(new_id)" -- socket 10 1)" "$want6" "B's policy: AF_INET6 still refused"
is "$(records "$A" 'select(.kind=="enforcement")' | wc -l)" 0 "no denial recorded for A"
is "$(records "$B" 'select(.kind=="enforcement") | .tenant.id' | sort -u)" "\"$B\"" "B's denial carries B's id"

# --- launch cost: programs are loaded once, a launch only updates maps -----
jail "$(new_id)" -- facts >/dev/null 2>&1
# LeakSanitizer (SANITIZE=1 builds) cannot stop the world under a tracer
ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=bpf -o "$VJ_TEST_TMP/strace" "$VMJAIL" --id "$(new_id)" --exec-file "$PROBE" \
	--uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" --parent-cgroup "$VJ_TEST_CG" "${VJ_POLICY[@]}" \
	-- facts >/dev/null 2>&1
is "$?" 0 "a launch under strace works"
is "$(grep -c BPF_PROG_LOAD "$VJ_TEST_TMP/strace")" 0 "a launch makes no BPF_PROG_LOAD call"
ok "  (it does use bpf(2) for the tenant's maps)" grep -q BPF_MAP_UPDATE_ELEM "$VJ_TEST_TMP/strace"

# --- nothing left once the tenants are gone ---------------------------------
# All of it in this test's own pin dir and parent cgroup: production jails
# and other test runs (default or other pin dirs) are not touched or counted.
PIN=$VMJAIL_BPF_PIN_DIR
PARENT2=$VJ_CG2/$VJ_TEST_CG
attached() { bpftool cgroup show "$PARENT2" 2>/dev/null | grep -c ' vj_'; }
ok "the tenants map is pinned in the test's own pin dir ($PIN)" test -e "$PIN/maps/vj_tenants"
left=$(bpftool map dump pinned "$PIN/maps/vj_tenants" 2>/dev/null | grep -c '"key"')
is "$left" 0 "no tenant entry is left in the pinned rules map"
ok "the programs are attached to the test's parent cgroup ($(attached))" test "$(attached)" -gt 0
# What stays is the documented idle set (docs/bpf.md): programs, maps and
# links pinned under the pin dir.  --bpf-unload removes even that.
"$VMJAIL" --bpf-unload >/dev/null 2>"$VJ_TEST_TMP/unload"
is "$?" 0 "--bpf-unload with no tenant left"
ok "  nothing is pinned any more" test ! -e "$PIN"
is "$(attached)" 0 "  no vmjail program is attached to the test's parent cgroup"
is "$(probe_in "$(new_id)" -- socket 10 1)" EPERM "the next launch loads them again and enforces"
done_testing
