#!/bin/bash
# Firecracker compatibility, against what firecracker-go-sdk's jailer
# configuration does (jailer.go: JailerCommandBuilder.Args, jail();
# machine.go: PID, StopVMM).  A stand-in Firecracker (tests/helpers/fakefc,
# copied to a file named "firecracker") records its argv and pid and binds the
# API socket.  Checked: the argv the SDK builds is accepted; Firecracker gets
# --id/--start-time-us/--start-time-cpu-us/--parent-cpu-time-us before the
# SDK's own arguments; the socket appears where the SDK waits for it; the pid
# file <root>/firecracker.pid holds the VMM's host pid (with --new-pid-ns
# vmjail returns 0 once the VMM runs, as the jailer forks and exits, and a
# refused launch exits 1); without --new-pid-ns that pid IS the one the SDK holds
# (cmd.Process.Pid: comm, exe, getpid of the stand-in), the supervisor is a
# forked process of its own; SIGTERM to it stops the VMM and the SDK's Wait
# sees 0, SIGKILL gives 137; after the VMM's end the supervisor audits exited
# and cleaned and removes the jail; killing the supervisor kills the VMM; a
# TTL ends it; the cgroup placement; `--cgroup A=B=C` is refused; jailer
# errors exit 1; the mode is chosen by the exec file's name or a flag.
# Differences that remain: docs/firecracker.md.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
FAKE="$HELPERS/fakefc"
[ -x "$FAKE" ] || bail "$FAKE not built"
FC="$VJ_TEST_TMP/firecracker"
cp "$FAKE" "$FC"
chmod 0755 "$VJ_TEST_TMP" "$FC"
B="$VJ_TEST_BASE"
U=$VJ_TEST_UID
# jail.sh's cleanup removes the jails; the parent cgroup the SDK names stays
# (neither the jailer nor vmjail removes a parent): remove ours
trap '_vj_cleanup; for d in /sys/fs/cgroup/*/fc-sdk-$$ /sys/fs/cgroup/fc-sdk-$$; do [ -d "$d" ] && rmdir "$d"; done' EXIT
# what a refused launch could leave: files under the base dir, our cgroups
fc_snap() {
	find "$B" -mindepth 1 2>/dev/null | sort
	find /sys/fs/cgroup -maxdepth 3 -type d -name "fc$$*" 2>/dev/null | sort
}

# firecracker-go-sdk JailerCommandBuilder.Args() for a config with a NUMA node,
# a parent cgroup, a chroot base dir, and its Firecracker args (no seccomp
# filter configured: --no-seccomp; the socket /run/firecracker.socket)
sdk_args() { # ID [extra jailer args...]
	local id=$1
	shift
	local a=(--id "$id" --uid "$U" --gid "$U" --exec-file "$FC")
	if [ -r /sys/devices/system/node/node0/cpulist ]; then
		a+=(--cgroup "cpuset.mems=0" --cgroup "cpuset.cpus=$(cat /sys/devices/system/node/node0/cpulist)")
	fi
	a+=(--parent-cgroup fc-sdk-$$ --chroot-base-dir "$B" "$@" -- --no-seccomp --api-sock /run/firecracker.socket)
	printf '%s\n' "${a[@]}"
}

