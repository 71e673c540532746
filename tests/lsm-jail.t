#!/bin/bash
# The bpf-lsm layer in real jails, both ways:
# - where the kernel runs BPF LSM programs (the 6.1 test guest: run by
#   tests/lsm-jail-guest.t through the suite runner), the default policy's
#   if-available layer enforces, and a policy that marks it `required`
#   launches: the VMM's KVM ioctl on a non-KVM file, inotify watch on its
#   read-only exec file and autobinding listen() fail with EPERM, and the
#   audit stream holds one bpf-lsm record per attempt naming the tenant, the
#   hook and the object;
# - where it does not (this host: LSM programs are refused), `required` is
#   refused before anything is created (fail closed), and if-available is
#   skipped with a layer-skipped record.
# In the guest an unavailable layer is a failure, never a skip.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
require_root
PROBE="$HELPERS/lsmprobe"
[ -x "$PROBE" ] || bail "$PROBE missing: make $PROBE"
LOG="$VJ_TEST_TMP/audit.log"
one() { jq -c --arg id "$1" "select(.tenant.id == \$id) | select($2)" "$LOG"; }
count() { one "$@" | grep -c .; }
# same_cgroup RECORD CGID: the record exists and names that (real) cgroup
same_cgroup() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != null ] && [ "$(jq -r .tenant.cgroup_id <<<"$1")" = "$2" ]; }

avail=$("$VMJAIL" --probe --json | jq -r '.layers[] | select(.layer=="bpf-lsm") | .available')
detail=$("$VMJAIL" --probe --json | jq -r '.layers[] | select(.layer=="bpf-lsm") | .features + .reason')
diag "bpf-lsm available=$avail: $detail"
# This test is about the LSM layers: its policies start from the default
# with those layers as shipped, not from the core tests' copy (jail.sh).
VJ_DEFAULT_POLICY=$VJ_LSM_POLICY
VJ_POLICY=(--policy "$VJ_DEFAULT_POLICY")
in_guest=false
grep -qw 'vj.mode=suite' /proc/cmdline 2>/dev/null && in_guest=true
# The default policy (an allowlist) has no inotify: add it, so that the
# BPF LSM's path_notify hook is what answers the watch, not seccomp's ENOSYS.
inotify='$a seccomp allow inotify_init1 inotify_add_watch'
required=$(write_policy lsm-required "s/^layer bpf-lsm .*/layer bpf-lsm required/; $inotify")
default=$(write_policy lsm-default "$inotify")
if $in_guest; then
	# What the 6.1 guest lacks and is not this layer's concern: no
	# memory/pids controller to enable below its cgroup2 root (the
	# cgroup-limits canary fails there) and Landlock ABI 2 (no scoping).
	# The guest's copies drop those lines; the rest is the policy as shipped.
	nolimits='s/^layer cgroup-limits .*/layer cgroup-limits if-available/; /^cgroup \(pids\|memory\) /d; /^landlock scope /d'
	required=$(write_policy lsm-required-guest "s/^layer bpf-lsm .*/layer bpf-lsm required/; $nolimits; $inotify")
	default=$(write_policy lsm-default-guest "$nolimits; $inotify")
fi

if [ "$avail" != true ]; then
	if $in_guest; then
		ok "the guest kernel runs the BPF LSM layer ($detail)" false
		done_testing
		exit
	fi
	id=$(new_id)
	before=$(snapshot)
	out=$(jail "$id" --policy "$required" --audit-log "$LOG" -- all /lsmprobe 2>&1)
	rc=$?
	isnt "$rc" 0 "a policy requiring bpf-lsm is refused here (exit $rc)"
	like "$out" "layer bpf-lsm is required by the policy but unavailable here" "  and says why"
	is "$(snapshot)" "$before" "  nothing was created"
	is "$(count "$id" '.type=="launch-failed"')" 1 "  one launch-failed record"
	id=$(new_id)
	out=$(jail "$id" --audit-log "$LOG" -- all /lsmprobe 2>&1)
	is "$?" 0 "the default policy (bpf-lsm if-available) launches"
	like "$out" "layer bpf-lsm skipped \(if-available\)" "  and says bpf-lsm was skipped"
	is "$(count "$id" '.type=="layer-skipped" and .decision.enforcer=="bpf-lsm"')" 1 "  one layer-skipped record for bpf-lsm"
	is "$(count "$id" '.kind=="enforcement" and .decision.enforcer=="bpf-lsm"')" 0 "  no bpf-lsm enforcement record"
	done_testing
	exit
fi

