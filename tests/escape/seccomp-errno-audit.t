#!/bin/bash
# A seccomp refusal that returns an errno is audited in the tenant's stream,
# like a kill: one kernel SECCOMP record with the tenant's id, the syscall
# and action errno.  The kernel writes one for an errno answer only when the
# filter was loaded with SECCOMP_FILTER_FLAG_LOG and "errno" is listed in
# /proc/sys/kernel/seccomp/actions_logged; vmjail loads the policy's filter
# with the flag and refuses a launch whose policy answers with an errno while
# errno is not logged (fail closed).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

LOGGED=/proc/sys/kernel/seccomp/actions_logged
[ -r "$LOGGED" ] || bail "$LOGGED is missing: this kernel has no seccomp action logging"
grep -qw errno "$LOGGED" ||
	bail "this host's $LOGGED ($(cat "$LOGGED")) does not log errno: every launch below is refused, as it must be"

# The tenant's seccomp records for SYSCALL with action errno (one JSON line each)
errno_records() { # LOG ID SYSCALL
	jq -c --arg id "$2" --arg sc "$3" \
		'select(.tenant.id == $id and .decision.enforcer == "seccomp" and .decision.syscall == $sc and .decision.action == "errno")' \
		"$1" 2>/dev/null
}
has_errno_record() { [ -n "$(errno_records "$@")" ]; }

# refused ID SYSCALL NR WANT-ERRNO [vmjail flags...]: the tenant calls
# SYSCALL once; the refusal must reach its stream exactly once
refused() {
	local id=$1 sc=$2 nr=$3 want=$4
	shift 4
	local log="$VJ_TEST_TMP/$id.audit" out="$VJ_TEST_TMP/$id.out"
	cjail_bg "$id" --audit-log "$log" "$@" -- refuse "$nr" >"$out" 2>"$VJ_TEST_TMP/$id.err"
	local sup=$!
	within 20 grep -q '^refuse_errno=' "$out"
	is "$(fact refuse_errno <"$out")" "$want" "$sc: the tenant's call is refused with $want"
	ok "  audited in the tenant's stream: a seccomp record naming $sc, action errno" \
		within 10 has_errno_record "$log" "$id" "$sc"
	# everything the kernel queued reaches the stream when the supervisor
	# ends (it drains the audit socket), so the count below is complete
	stop "$sup"
	is "$(errno_records "$log" "$id" "$sc" | wc -l)" 1 "  exactly one record for the one call"
	local rec
	rec=$(errno_records "$log" "$id" "$sc" | head -n1)
	is "$(jq -r '.tenant.attribution' <<<"${rec:-null}")" ses "  attributed by the tenant's own audit session"
	has_errno_record "$log" "$id" "$sc" ||
		diag "seccomp records that arrived: $(jq -c 'select(.decision.enforcer == "seccomp") | [.tenant.id, .decision.syscall, .decision.action]' "$log" 2>&1)" \
			"tenant said: $(cat "$out" "$VJ_TEST_TMP/$id.err")"
}

# 1. The default policy's own errno: ENOSYS for every syscall it does not
#    list (mincore, 27 on x86_64).
refused "$(new_id)" mincore 27 ENOSYS

# 2. An explicit errno rule of a policy (getitimer, 36).
pol=$(write_policy errnorule '$a seccomp errno EACCES getitimer')
refused "$(new_id)" getitimer 36 EACCES --policy "$pol"

# 3. The refusals just before the tenant ends: kauditd multicasts the
#    kernel's queue asynchronously (and throttles a task once 64 records
#    wait), so when the supervisor sees the exit the last ones are often
#    still queued.  It must wait for them (AUDIT_GET backlog barrier), not
#    drop them with its socket: all N reach the stream.
id=$(new_id)
log="$VJ_TEST_TMP/$id.audit"
cjail "$id" --audit-log "$log" -- refuse-exit 27 200 >"$VJ_TEST_TMP/$id.out" 2>"$VJ_TEST_TMP/$id.err"
is "$?/$(fact refused <"$VJ_TEST_TMP/$id.out")" 0/200 "200 mincore calls refused, then the tenant exits at once"
is "$(errno_records "$log" "$id" mincore | wc -l)" 200 "  every one of them is in the stream (none lost at the exit)"

# 4. Fail closed: where an action the policy refuses with is not logged (the
#    sysctl as this launch sees it, replaced in a private mount namespace:
#    the host's stays as it is), the launch is refused and the refusal is
#    audited.  default.policy answers with errno and kills with
#    kill-process, so dropping either word must refuse it.
#    (Bounded: a launch that is not refused runs a tenant that sleeps.)
command -v unshare >/dev/null || bail "unshare (util-linux) is needed"
for action in errno kill_process; do
	sed "s/\b$action\b//" "$LOGGED" >"$VJ_TEST_TMP/actions_logged"
	id=$(new_id)
	log="$VJ_TEST_TMP/$id.audit"
	out=$(unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
		"$VJ_TEST_TMP/actions_logged" "$LOGGED" \
		timeout -k 5 20 "$VMJAIL" --id "$id" --exec-file "$CPROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --audit-log "$log" -- refuse 27 2>"$VJ_TEST_TMP/err")
	rc=$?
	is "$rc" 125 "$action not in actions_logged: the launch is refused (125)"
	like "$(cat "$VJ_TEST_TMP/err")" "actions_logged does not list \"$action\"" "  saying why"
	is "$(fact refuse_errno <<<"$out")" "" "  the tenant never ran"
	like "$(jq -c --arg id "$id" 'select(.tenant.id == $id and .type == "launch-failed")' "$log" 2>/dev/null)" \
		'actions_logged' "  audited as launch-failed with the reason"
	nok "  no jail dir left" test -e "$(cjail_dir "$id")"
done
done_testing