# --- a launch as the SDK makes it ---------------------------------------------
# (plus --audit-log, which the SDK does not pass: the records checked below)
LOG="$VJ_TEST_TMP/audit.log"
# ID JQ-SELECT: tenant ID's records that the filter selects
rec() { jq -c --arg id "$1" "select(.tenant.id == \$id) | select($2)" "$LOG" 2>/dev/null; }
has() { [ -n "$(rec "$@")" ]; }
# a record is written within a second of the VMM's end: 20 s (a loaded host), not wait_for's 60
soon() {
	local i
	for i in $(seq 1 400); do "$@" && return 0; sleep 0.05; done
	return 1
}
id=fc$$a
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG")
("$VMJAIL" "${args[@]}" >"$VJ_TEST_TMP/out" 2>"$VJ_TEST_TMP/err") &
sdk_pid=$! # what the SDK's cmd.Process.Pid is
root="$B/firecracker/$id/root"
# the SDK's jail(): cfg.SocketPath = <base>/<basename(exec)>/<id>/root + socket
sock="$B/$(basename "$FC")/$id/root/run/firecracker.socket"
wait_for test -S "$sock"
ok "the API socket appears where the SDK waits for it ($sock)" test -S "$sock"
ok "<root>/firecracker.pid exists" test -s "$root/firecracker.pid"
vpid=$(cat "$root/firecracker.pid" 2>/dev/null)
out=$(cat "$VJ_TEST_TMP/out")
is "$vpid" "$sdk_pid" "  it holds the pid the SDK holds: the VMM kept the caller's pid, as the jailer execs in place"
is "$(fact pid <<<"$out")" "$sdk_pid" "  the stand-in Firecracker's own getpid() is that pid"
is "$(cat "/proc/$sdk_pid/comm" 2>/dev/null)" firecracker "  /proc/<SDK pid>/comm is firecracker"
is "$(readlink "/proc/$sdk_pid/root" 2>/dev/null)" / "  (a process in its own mount namespace, rooted in the jail)"
ok "  /proc/<SDK pid>/exe is the copy in the jail" test "$(stat -L -c %i "/proc/$sdk_pid/exe" 2>/dev/null)" = "$(stat -c %i "$root/firecracker")"
is "$(stat -c '%U %a' "$root/firecracker.pid")" "root 644" "  owned by root, 0644, not writable by the tenant"
# the supervisor: forked by vmjail before it became the VMM, in a session of
# its own (the caller's ^C or process-group signal reaches the VMM only)
sup=$(pgrep -P "$sdk_pid" -x vmjail | head -n1)
ok "the supervisor is a separate vmjail process ($sup)" test -n "$sup"
isnt "$(ps -o sess= -p "${sup:-0}" | tr -d ' ')" "$(ps -o sess= -p "$sdk_pid" | tr -d ' ')" "  in its own session"
isnt "$(grep '^0::' "/proc/$sup/cgroup" 2>/dev/null)" "$(grep '^0::' "/proc/$sdk_pid/cgroup")" "  outside the tenant's cgroup"
is "$(rec "$id" '.type=="created"' | jq -r .actor.pid 2>/dev/null)" "$sdk_pid" "  its created record names the VMM's pid"
argv=$(sed -n 's/^argv\[[0-9]*\]=//p' <<<"$out" | tr '\n' ' ')
like "$argv" "^firecracker --id $id --start-time-us [0-9]+ --start-time-cpu-us [0-9]+ --parent-cpu-time-us [0-9]+ --no-seccomp --api-sock /run/firecracker.socket \$" \
	"Firecracker's argv: the jailer's four flags, then the SDK's"
st=$(sed -n 's/^argv\[4\]=//p' <<<"$out")
now=$(awk '{ printf "%d", $1 * 1000000 }' /proc/uptime)
# --start-time-us is on CLOCK_MONOTONIC: at most a few seconds before now
mono=$(python3 -c 'import time; print(int(time.monotonic()*1e6))' 2>/dev/null || echo "$now")
ok "  --start-time-us is this launch's start on the monotonic clock ($st, now $mono)" \
	test "$st" -le "$mono" -a "$((mono - st))" -lt 30000000
ok "  --parent-cpu-time-us is above 0 (vmjail's own CPU time)" test "$(sed -n 's/^argv\[8\]=//p' <<<"$out")" -gt 0
cg=$(grep -E '^[0-9]+:cpuset:' "/proc/$vpid/cgroup" | cut -d: -f3)
is "$cg" "/fc-sdk-$$/$id" "cgroup placement: cpuset /<parent-cgroup>/<id>"
if [ -r /sys/devices/system/node/node0/cpulist ]; then
	is "$(cat "/sys/fs/cgroup/cpuset$cg/cpuset.cpus" 2>/dev/null)" "$(cat /sys/devices/system/node/node0/cpulist)" \
		"  cpuset.cpus is the NUMA node's cpulist the SDK passed"