like "$detail" "^[0-9]+/24 hooks" "vmjail --probe: bpf-lsm available, hooks listed ($detail)"
for pol in default required; do
	id=$(new_id)
	if [ $pol = default ]; then
		out=$(jail "$id" --policy "$default" --audit-log "$LOG" -- all /lsmprobe 2>&1)
	else
		out=$(jail "$id" --policy "$required" --audit-log "$LOG" -- all /lsmprobe 2>&1)
	fi
	is "$?" 0 "$pol policy: the jail launches with bpf-lsm applied"
	diag "$out"
	is "$(fact ioctl_kvm <<<"$out")" EPERM "  KVM_GET_API_VERSION on /dev/null: EPERM"
	is "$(fact inotify <<<"$out")" EPERM "  inotify watch on the read-only exec file: EPERM"
	is "$(fact listen_inet <<<"$out")" EPERM "  listen() on an unbound TCP socket: EPERM"
	cg=$(one "$id" '.type=="created"' | jq -r .tenant.cgroup_id)
	for h in file_ioctl path_notify socket_listen; do
		r=$(one "$id" ".decision.enforcer==\"bpf-lsm\" and .decision.hook==\"lsm/$h\"")
		is "$(grep -c . <<<"$r")" 1 "  one bpf-lsm record for lsm/$h"
		ok "    with the tenant's id and cgroup ($cg)" same_cgroup "$r" "$cg"
		is "$(jq -r .decision.errno_name <<<"$r")" EPERM "    errno EPERM"
	done
	like "$(one "$id" '.decision.hook=="lsm/file_ioctl"' | jq -c .object)" '"ioctl":"0xae00"' "  the ioctl record names the request"
	like "$(one "$id" '.decision.hook=="lsm/path_notify"' | jq -c .object)" '"path":"lsmprobe"' "  the notify record names the file"
done

# AppArmor, where the kernel has it (the guest): the VMM runs in its
# tenant's profile, in enforce mode; what the profile does not grant is
# refused and reported; the profile is gone after cleanup.
aa=$("$VMJAIL" --probe --json | jq -r '.layers[] | select(.layer=="apparmor") | .available')
if [ "$aa" != true ]; then
	if $in_guest; then
		ok "the guest kernel runs the apparmor layer" false
	else
		diag "apparmor unavailable here: $("$VMJAIL" --probe --json | jq -r '.layers[] | select(.layer=="apparmor") | .reason')"
	fi
	done_testing
	exit
fi
# vmjaild beside the tenant, reading kernel audit itself: it attributes the
# same records by the same rule (vj_kaudit_aa_tenant); the supervisor's
# forwarded copies of kernel records are dropped when it does.
HOST="$VJ_TEST_TMP/host.log"
"$VJ_BUILD/vmjaild" --run-dir "$VMJAIL_RUN_DIR" --log "$HOST" --kernel tenants >"$VJ_TEST_TMP/vmjaild.err" 2>&1 &
dpid=$!
ok "vmjaild runs beside the tenant (its own kernel source)" wait_for test -S "$VMJAIL_RUN_DIR/vmjaild.sock"
host() { jq -c --arg id "$1" "select(.tenant.id == \$id) | select($2)" "$HOST" 2>/dev/null; }
id=$(new_id)
# exec-once off in this copy so that a second exec reaches the LSMs, and
# Landlock off so that AppArmor is the one refusing the open of /dev
aapol=$(write_policy lsm-aa "$nolimits; s/^layer exec-once .*/layer exec-once off/; s/^layer landlock .*/layer landlock off/")
jail_bg "$id" --policy "$aapol" --audit-log "$LOG" -- apparmor 8 >"$VJ_TEST_TMP/aa.out" 2>&1
sup=$!
state="$VJ_TEST_BASE/lsmprobe/$id/vmjail.state"
# slow_wait: up to 30 s (the guest runs under TCG)
slow_wait() { local i; for i in $(seq 1 300); do "$@" && return 0; sleep 0.1; done; return 1; }
ok "apparmor: the jail runs" slow_wait grep -qs '^status=running' "$state"
pid=$(sed -n 's/^vmm_pid=//p' "$state")
is "$(cat "/proc/$pid/attr/current" 2>&1)" "vmjail-$id (enforce)" "  /proc/<vmm>/attr/current names the tenant's profile, enforce mode"
ok "  the profile is loaded" grep -q "^vmjail-$id (enforce)" /sys/kernel/security/apparmor/profiles
# While this tenant's supervisor listens: a host process in a profile that
# only starts like the tenant's (what tenant "$id-x" would have) is refused
# /dev/ with an audited deny; that record must not become this tenant's.
# (capability kill: root signalling the tenant's uid needs it, so that the
# signal below reaches AppArmor's signal check.)
other="vmjail-$id-x"
msg=$(printf 'profile %s {\n  /** mrix,\n  capability kill,\n  audit deny /dev/ r,\n}\n' "$other" |
	PATH=$PATH:/sbin:/usr/sbin apparmor_parser -r -K 2>&1) || diag "apparmor_parser: $msg"
