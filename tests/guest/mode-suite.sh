#!/bin/sh
# vj.mode=suite: run the project's own test files in the guest, one after the
# other, and frame each on the console so that the host (run-guest.sh
# --suite, tests/guest/suite-tap.awk) can merge them into one TAP stream:
#   VMJAIL-SUITE-BEGIN
#   VMJAIL-SUITE-INFO <kernel and cgroup layout, as tests/lib/features.sh says>
#   VMJAIL-SUITE-FILE <name>         then the file's TAP (its stdout)
#   VMJAIL-SUITE-FILE-END rc=<exit status> seconds=<n>
#   ...
#   VMJAIL-SUITE-END
# The files, their helpers and every program they run were put into the
# initramfs by tests/guest/mksuite.sh: sources under /vj/src, build outputs
# under /vj/build, the list (guest paths, one a line) in /vj/suite/list.
# A file's stderr follows its TAP as "# " lines (one console, two streams
# would split lines).  vj.suite.timeout=S bounds each file (default 600).
list=/vj/suite/list
echo "VMJAIL-SUITE-BEGIN"
if [ ! -s "$list" ]; then
	echo "VMJAIL-GUEST-FAIL vj.mode=suite: no test list $list in the initramfs"
	exit 1
fi
per=600
# shellcheck disable=SC2013 # the command line is one line of words
for arg in $(cat /proc/cmdline); do
	case $arg in
	vj.suite.timeout=[0-9]*) per=${arg#vj.suite.timeout=} ;;
	esac
done

VJ_SRC=/vj/src
VJ_BUILD=/vj/build
HOME=/root
TMPDIR=/tmp
export VJ_SRC VJ_BUILD HOME TMPDIR
# This kernel runs BPF LSM programs and AppArmor (booted with lsm=...,apparmor,
# bpf; tests/lsm-guest.t proves each hook): the shared tests expect vmjail's
# LSM layers to be available here, and unavailable on a host without them.
VJ_KERNEL_RUNS_LSM=1
export VJ_KERNEL_RUNS_LSM
. "$VJ_SRC/tests/lib/features.sh"
# A cgroup2-only host as systemd leaves it: the root delegates the usual
# controllers to its children (/init mounted cgroup2 and nothing else; the
# kernel runs with cgroup_no_v1=all).
echo "+cpu +cpuset +io +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control ||
	echo "VMJAIL-GUEST-WARN cannot enable the cgroup2 controllers at the root"
echo "VMJAIL-SUITE-INFO $(vj_kernel_facts)"

while read -r t; do
	[ -n "$t" ] || continue
	echo "VMJAIL-SUITE-FILE ${t#"$VJ_SRC"/}"
	start=$(date +%s)
	if [ -x "$t" ]; then
		# stdin from /dev/null: the list is this loop's stdin.
		(cd "$VJ_SRC" && timeout -k 5 "$per" "$t" </dev/null 2>/tmp/vj-suite.stderr)
		rc=$?
	else
		echo "Bail out! $t is not an executable file in the guest"
		: >/tmp/vj-suite.stderr
		rc=127
	fi
	[ -s /tmp/vj-suite.stderr ] && sed 's/^/# /' /tmp/vj-suite.stderr
	echo "VMJAIL-SUITE-FILE-END rc=$rc seconds=$(($(date +%s) - start))"
done <"$list"
echo "VMJAIL-SUITE-END"