fi
# StopVMM: SIGTERM to cmd.Process.Pid, then Wait
kill -TERM "$sdk_pid"
wait "$sdk_pid"
is "$?" 0 "SIGTERM to the pid the SDK holds: the VMM stops, Wait sees its 0"
like "$(cat "$VJ_TEST_TMP/out")" "sigterm" "  the VMM itself got SIGTERM"
# the supervisor cleans up after the VMM's end (not before the caller's Wait
# returns: docs/firecracker.md)
soon test ! -e "$B/firecracker/$id"
ok "  the supervisor removes the jail" test ! -e "$B/firecracker/$id"
soon has "$id" '.type=="cleaned"'
r=$(rec "$id" '.type=="exited"')
is "$(jq -r '.lifecycle.exit_code // "none"' <<<"$r" 2>/dev/null)" 0 "  audited: exited, code 0 (read through the pidfd: not its parent)"
is "$(jq -r .actor.pid <<<"$r" 2>/dev/null)" "$sdk_pid" "  for the VMM's pid"
like "$(rec "$id" '.type=="cleaned"' | jq -r .lifecycle.message 2>/dev/null)" "jail dir and cgroups removed" "  audited: cleaned"
ok "  the supervisor is gone" soon test ! -d "/proc/${sup:-none}"

# --- SIGKILL to the VMM: no handler runs, the supervisor still reports and cleans
id=fc$$k1
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG")
("$VMJAIL" "${args[@]}" >"$VJ_TEST_TMP/outk" 2>/dev/null) &
sdk_pid=$!
wait_for grep -q '^pid=' "$VJ_TEST_TMP/outk"
kill -KILL "$sdk_pid"
wait "$sdk_pid"
is "$?" 137 "SIGKILL to the pid the SDK holds: Wait sees the VMM killed (128+9)"
soon has "$id" '.type=="cleaned"'
like "$(rec "$id" '.type=="exited"' | jq -r .lifecycle.message 2>/dev/null)" "VMM killed by SIGKILL" "  audited: exited, killed by SIGKILL"
ok "  the jail is gone" test ! -e "$B/firecracker/$id"

# --- the supervisor killed: the reaper ends the VMM (fail closed) ----------------
id=fc$$k2
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG")
("$VMJAIL" "${args[@]}" >"$VJ_TEST_TMP/outk2" 2>/dev/null) &
sdk_pid=$!
wait_for grep -q '^pid=' "$VJ_TEST_TMP/outk2"
sup=$(pgrep -P "$sdk_pid" -x vmjail | head -n1)
ok "  (its supervisor found: $sup)" test -n "$sup"
# (without one, the pid the SDK holds is killed instead: no 60 s hang)
kill -KILL "${sup:-$sdk_pid}"
wait "$sdk_pid"
is "$?" 137 "SIGKILL to the supervisor: the VMM does not run unwatched (killed, 128+9)"
ok "  audited: supervisor-died" soon has "$id" '.type=="supervisor-died"'

# --- a time-to-live still ends the VMM --------------------------------------------
id=fc$$t
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG" --ttl 1s)
("$VMJAIL" "${args[@]}" >/dev/null 2>&1) &
sdk_pid=$!
wait "$sdk_pid"
is "$?" 137 "--ttl 1s: the VMM at the caller's pid is killed at its deadline"
soon has "$id" '.type=="cleaned"'
ok "  audited: ttl-expired" has "$id" '.type=="ttl-expired"'
like "$(rec "$id" '.type=="exited"' | jq -r .lifecycle.message 2>/dev/null)" "time-to-live expired" "  and the exit record says why"

# --- a caller that has not reaped the VMM yet: the status is read from the zombie
id=fc$$z
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG")
res=$(python3 - "$LOG" "$id" "$VJ_TEST_TMP/outz" "$VMJAIL" "${args[@]}" <<'PY'
import json, os, signal, subprocess, sys, time
log, tid, out, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
p = subprocess.Popen(argv, stdout=open(out, "w"), stderr=subprocess.DEVNULL)
def until(f, secs=10):
    end = time.time() + secs
    while time.time() < end:
        v = f()
        if v:
            return v
        time.sleep(0.05)
def exited():
    try:
        for line in open(log):
            r = json.loads(line)
            if r.get("tenant", {}).get("id") == tid and r.get("type") == "exited":
                return r
    except OSError:
        pass
until(lambda: "pid=" in open(out).read())
os.kill(p.pid, signal.SIGTERM)
r = until(exited)  # not reaped meanwhile: subprocess reaps only in wait/poll
state = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()[0]
print("state_before_reap=%s record=%s" % (state, r["lifecycle"].get("message") if r else None))
p.wait()
print("rc=%d" % p.returncode)
PY
)
like "$res" "state_before_reap=Z record=VMM exited with code 0" \
	"a caller that has not reaped the VMM: the exited record has its code (read from the zombie)"
