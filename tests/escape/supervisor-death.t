#!/bin/bash
# Finding 8: when the supervisor dies (SIGKILL: no cleanup code runs), every
# task of the tenant dies with it, not only the VMM (which alone has the
# parent-death signal): its children and grandchildren too, with and without
# a pid namespace, and the jail's audit log says so.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

# tasks ID: every pid in the tenant's cgroups (v1 pids hierarchy or cgroup2)
tasks() {
	cat "$(cg2_leaf "$1")/cgroup.procs" /sys/fs/cgroup/pids/containprobe/"$1"/cgroup.procs 2>/dev/null | sort -u
}

all_gone() {
	local p
	for p in $1; do gone "$p" || return 1; done
}

for ns in "" --new-pid-ns; do
	what=${ns:-no pid namespace}
	id=$(new_id)
	log="$VJ_TEST_TMP/$id.audit"
	cjail_bg "$id" --audit-log "$log" $ns -- spawn 3 >"$VJ_TEST_TMP/out" 2>"$VJ_TEST_TMP/err"
	sup=$!
	ok "$what: the tenant runs" crunning "$id"
	ok "$what: the tenant forked its children" wait_for grep -q spawned=1 "$VJ_TEST_TMP/out"
	pids=$(tasks "$id")
	n=$(wc -w <<<"$pids")
	ok "$what: 7 tenant tasks in its cgroup (VMM, 3 children, 3 grandchildren), got $n" test "$n" -eq 7
	kill -KILL "$sup"
	wait "$sup" 2>/dev/null
	ok "$what: SIGKILL of the supervisor kills every tenant task" wait_for all_gone "$pids"
	for p in $pids; do gone "$p" || diag "survivor: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	ok "$what: audited with the tenant's id" \
		wait_for grep -qs "\"supervisor-died\".*\"$id\"\|\"$id\".*\"supervisor-died\"" "$log"
	"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
	is "$?" 0 "$what: --cleanup afterwards succeeds"
done

# A normal end does not leave a reaper behind or fake a death record.
id=$(new_id)
log="$VJ_TEST_TMP/$id.audit"
cjail "$id" --audit-log "$log" -- aio 1 >/dev/null 2>&1
is "$?" 0 "normal exit: exit code 0"
unlike "$(cat "$log")" "supervisor-died" "normal exit: no supervisor-died record"
done_testing
