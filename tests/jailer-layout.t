#!/bin/bash
# A running jail seen from outside: the jail dir file by file (owners, modes,
# device numbers), the VMM's cgroups (v1 and cgroup2) and limits, its rlimits,
# its /proc status, and its mount namespace.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

id=$(new_id)
# (it sleeps long enough for a slow machine, the TCG guest, to check it all;
# it is killed at the end)
jail_bg "$id" --cgroup pids.max=77 --resource-limit nofile=1234 --resource-limit nproc=100:200 \
	-- sleep 300 >"$VJ_TEST_TMP/out" 2>"$VJ_TEST_TMP/err"
sup=$!
J="$VJ_TEST_BASE/jailprobe/$id"
ok "the jail reaches running" wait_for grep -qs '^status=running' "$J/vmjail.state"
pid=$(sed -n 's/^vmm_pid=//p' "$J/vmjail.state")
ok "the VMM pid is recorded ($pid)" test -n "$pid" -a -d "/proc/$pid"
# Every assertion below reads the running jail: without it, "isnt", "unlike",
# "gone" and "0 mounts" checks would pass on nothing.
[ -n "$pid" ] && [ -d "/proc/$pid" ] || bail "the jail did not start ($(tail -n1 "$VJ_TEST_TMP/err"))"

# stat_is PATH 'TYPE UID GID MODE' description
stat_is() { is "$(stat -c '%F %u %g %a' "$1" 2>&1)" "$2" "$3"; }
stat_is "$VJ_TEST_BASE/jailprobe" "directory 0 0 700" "<base>/<vmm> is root's, 0700"
stat_is "$J" "directory 0 0 700" "<base>/<vmm>/<id> is root's, 0700"
stat_is "$J/vmjail.state" "regular file 0 0 600" "the state record is root's, 0600, outside the jail root"
stat_is "$J/vmjail.lock" "regular empty file 0 0 600" "the lock is root's, 0600"
stat_is "$J/root" "directory 0 $VJ_TEST_GID 750" "the jail root is root:tenant-gid 0750"
stat_is "$J/root/jailprobe" "regular file 0 0 755" "the exec copy is root's 0755 (never writable by the tenant)"
is "$(stat -c %s "$J/root/jailprobe")" "$(stat -c %s "$PROBE")" "the exec copy has the size of the original"
isnt "$(stat -c %i "$J/root/jailprobe")" "$(stat -c %i "$PROBE")" "the exec is a copy (another inode), not a link"
is "$(stat -c %h "$J/root/jailprobe")" 1 "the exec copy has one link"
stat_is "$J/root/dev" "directory 0 $VJ_TEST_GID 750" "/dev is root:tenant-gid 0750"
for d in "kvm 10 232" "net/tun 10 200" "urandom 1 9" "null 1 3"; do
	set -- $d
	is "$(stat -c '%F %u %g %a %t:%T' "$J/root/dev/$1")" \
		"character special file $VJ_TEST_UID $VJ_TEST_GID 600 $(printf %x "$2"):$(printf %x "$3")" \
		"/dev/$1 is char $2:$3, the tenant's, 0600"
done
is "$(find "$J/root/dev" -mindepth 1 | wc -l)" 5 "/dev holds only the 4 declared devices (and net/)"
stat_is "$J/root/run" "directory $VJ_TEST_UID $VJ_TEST_GID 700" "the tenant dir /run is the tenant's, 0700"
stat_is "$J/root/lib64/ld-linux-x86-64.so.2" "regular empty file 0 0 444" "library mount points are empty root-owned files"

# cgroups: the VMM is in its own cgroup in every v1 hierarchy (hybrid hosts)
# and in cgroup2; a limit is written where its controller is (v1 or cgroup2).
cg=$(cat "/proc/$pid/cgroup")
CG2=$(vj_cgroup2_dir)
for c in memory pids cpu cpuset freezer devices blkio; do
	if vj_cgroup_v1 "$c"; then
		like "$cg" "[0-9]+:([a-z_,]*,)?$c(,[a-z_,]*)?:/$VJ_TEST_CG/$id(\$|
)" "v1 $c: the VMM is in /$VJ_TEST_CG/$id"
	else
		skip "no cgroup v1 $c hierarchy on this host (cgroup layout $(vj_cgroup_layout))"
	fi