like "$res" "rc=0" "  and the caller's own wait still gets 0"

# --- a launch that fails after the fork: the caller's process exits 1 ------------
# (a --bind onto /firecracker.pid takes the pid file's name: the supervisor
# fails to create it after the fork, before it lets the tenant go on)
id=fc$$f2
echo x >"$VJ_TEST_TMP/taken"
chown "$U:$U" "$VJ_TEST_TMP/taken"
chmod 0644 "$VJ_TEST_TMP/taken"
mapfile -t args < <(sdk_args "$id" --audit-log "$LOG" --bind "$VJ_TEST_TMP/taken:/firecracker.pid")
"$VMJAIL" "${args[@]}" >/dev/null 2>"$VJ_TEST_TMP/errf"
is "$?" 1 "a launch refused after the fork: the pid the caller holds exits 1 (the jailer's error status)"
ok "  the supervisor says why on stderr" soon grep -q "creating firecracker.pid in the jail: File exists" "$VJ_TEST_TMP/errf"
ok "  and audits launch-failed" soon has "$id" '.type=="launch-failed"'
ok "  nothing is left of the jail" soon test ! -e "$B/firecracker/$id"

# --- `namespace user on` in place: the forked supervisor writes the maps of the
# process that will be the VMM -------------------------------------------------------
id=fc$$u
sed 's/^namespace user off/namespace user on/' "$VJ_SRC/policies/firecracker.policy" >"$VJ_TEST_TMP/fcu.policy"
grep -q '^namespace user on' "$VJ_TEST_TMP/fcu.policy" || bail "firecracker.policy has no 'namespace user off' line"
mapfile -t args < <(sdk_args "$id" --policy "$VJ_TEST_TMP/fcu.policy")
("$VMJAIL" "${args[@]}" >"$VJ_TEST_TMP/outu" 2>/dev/null) &
sdk_pid=$!
wait_for grep -q '^pid=' "$VJ_TEST_TMP/outu"
is "$(fact pid <"$VJ_TEST_TMP/outu")" "$sdk_pid" "namespace user on: the VMM is still the caller's process"
isnt "$(readlink "/proc/$sdk_pid/ns/user" 2>/dev/null)" "$(readlink /proc/self/ns/user)" "  in its own user namespace"
is "$(awk '{ print $1, $2, $3 }' "/proc/$sdk_pid/uid_map" 2>/dev/null)" "$U $U 1" "  only its uid mapped"
kill -TERM "$sdk_pid"
wait "$sdk_pid"
is "$?" 0 "  SIGTERM: exit 0"
ok "  the jail is removed" soon test ! -e "$B/firecracker/$id"

# --- a caller that made it a process group leader (Go's Setpgid) -----------------
# A leader cannot setsid(); the VMM must still lose the caller's controlling
# terminal (no TIOCSTI into it).  script(1) gives the caller a terminal.
id=fc$$p
mapfile -t args < <(sdk_args "$id")
cat >"$VJ_TEST_TMP/pgl.sh" <<SH
set -m # each background job its own process group: vmjail is its leader
( $(printf '%q ' "$VMJAIL" "${args[@]}") >"$VJ_TEST_TMP/outp" 2>/dev/null ) &
p=\$!
set +m
for i in \$(seq 100); do grep -q '^pid=' "$VJ_TEST_TMP/outp" 2>/dev/null && break; sleep 0.1; done
echo "leader=\$(ps -o pgid= -p \$p | tr -d ' ')/\$p self_tty=\$(awk '{print \$7}' /proc/\$\$/stat) vmm_tty=\$(awk '{print \$7}' /proc/\$p/stat)"
kill -TERM \$p
wait \$p
echo "rc=\$?"
SH
if command -v script >/dev/null; then
	res=$(script -qec "bash $VJ_TEST_TMP/pgl.sh" /dev/null </dev/null | tr -d '\r')
