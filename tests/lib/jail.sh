# Shared helpers for tests that launch real jails (sourced after tap.sh).
# Each test gets its own base dir, tenant ids, run dir, BPF pin dir and
# parent cgroup, so it neither sees nor changes the state of jails that run
# beside it (production jails on the default dirs, other test runs);
# everything is removed on exit, even when the test fails half way.

require_root
[ -x "$VMJAIL" ] || bail "$VMJAIL not built"
PROBE="$HELPERS/jailprobe"

VJ_TEST_BASE=$(mktemp -d /tmp/vmjail-test.XXXXXX)
chmod 0755 "$VJ_TEST_BASE"
VJ_TEST_UID=${VJ_TEST_UID:-$((20000 + RANDOM % 10000))}
VJ_TEST_GID=$VJ_TEST_UID
# Host state of this test only: vmjail reads these (like --run-dir and
# --bpf-pin-dir), so every vmjail the test runs, directly or through a
# script, keeps its probe cache, spool, locks and BPF pins apart.  No other
# live process has this pid, so a leftover of that name is from a dead run.
VJ_TEST_TAG=vmjail-test-$$
export VMJAIL_RUN_DIR=/run/$VJ_TEST_TAG VMJAIL_BPF_PIN_DIR=/sys/fs/bpf/$VJ_TEST_TAG
rm -rf "$VMJAIL_RUN_DIR" "$VMJAIL_BPF_PIN_DIR"
# The tenant cgroups' parent (relative to each hierarchy), passed by jail().
VJ_TEST_CG=$VJ_TEST_TAG
# Where cgroup2 is mounted: /sys/fs/cgroup/unified on hybrid hosts,
# /sys/fs/cgroup on cgroup2-only ones.
VJ_CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# A fresh jail id (tests use $(new_id); cleanup finds jails by scanning the base).
new_id() {
	echo "t$$-$RANDOM$RANDOM"
}

# cg_dirs NAME: the directories NAME (relative, e.g. $VJ_TEST_CG/ID) in
# every cgroup hierarchy mounted here
cg_dirs() {
	local m
	awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u |
		while read -r m; do [ -d "$m/$1" ] && echo "$m/$1"; done
}

# Kill and clean every jail still under the test's base dir, then the dir,
# the test's BPF pins, its parent cgroups and its run dir.
_vj_cleanup() {
	local d id vmm
	for d in "$VJ_TEST_BASE"/*/*/; do
		[ -d "$d" ] || continue
		id=$(basename "$d")
		vmm=$(basename "$(dirname "$d")")
		"$VMJAIL" --kill --id "$id" --exec-file "/$vmm" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
		"$VMJAIL" --cleanup --id "$id" --exec-file "/$vmm" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
	done
	rm -rf "$VJ_TEST_BASE"
	"$VMJAIL" --bpf-unload >/dev/null 2>&1
	rm -rf "$VMJAIL_BPF_PIN_DIR"
	cg_dirs "$VJ_TEST_CG" | while read -r d; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$VMJAIL_RUN_DIR"
	[ -n "${VJ_TEST_TMP:-}" ] && rm -rf "$VJ_TEST_TMP"
}
trap _vj_cleanup EXIT
# A test stopped by a signal (prove interrupted, a timeout) cleans up too:
# bash runs the EXIT trap only when it exits, not when a signal kills it.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

VJ_TEST_TMP=$(mktemp -d /tmp/vmjail-tmp.XXXXXX)

# Which kernel and cgroup layout this part runs on (the suite runs here and in
# the 6.1 test guest, tests/guest-core.t).
. "$VJ_SRC/tests/lib/features.sh"
diag "$(vj_kernel_facts)"
# The default policy scopes signals and abstract unix sockets with Landlock
# (ABI 6); an older kernel refuses it, as it must (layers-probe.t asserts
# that).  There the jails of the tests run the default policy without the
# scope lines, and everything else is asserted as written.
VJ_LANDLOCK_ABI=$(vj_landlock_abi)
VJ_POLICY=()
VJ_DEFAULT_POLICY=$VJ_SRC/policies/default.policy
if [ "${VJ_LANDLOCK_ABI:-0}" -lt 6 ]; then
	VJ_DEFAULT_POLICY=$VJ_TEST_TMP/default-noscope.policy
	sed '/^landlock scope /d' "$VJ_SRC/policies/default.policy" >"$VJ_DEFAULT_POLICY"
	VJ_POLICY=(--policy "$VJ_DEFAULT_POLICY")
fi
# Where the kernel runs BPF LSM and AppArmor (the guest), the core tests keep
# asserting what the other layers do, errno by errno, with those two off;
# tests/lsm-guest.t and lsm-jail.t prove the LSM layers themselves there.
VJ_LSM_POLICY=$VJ_DEFAULT_POLICY # the LSM layers as shipped (tests/lsm-jail.t)
if vj_kernel_runs_lsm; then
	sed -e 's/^layer bpf-lsm .*/layer bpf-lsm off/' -e 's/^layer apparmor .*/layer apparmor off/' \
		"$VJ_DEFAULT_POLICY" >"$VJ_TEST_TMP/default-nolsm.policy"
	VJ_DEFAULT_POLICY=$VJ_TEST_TMP/default-nolsm.policy
	VJ_POLICY=(--policy "$VJ_DEFAULT_POLICY")
fi

# jail ID [vmjail flags...] -- [probe args...]: run the probe in a jail.
jail() {
	local id=$1
	shift
	"$VMJAIL" --id "$id" --exec-file "$PROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --parent-cgroup "$VJ_TEST_CG" "${VJ_POLICY[@]}" "$@"
}

# jail_bg ID [vmjail flags...] -- [probe args...]: the same in the background;
# $! is vmjail's own pid (exec, not a subshell), so signals reach it.
jail_bg() {
	local id=$1
	shift
	(exec "$VMJAIL" --id "$id" --exec-file "$PROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --parent-cgroup "$VJ_TEST_CG" "${VJ_POLICY[@]}" "$@") &
}

# running ID: wait until jail ID's state says running
running() {
	wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$1/vmjail.state"
}

# vmm_pid ID: the VMM's pid from the jail's state record
vmm_pid() {
	sed -n 's/^vmm_pid=//p' "$VJ_TEST_BASE/jailprobe/$1/vmjail.state"
}

# gone PID: the process has exited (a zombie counts: it runs nothing)
gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# fact NAME <<< "$output": the value of key NAME in jailprobe output
fact() { sed -n "s/^$1=//p" | head -n1; }

# Everything that could be left behind by a jail of this test: files under
# the base dir, tenant cgroups (below the test's parent, or anywhere by id),
# mounts mentioning the base dir.  Never other jails' state: they come and
# go while the test runs.
snapshot() {
	{
		find "$VJ_TEST_BASE" -mindepth 1 2>/dev/null | sort
		find /sys/fs/cgroup -maxdepth 3 -type d -name "t$$-*" 2>/dev/null | sort
		cg_dirs "$VJ_TEST_CG" | while read -r d; do find "$d" -mindepth 1 -type d; done | sort
		grep -F "$VJ_TEST_BASE" /proc/self/mountinfo
	} 2>/dev/null
}

# wait_for COND-CMD...: poll up to 60 s (a busy machine, a TCG boot);
# every use waits for something that must happen, so a pass costs no more
wait_for() {
	local i
	for i in $(seq 1 1200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# A policy file from the default with some lines replaced: write_policy NAME 'sed-expr'
write_policy() {
	local out="$VJ_TEST_TMP/$1.policy"
	sed "$2" "$VJ_DEFAULT_POLICY" >"$out"
	echo "$out"
}