done
like "$cg" "0::/$VJ_TEST_CG/$id" "cgroup2: the VMM is in the /$VJ_TEST_CG/$id leaf"
if vj_cgroup_v1 pids; then
	is "$(cat /sys/fs/cgroup/pids/$VJ_TEST_CG/$id/pids.max)" 77 "--cgroup pids.max=77 written (v1)"
else
	is "$(cat "$CG2/$VJ_TEST_CG/$id/pids.max")" 77 "--cgroup pids.max=77 written (cgroup2)"
fi
if vj_cgroup_v1 memory; then
	is "$(cat /sys/fs/cgroup/memory/$VJ_TEST_CG/$id/memory.limit_in_bytes)" 2147483648 "the policy's memory limit (2G) written (v1)"
else
	is "$(cat "$CG2/$VJ_TEST_CG/$id/memory.max")" 2147483648 "the policy's memory limit (2G) written (cgroup2 memory.max)"
fi
if vj_cgroup_v1 cpuset; then
	is "$(cat /sys/fs/cgroup/cpuset/$VJ_TEST_CG/$id/cpuset.mems)" "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" "cpuset.mems inherited so tasks can be placed"
else
	skip "no cgroup v1 cpuset hierarchy (cgroup2 places tasks without cpuset.mems)"
fi
is "$(cat "$CG2/$VJ_TEST_CG/$id/cgroup.procs")" "$pid" "the cgroup2 leaf holds exactly the VMM"

# rlimits from outside
lim=$(cat "/proc/$pid/limits")
like "$lim" "Max open files +1234 +1234" "--resource-limit nofile=1234"
like "$lim" "Max processes +100 +200" "--resource-limit nproc=100:200 (soft:hard)"
like "$lim" "Max core file size +0 +0" "the policy's core=0"

# /proc/<pid>/status from outside
st=$(cat "/proc/$pid/status")
like "$st" "Uid:	$VJ_TEST_UID	$VJ_TEST_UID	$VJ_TEST_UID	$VJ_TEST_UID" "status: Uid is the tenant's"
like "$st" "CapEff:	0000000000000000" "status: CapEff empty"
like "$st" "CapBnd:	0000000000000000" "status: CapBnd empty"
like "$st" "NoNewPrivs:	1" "status: NoNewPrivs 1"
like "$st" "Seccomp:	2" "status: Seccomp 2"

# the mount namespace: the jail is the root, no host mount is left
mi=$(cat "/proc/$pid/mountinfo")
root_line=$(awk '$5 == "/"' <<<"$mi")
is "$(wc -l <<<"$root_line")" 1 "exactly one mount at /"
like "$(awk '{print $4}' <<<"$root_line")" "/jailprobe/$id/root\$" "/ is the jail root"
like "$(awk '{print $6}' <<<"$root_line")" "^ro," "the jail root is mounted read-only"
unlike "$mi" " /(tmp|home|etc|usr/bin|sys/fs/cgroup) " "no host mount points inside"
is "$(awk '$5 ~ /^\/(proc|sys)/' <<<"$mi" | wc -l)" 0 "neither /proc nor /sys is mounted"
like "$(awk '$5 == "/run"' <<<"$mi")" "noexec" "the writable /run is noexec"
isnt "$(readlink /proc/$pid/ns/mnt)" "$(readlink /proc/self/ns/mnt)" "own mount namespace"
isnt "$(readlink /proc/$pid/ns/net)" "$(readlink /proc/self/ns/net)" "own network namespace"
isnt "$(readlink /proc/$pid/ns/ipc)" "$(readlink /proc/self/ns/ipc)" "own ipc namespace"
isnt "$(readlink /proc/$pid/ns/uts)" "$(readlink /proc/self/ns/uts)" "own uts namespace"
isnt "$(readlink /proc/$pid/ns/cgroup)" "$(readlink /proc/self/ns/cgroup)" "own cgroup namespace"
is "$(ip -n "" link 2>/dev/null; nsenter -t "$pid" -n ip -o link | wc -l)" 1 "the network namespace is empty (only lo)"

"$VMJAIL" --kill --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
wait "$sup"
is "$?" 137 "after --kill the supervisor exits 128+SIGKILL"
ok "the jail dir is gone" test ! -e "$J"
ok "the tenant cgroups are gone" test -z "$(cg_dirs "$VJ_TEST_CG/$id")"
done_testing
