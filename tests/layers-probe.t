#!/bin/bash
# `vmjail --probe`: what this kernel enforces, proven by canaries, and why not;
# a policy that requires an unavailable layer is refused before anything is
# made (and audited); if-available proceeds and says what it skipped.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

out=$("$VMJAIL" --probe)
is "$?" 0 "--probe exits 0"
like "$out" "seccomp +yes" "seccomp: available"
like "$out" "landlock +yes +ABI [0-9]+" "landlock: available, with its ABI"
like "$out" "cgroup-bpf +yes" "cgroup-bpf: available"
like "$out" "exec-once +yes" "exec-once: available"
layout=$(vj_cgroup_layout)
case $layout in
hybrid) like "$out" "cgroup-limits +yes +hybrid" "cgroup-limits: available (hybrid hierarchy seen)" ;;
cgroup2-only) like "$out" "cgroup-limits +yes +cgroup2; v1: none" "cgroup-limits: available (cgroup2-only hierarchy seen)" ;;
*) like "$out" "cgroup-limits +yes" "cgroup-limits: available ($layout)" ;;
esac
like "$out" "landlock +yes +ABI $VJ_LANDLOCK_ABI:" "landlock: the kernel's ABI ($VJ_LANDLOCK_ABI) is the one reported"
# BPF LSM and AppArmor: unavailable, each with its reason, where the kernel
# cannot run them (this host refuses BPF LSM programs and has no AppArmor);
# available where it runs both (the 6.1 guest).
if vj_kernel_runs_lsm; then
	like "$out" "bpf-lsm +yes" "bpf-lsm: available (this kernel runs BPF LSM programs)"
	like "$out" "apparmor +yes" "apparmor: available"
else
	like "$out" "bpf-lsm +no +.*(EPERM|refused|has none)" "bpf-lsm: unavailable, with the reason"
	if vj_lsm_active apparmor; then
		like "$out" "apparmor +no +AppArmor is enabled, but" "apparmor: unavailable, with the reason"
	else
		like "$out" "apparmor +no +AppArmor is not enabled" "apparmor: unavailable, with the reason"
	fi
fi

json=$("$VMJAIL" --probe --json)
ok "--probe --json is JSON" is_json <<<"$json"
is "$(jq -r '.layers[] | select(.layer=="landlock") | .available' <<<"$json")" true "json: landlock available"
like "$(jq -r '.layers[] | select(.layer=="landlock") | .features' <<<"$json")" "ABI [0-9]" "json: landlock ABI reported"
LSM_ON=false
vj_kernel_runs_lsm && LSM_ON=true
is "$(jq -r '.layers[] | select(.layer=="bpf-lsm") | .available' <<<"$json")" "$LSM_ON" "json: bpf-lsm available: $LSM_ON"
isnt "$(jq -r '.layers[] | select(.layer=="bpf-lsm") | if .available then .features else .reason end' <<<"$json")" "" \
	"json: bpf-lsm says what it proved or why not"
is "$(jq -r '[.layers[].layer] | sort | join(",")' <<<"$json")" \
	"apparmor,bpf-lsm,cgroup-bpf,cgroup-limits,exec-once,landlock,seccomp" "json: every layer is listed"

pol=$(write_policy lsmreq 's/^layer bpf-lsm .*/layer bpf-lsm required/')
if vj_kernel_runs_lsm; then
	# required + available: the launch goes on
	id=$(new_id)
	jail "$id" --policy "$pol" -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
	is "$?" 0 "a policy requiring bpf-lsm launches where the kernel runs it"
else
	# required + unavailable: refused before anything is created, message and record
	before=$(snapshot)
	id=$(new_id)
	jail "$id" --policy "$pol" --audit-log "$VJ_TEST_TMP/req.log" -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
	is "$?" 125 "a policy requiring bpf-lsm: refused (exit 125)"
	like "$(cat "$VJ_TEST_TMP/err")" "layer bpf-lsm is required by the policy but unavailable here" "the message names the layer and why"
	is "$(snapshot)" "$before" "nothing was created"
	is "$(jq -r 'select(.type=="launch-failed") | .tenant.id' "$VJ_TEST_TMP/req.log")" "$id" "a launch-failed audit record names the tenant"
	like "$(jq -r 'select(.type=="launch-failed") | .lifecycle.message' "$VJ_TEST_TMP/req.log")" "bpf-lsm" "the record says which layer"
fi

# The default policy scopes signals and abstract unix sockets with Landlock:
# a kernel without ABI 6 cannot, and the launch must fail closed.
if [ "$VJ_LANDLOCK_ABI" -lt 6 ]; then
	before=$(snapshot)
	"$VMJAIL" --id "$(new_id)" --exec-file "$PROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
	is "$?" 125 "Landlock ABI $VJ_LANDLOCK_ABI: the default policy (Landlock scoping) is refused (exit 125)"
	like "$(cat "$VJ_TEST_TMP/err")" "Landlock scoping \(ABI 6\), this kernel has ABI $VJ_LANDLOCK_ABI" "  and says why"
	is "$(snapshot)" "$before" "  nothing was created"
else
	"$VMJAIL" --id "$(new_id)" --exec-file "$PROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
	is "$?" 0 "Landlock ABI $VJ_LANDLOCK_ABI: the default policy, Landlock scoping included, launches"
fi

# if-available: proceeds; says it skipped where the kernel cannot
id=$(new_id)
out=$(jail "$id" --audit-log "$VJ_TEST_TMP/skip.log" -- facts 2>"$VJ_TEST_TMP/err")
is "$?" 0 "bpf-lsm if-available: the VMM runs"
if vj_kernel_runs_lsm; then
	is "$(jq -r 'select(.type=="layer-skipped") | .decision.enforcer' "$VJ_TEST_TMP/skip.log" | sort | tr '\n' ,)" \
		"" "no layer-skipped record where the kernel runs both LSMs"
else
	like "$(cat "$VJ_TEST_TMP/err")" "layer bpf-lsm skipped \(if-available\)" "and says bpf-lsm was skipped"
	is "$(jq -r 'select(.type=="layer-skipped") | .decision.enforcer' "$VJ_TEST_TMP/skip.log" | sort | tr '\n' ,)" \
		"apparmor,bpf-lsm," "layer-skipped records for bpf-lsm and apparmor"
fi

# the --dry-run plan tells the same story, and changes nothing
before=$(snapshot)
plan=$(jail "$(new_id)" --dry-run --json 2>/dev/null)
ok "--dry-run --json is JSON" is_json <<<"$plan"
is "$(jq -r '.layers.seccomp.apply' <<<"$plan")" true "plan: seccomp applies"
# (the tests' policy turns the layer off where the kernel runs it: jail.sh)
plan_lsm=$LSM_ON
grep -q '^layer bpf-lsm off' "$VJ_DEFAULT_POLICY" && plan_lsm=false
is "$(jq -r '.layers["bpf-lsm"].apply' <<<"$plan")" "$plan_lsm" "plan: bpf-lsm applies: $plan_lsm"
is "$(snapshot)" "$before" "--dry-run changed nothing"
done_testing