else
	res=$(bash "$VJ_TEST_TMP/pgl.sh")
fi
pid=$(fact pid <"$VJ_TEST_TMP/outp")
like "$res" "leader=$pid/$pid " "a process group leader still becomes the VMM (pid $pid)"
like "$res" "rc=0" "  and stops on SIGTERM with 0"
if [[ $res =~ self_tty=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" != 0 ]; then
	like "$res" "vmm_tty=0[[:space:]]" "  the caller's controlling terminal is not the VMM's (TIOCNOTTY)"
else
	skip "no controlling terminal for the caller (script(1) missing): the terminal check needs one"
fi

# --- --daemonize (the SDK's JailerCfg.Daemonize): returns 0 once the VMM runs;
# the VMM is the daemonized process itself, leading its own session ---------------
id=fc$$d2
mapfile -t args < <(sdk_args "$id" --daemonize --audit-log "$LOG")
timeout 30 "$VMJAIL" "${args[@]}" >/dev/null 2>&1
is "$?" 0 "--daemonize: exit 0 once the VMM runs"
vpid=$(cat "$B/firecracker/$id/root/firecracker.pid" 2>/dev/null)
is "$(cat "/proc/$vpid/comm" 2>/dev/null)" firecracker "  the pid file names the VMM ($vpid)"
is "$(ps -o sess= -p "$vpid" | tr -d ' ')" "$vpid" "  which leads its own session (daemonize's setsid; no second one)"
kill -TERM "$vpid"
ok "  SIGTERM to it: the jail is removed" soon test ! -e "$B/firecracker/$id"
ok "  and cleaned is audited" soon has "$id" '.type=="cleaned"'

# --- --new-pid-ns: as the jailer, vmjail returns once the VMM runs; the pid
# file names it (its host pid), the VMM is pid 1 inside ----------------------------
id=fc$$b
mapfile -t args < <(sdk_args "$id" --new-pid-ns --audit-log "$LOG")
timeout 30 "$VMJAIL" "${args[@]}" >"$VJ_TEST_TMP/out2" 2>"$VJ_TEST_TMP/err2"
is "$?" 0 "--new-pid-ns: the caller's process exits 0 once the VMM runs (the jailer forks and exits)"
ok "  the pid file is there when it returns" test -s "$B/firecracker/$id/root/firecracker.pid"
vpid=$(cat "$B/firecracker/$id/root/firecracker.pid" 2>/dev/null)
is "$(cat "/proc/$vpid/comm" 2>/dev/null)" firecracker "  it names the running VMM ($vpid)"
wait_for grep -q '^pid=' "$VJ_TEST_TMP/out2"
is "$(fact pid <"$VJ_TEST_TMP/out2")" 1 "  the VMM sees itself as pid 1"
is "$(awk '/^NSpid:/ { print $NF }' "/proc/$vpid/status" 2>/dev/null)" 1 \
	"  firecracker.pid ($vpid) is its host pid: NSpid ends in 1"
sup=$(ps -o ppid= -p "$vpid" | tr -d ' ')
is "$(cat "/proc/$sup/comm" 2>/dev/null)" vmjail "  its supervisor carries on ($sup)"
kill -TERM "$vpid" # what a caller holding the pid file's pid does
ok "  SIGTERM to that pid stops the VMM; the jail is removed" soon test ! -e "$B/firecracker/$id"
soon has "$id" '.type=="cleaned"'
is "$(rec "$id" '.type=="exited"' | jq -r '.lifecycle.exit_code // "none"' 2>/dev/null)" 0 "  audited: exited, code 0, then cleaned"
mapfile -t args < <(sdk_args "fc$$b2" --new-pid-ns --bind "$VJ_TEST_TMP/taken:/firecracker.pid")
timeout 30 "$VMJAIL" "${args[@]}" >/dev/null 2>"$VJ_TEST_TMP/err2"
is "$?" 1 "  a refused launch: exit 1"
like "$(cat "$VJ_TEST_TMP/err2")" "creating firecracker.pid in the jail: File exists" "  with the reason, once, on the caller's stderr"
is "$(grep -c 'File exists' "$VJ_TEST_TMP/err2")" 1 "  (printed once)"

# --- the jailer's validation and exit codes -------------------------------------
snap=$(fc_snap)
"$VMJAIL" --id fc$$c --uid "$U" --gid "$U" --exec-file "$FC" --chroot-base-dir "$B" \
	--cgroup cpuset.cpus=0=1 -- --no-seccomp 2>"$VJ_TEST_TMP/err3"
is "$?" 1 "--cgroup cpuset.cpus=0=1 is refused as the jailer does: exit 1"
like "$(cat "$VJ_TEST_TMP/err3")" "Invalid format for cgroups: cpuset.cpus=0=1" "  with the jailer's reason"
is "$(fc_snap)" "$snap" "  and nothing is left behind"
"$VMJAIL" --id fc$$d --uid 0 --gid "$U" --exec-file "$FC" --chroot-base-dir "$B" 2>/dev/null
is "$?" 1 "a command-line error (--uid 0) exits 1 in compat mode (vmjail's own: 64)"
mkdir -m 0777 "$VJ_TEST_TMP/open"
"$VMJAIL" --id fc$$e --uid "$U" --gid "$U" --exec-file "$FC" --chroot-base-dir "$VJ_TEST_TMP/open" \
	-- --no-seccomp >/dev/null 2>&1
is "$?" 1 "a refused launch (a world-writable base dir) exits 1"
"$VMJAIL" --id fc$$f --uid 0 --gid "$U" --exec-file "$PROBE" --chroot-base-dir "$B" 2>/dev/null
is "$?" 64 "not Firecracker: vmjail's own exit codes (64)"

# --- how the mode is chosen ------------------------------------------------------
# run_fake EXEC ID [vmjail flags...]: the stand-in's argv line, and its pid file
run_fake() {
	local exe=$1 id=$2
	shift 2
	("$VMJAIL" --id "$id" --uid "$U" --gid "$U" --exec-file "$exe" --chroot-base-dir "$B" "$@" \
		-- --no-seccomp >"$VJ_TEST_TMP/rf.$id" 2>/dev/null) &
	local s=$!
	wait_for grep -q '^pid=' "$VJ_TEST_TMP/rf.$id"
	echo "$(sed -n 's/^argv\[[0-9]*\]=//p' "$VJ_TEST_TMP/rf.$id" | tr '\n' ' ')|$(ls "$B/$(basename "$exe")/$id/root/" | grep '\.pid$')"
	kill -TERM $s
	wait $s
}
OTHER="$VJ_TEST_TMP/vmm-fake"
cp "$FAKE" "$OTHER"
like "$(run_fake "$OTHER" fc$$g)" "^vmm-fake --no-seccomp \|\$" "another name: vmjail's own behaviour (no jailer arguments, no pid file)"
like "$(run_fake "$OTHER" fc$$h --firecracker-compat)" "^vmm-fake --id fc$$h --start-time-us .*\|vmm-fake.pid\$" \
	"--firecracker-compat: the jailer's arguments and <exec>.pid for any name"
like "$(run_fake "$FC" fc$$i --no-firecracker-compat)" "^firecracker --no-seccomp \|\$" \
	"--no-firecracker-compat: off for a binary named firecracker"
FC2="$VJ_TEST_TMP/firecracker-v1.10.1-x86_64"
cp "$FAKE" "$FC2"
like "$(run_fake "$FC2" fc$$j)" "^firecracker-v1.10.1-x86_64 --id fc$$j .*\|firecracker-v1.10.1-x86_64.pid\$" \
	"a release binary's name (firecracker-v1.10.1-x86_64) turns it on"
"$VMJAIL" --id fc$$k --uid "$U" --gid "$U" --exec-file "$OTHER" --chroot-base-dir "$B" \
	--cgroup-version 1 --cgroup cpu.shares=0=1 --dry-run >/dev/null 2>&1
is "$?" 0 "  without compat a value with '=' stays allowed (cgroup v2 io.max needs 'rbps=...')"
done_testing
