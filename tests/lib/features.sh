# What the running kernel offers, for tests that run on more than one kernel
# (this host, and the 6.1 test guest: tests/guest-core.t).  A test asserts
# what vmjail provides everywhere and skips, with the reason, only what the
# kernel lacks.  POSIX sh: the guest's suite runner sources it too.
#   vj_fstype PATH          filesystem type mounted at PATH (last mount), or ""
#   vj_cgroup_layout        cgroup2-only | hybrid | v1-only | none
#   vj_cgroup2_dir          where cgroup2 is mounted (/sys/fs/cgroup or .../unified)
#   vj_cgroup_v1 CTRL       0 when a v1 hierarchy of controller CTRL is mounted
#   vj_lsm_active NAME      0 when LSM NAME is in /sys/kernel/security/lsm
#   vj_landlock_abi         the kernel's Landlock ABI (0: none), asked by jailprobe
#   vj_kernel_facts         one line: kernel release, cgroup layout, LSMs
#   vj_kernel_runs_lsm      0 where the test environment declares that the kernel
#                           runs BPF LSM programs and AppArmor (the 6.1 guest,
#                           whose tests/lsm-guest.t proves it; VJ_KERNEL_RUNS_LSM=1)
#   landlock_needs ABI WHAT [N]  0 if the Landlock ABI is >= ABI, else N skips
# shellcheck shell=sh

vj_fstype() {
	awk -v m="$1" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } }
		END { print t }' /proc/self/mountinfo
}

vj_cgroup_layout() {
	case $(vj_fstype /sys/fs/cgroup) in
	cgroup2) echo cgroup2-only ;;
	tmpfs)
		if [ "$(vj_fstype /sys/fs/cgroup/unified)" = cgroup2 ]; then
			echo hybrid
		else
			echo v1-only
		fi
		;;
	*) echo none ;;
	esac
}

vj_cgroup2_dir() {
	if [ "$(vj_fstype /sys/fs/cgroup)" = cgroup2 ]; then
		echo /sys/fs/cgroup
	else
		echo /sys/fs/cgroup/unified
	fi
}

vj_cgroup_v1() {
	awk -v c="$1" '$5 ~ "^/sys/fs/cgroup/" {
			for (i = 7; i <= NF; i++) if ($i == "-") break
			if ($(i + 1) == "cgroup" && ("," $(i + 3) ",") ~ ("," c ",")) f = 1
		} END { exit !f }' /proc/self/mountinfo
}

vj_lsm_active() {
	case ,$(cat /sys/kernel/security/lsm 2>/dev/null), in
	*,"$1",*) return 0 ;;
	esac
	return 1
}

vj_kernel_runs_lsm() {
	[ "${VJ_KERNEL_RUNS_LSM:-0}" = 1 ]
}

vj_landlock_abi() {
	"$VJ_BUILD/tests/helpers/jailprobe" landlock-abi 2>/dev/null | sed -n 's/^landlock_abi=//p'
}

vj_kernel_facts() {
	layout=$(vj_cgroup_layout)
	case $layout in
	hybrid) layout="hybrid (cgroup v1 controllers + cgroup2 at /sys/fs/cgroup/unified)" ;;
	cgroup2-only) layout="cgroup2-only (unified at /sys/fs/cgroup)" ;;
	esac
	echo "kernel $(uname -r), cgroup layout $layout, Landlock ABI $(vj_landlock_abi), LSMs $(cat /sys/kernel/security/lsm 2>/dev/null)"
}

# landlock_needs ABI WHAT [COUNT]: 0 when the kernel's Landlock ABI is at
# least ABI; otherwise prints COUNT (default 1) skips naming WHAT and
# returns 1.  For bash tests (tap.sh's skip); VJ_LANDLOCK_ABI is cached.
landlock_needs() {
	: "${VJ_LANDLOCK_ABI:=$(vj_landlock_abi)}"
	[ "${VJ_LANDLOCK_ABI:-0}" -ge "$1" ] && return 0
	_ll_i=0
	while [ "$_ll_i" -lt "${3:-1}" ]; do
		skip "kernel $(uname -r): Landlock ABI ${VJ_LANDLOCK_ABI:-0} has no $2 (ABI $1)"
		_ll_i=$((_ll_i + 1))
	done
	return 1
}
