#!/bin/bash
# learn round trip with a real VMM: QEMU boots the test guest in a jail under
# qemu-tcg.policy's jail with `seccomp default log`, its audit log is fed to
# `vmjail-policy learn`, and the learned lines with `seccomp default
# kill-process` boot the guest again.
#
# One logging run is not enough for QEMU: it makes hundreds of thousands of
# calls while it boots, each one a record, and the tenant log's rate limit
# (and the kernel's audit backlog) drop most of them, counted as losses; a
# call made rarely can be among them.  So learning is iterated: each round
# allows what was learned so far and logs only the rest, until a round logs
# nothing (a fixed point: the guest booted and every call it made was
# already allowed).  The learned policy is then tight: without one learned
# line QEMU is killed.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

[ -r "$VJ_BUILD/guest/vmlinux" ] || bail "the test guest is not built (make guest)"
RUN="$VJ_SRC/tests/guest/run-jailed.sh"
TOOL="$VJ_BUILD/vmjail-policy"
P="$VJ_TEST_TMP/policies"
mkdir -p "$P"
# qemu-tcg.policy's jail (binds, devices, limits, layers) with no seccomp
# lines: the include is copied beside it without them too
grep -v '^seccomp' "$VJ_SRC/policies/qemu-common.inc" >"$P/qemu-common.inc"
# policy NAME DEFAULT LEARNED: the jail with `seccomp default DEFAULT` and
# LEARNED's seccomp lines
policy() {
	{ grep -v '^seccomp' "$VJ_SRC/policies/qemu-tcg.policy"; echo "seccomp default $2"; grep '^seccomp' "$3"; } >"$P/$1"
}
# boot POLICY LOG CONSOLE: a guest that ticks 3 times and powers off; rc
boot() {
	"$RUN" --id "$(new_id)" --uid "$VJ_TEST_UID" --base "$VJ_TEST_BASE" --accel tcg --ticks 3 \
		--policy "$1" --audit-log "$2" -- --parent-cgroup "$VJ_TEST_CG" >"$3" 2>>"$VJ_TEST_TMP/err"
	rc=$?
}
logged() { jq -c 'select(.decision.enforcer == "seccomp" and .decision.action == "log")' "$1" 2>/dev/null | grep -c .; }

: >"$VJ_TEST_TMP/learned"
logs=()
fixed=no
for round in 1 2 3 4 5; do
	policy "round$round.policy" log "$VJ_TEST_TMP/learned"
	log="$VJ_TEST_TMP/round$round.log"
	boot "$P/round$round.policy" "$log" "$VJ_TEST_TMP/round$round.console"
	n=$(logged "$log")
	is "$rc/$(grep -c VMJAIL-GUEST-DONE "$VJ_TEST_TMP/round$round.console")" 0/1 \
		"round $round: the guest boots and powers off under seccomp default log ($n calls logged)"
	[ "$rc" = 0 ] || { diag "$(tail -n 5 "$VJ_TEST_TMP/err")"; break; }
	if [ "$n" = 0 ]; then
		fixed=yes
		break
	fi
	logs+=("$log")
	"$TOOL" learn "${logs[@]}" >"$VJ_TEST_TMP/learned" 2>"$VJ_TEST_TMP/learn.err"
	is "$?" 0 "  learn from rounds 1-$round exits 0 ($(grep -c '^seccomp allow' "$VJ_TEST_TMP/learned") lines)"
done
is "$fixed" yes "a round logged nothing: every call QEMU made is learned"
diag "fixed point after $round rounds; losses per round (rate limit, kernel): $(for l in "${logs[@]}"; do jq -s 'map(select(.kind == "loss") | .loss.count) | add // 0' "$l"; done | paste -sd ' ')"

policy learned.policy kill-process "$VJ_TEST_TMP/learned"
"$TOOL" check "$P/learned.policy" >/dev/null 2>&1
is "$?" 0 "the learned policy is valid"
log="$VJ_TEST_TMP/learned.log"
boot "$P/learned.policy" "$log" "$VJ_TEST_TMP/learned.console"
is "$rc" 0 "QEMU boots the guest under the learned lines with default kill-process"
ok "  the guest ran to its end" grep -q "VMJAIL-GUEST-DONE ticks=3" "$VJ_TEST_TMP/learned.console"
is "$(jq -c 'select(.kind == "enforcement")' "$log" 2>/dev/null | grep -c .)" 0 "  no seccomp kill or denial in its audit log"

# tight: without a learned line that QEMU's main loop needs, it is killed
grep -v '^seccomp allow ppoll$' "$P/learned.policy" >"$P/less.policy"
boot "$P/less.policy" "$VJ_TEST_TMP/less.log" "$VJ_TEST_TMP/less.console"
is "$rc" 159 "without the learned ppoll line: QEMU is killed by SIGSYS"
like "$(jq -c 'select(.decision.enforcer == "seccomp")' "$VJ_TEST_TMP/less.log" 2>/dev/null)" \
	'"syscall":"ppoll"' "  and the kill is audited, naming ppoll"
done_testing
