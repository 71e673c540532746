#!/bin/bash
# Finding 9: without --new-pid-ns a tenant reached host processes of its own
# uid: prlimit, setpriority and sched_setaffinity succeeded (a host busy loop
# was killed through RLIMIT_CPU), and pidfd_open told it which host pids
# exist.  Now a launch without a pid namespace is refused while the tenant's
# uid owns any process (audited), and with a pid namespace no host process
# can be named at all.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

command -v setpriv >/dev/null || bail "setpriv (util-linux) is needed"
setpriv --reuid="$VJ_TEST_UID" --regid="$VJ_TEST_GID" --clear-groups sleep 120 &
HOSTPROC=$!
trap 'kill $HOSTPROC 2>/dev/null; _vj_cleanup' EXIT
ok "a host process of the tenant's uid runs" wait_for grep -q "^Uid:.*$VJ_TEST_UID" /proc/$HOSTPROC/status
limits_before=$(grep "Max cpu time" /proc/$HOSTPROC/limits)
nice_before=$(awk '{print $19}' /proc/$HOSTPROC/stat)

# 1. Without a pid namespace: refused, audited, the host process untouched.
id=$(new_id)
log="$VJ_TEST_TMP/$id.audit"
out=$(cjail "$id" --audit-log "$log" -- reach "$HOSTPROC" 2>"$VJ_TEST_TMP/err")
rc=$?
is "$rc" 125 "no pid namespace, uid in use on the host: the launch is refused (125)"
like "$(cat "$VJ_TEST_TMP/err")" "uid $VJ_TEST_UID owns process" "  saying why"
is "$(fact prlimit <<<"$out")" "" "  the tenant never ran (no prlimit result)"
like "$(grep launch-failed "$log")" "owns process" "  audited as launch-failed with the reason"
nok "  no jail dir left" test -e "$(cjail_dir "$id")"

# 2. With a pid namespace: the launch goes on, and the host process does
#    not exist for the tenant.  The default allowlist already refuses
#    setpriority and pidfd_open (ENOSYS); a policy that allows them shows
#    that the kernel, not only seccomp, keeps the host out of reach.
reachpol=$(write_policy reach '$a seccomp allow setpriority pidfd_open')
id=$(new_id)
out=$(cjail "$id" --new-pid-ns -- reach "$HOSTPROC" 2>"$VJ_TEST_TMP/err")
is "$(fact setpriority <<<"$out") $(fact pidfd_open <<<"$out")" "ENOSYS ENOSYS" \
	"--new-pid-ns, default policy: setpriority and pidfd_open refused by seccomp"
id=$(new_id)
out=$(cjail "$id" --new-pid-ns --policy "$reachpol" -- reach "$HOSTPROC" 2>"$VJ_TEST_TMP/err")
is "$?" 0 "--new-pid-ns: the tenant runs"
for f in prlimit setpriority sched_setaffinity pidfd_open kill0; do
	is "$(fact $f <<<"$out")" ESRCH "--new-pid-ns: $f on the host pid: ESRCH"
done
is "$(grep "Max cpu time" /proc/$HOSTPROC/limits)" "$limits_before" "the host process's RLIMIT_CPU is unchanged"
is "$(awk '{print $19}' /proc/$HOSTPROC/stat)" "$nice_before" "the host process's nice value is unchanged"
ok "the host process lives" kill -0 "$HOSTPROC"

# 3. Once the uid owns nothing, a launch without a pid namespace runs; other
#    uids' processes are out of reach by the kernel's permission checks.
kill "$HOSTPROC"; wait "$HOSTPROC" 2>/dev/null
id=$(new_id)
out=$(cjail "$id" --policy "$reachpol" -- reach $$ 2>"$VJ_TEST_TMP/err")
is "$?" 0 "no pid namespace, uid unused: the tenant runs"
for f in prlimit setpriority sched_setaffinity; do
	is "$(fact $f <<<"$out")" EPERM "no pid namespace: $f on a root process: EPERM"
done
done_testing