# (the probe, not a busybox applet: busybox may run those without an exec,
# hence without entering the profile)
out=$(sh -c 'printf "exec %s" "$1" >/proc/self/attr/exec && exec "$2" apparmor 0' sh "$other" "$PROBE" 2>&1)
is "$(fact open_dev <<<"$out")" EACCES "  a host process in profile $other is refused /dev/ (an audited deny)"
# It signals the tenant's VMM: refused on both sides (its profile has no
# signal rule; the tenant's receives only from itself), two records, the
# second in the tenant's profile (requested_mask receive) with this process
# as actor and peer=: neither is the tenant's.  (busybox kill, exec'd: the
# shell's kill builtin would run unconfined.)
out=$(sh -c 'printf "exec %s" "$1" >/proc/self/attr/exec && exec /bin/busybox kill -CONT "$2"' sh "$other" "$pid" 2>&1)
like "$out" 'Permission denied' "  and is refused (EACCES) signalling the tenant's VMM"
printf '%s' "$other" >/sys/kernel/security/apparmor/.remove 2>/dev/null
wait "$sup"
is "$?" 0 "  the VMM exited 0"
out=$(cat "$VJ_TEST_TMP/aa.out")
diag "$out"
is "$(fact exec_self <<<"$out")" EACCES "  a second exec of the VMM (no x rule in the profile): EACCES (AppArmor's, before the BPF LSM)"
# Debian's 6.1 AppArmor mediates inet sockets (EACCES, first); where AppArmor
# does not, the BPF LSM refuses this one (EPERM).
like "$(fact socket_inet6 <<<"$out")" '^(EACCES|EPERM)$' "  an AF_INET6 socket (not a policy family): refused by AppArmor or the BPF LSM"
is "$(fact open_dev <<<"$out")" EACCES "  an open of /dev (no rule in the profile, Landlock off): EACCES"
# The kernel's AppArmor records reach the tenant's stream, attributed by the
# profile's name; the stream is written by the supervisor, which may still be
# draining when the VMM exits, so give it a moment.
aarec() { one "$id" ".decision.enforcer==\"apparmor\" and .tenant.attribution==\"apparmor-profile\" and $1" | head -n1; }
has_aarec() { [ -n "$(aarec "$1")" ]; }
devq='(.object.path // "" | startswith("/dev")) and (.object.path != "/dev/null")'
slow_wait has_aarec "$devq"
rec=$(aarec "$devq")
diag "apparmor records: $(count "$id" '.decision.enforcer=="apparmor"'); open: $rec"
ok "  the /dev refusal is an apparmor record of tenant $id (attribution apparmor-profile), naming /dev/" test -n "$rec"
is "$(jq -r .schema <<<"$rec")" 1 "    schema v1"
rec=$(aarec '(.object.path // "" | endswith("lsmprobe"))')
ok "  the exec refusal is an apparmor record of tenant $id naming /lsmprobe" test -n "$rec"
nok "  the record of profile $other is not tenant $id's (the name is matched whole)" test -n "$(one "$id" ".decision.rule==\"$other\"")"
nok "  nor is the signal refusal, though one record names tenant $id's profile (the target's side)" test -n "$(one "$id" '.decision.hook=="signal"')"
kill -TERM "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
hrec=$(host "$id" ".source==\"kernel-audit\" and .decision.enforcer==\"apparmor\" and .tenant.attribution==\"apparmor-profile\" and $devq" | head -n1)
ok "  vmjaild: the /dev refusal is tenant $id's (attribution apparmor-profile)" test -n "$hrec"
is "$(host "$id" ".decision.hook==\"signal\" or .decision.rule==\"$other\"" | grep -c .)" 0 "  vmjaild: neither the signal refusal nor profile $other's records are tenant $id's"
"$VMJAIL" --cleanup --id "$id" --exec-file /lsmprobe --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
nok "  after cleanup the profile is gone" grep -q "^vmjail-$id " /sys/kernel/security/apparmor/profiles
# The same with the apparmor layer off: the refusal above was AppArmor's.
nopol=$(write_policy lsm-noaa "$nolimits; s/^layer exec-once .*/layer exec-once off/; s/^layer apparmor .*/layer apparmor off/")
id=$(new_id)
out=$(jail "$id" --policy "$nopol" --audit-log "$LOG" -- apparmor 0 2>&1)
is "$(fact exec_self <<<"$out")" EPERM "  with layer apparmor off the same exec is the BPF LSM's EPERM (exec-once)"
done_testing
