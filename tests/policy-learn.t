#!/bin/bash
# learn round trip: a program run in a real jail under `seccomp default log`,
# its audit log fed to `vmjail-policy learn`, and the learned lines with
# `seccomp default kill-process` start and run that program again.  The
# exec of the VMM is never logged (exec-once's user notification outranks
# the log action), so learn adds it.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-test} VMJAIL_BPF_PIN_DIR=${VMJAIL_BPF_PIN_DIR:-/sys/fs/bpf/vmjail-test}
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$HELPERS/vmmstart" ] || bail "$HELPERS/vmmstart not built"

# the default policy's jail, with the given seccomp lines
policy() {
	{ grep -v '^seccomp' "$VJ_SRC/policies/default.policy"; cat; } >"$1"
}
# run EXEC POLICY LOG ARGS...: out, rc
run() {
	local exe=$1 pol=$2 log=$3
	shift 3
	out=$("$VMJAIL" --id "$(new_id)" --exec-file "$exe" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --policy "$pol" ${log:+--audit-log "$log"} -- "$@" \
		2>"$VJ_TEST_TMP/err")
	rc=$?
}

for exe in /bin/true "$HELPERS/vmmstart"; do
	b=$(basename "$exe")
	# Two learning runs, both logs to learn: the kernel's records of a
	# VMM's last calls (write, exit_group) sometimes reach the audit log
	# after its supervisor stopped reading (seen here about one run in ten;
	# reported to the audit work), and one run's gap must not decide.
	echo 'seccomp default log' | policy "$VJ_TEST_TMP/log.policy"
	for k in 1 2; do
		log="$VJ_TEST_TMP/$b.$k.log"
		run "$exe" "$VJ_TEST_TMP/log.policy" "$log"
		is "$rc" 0 "$b under seccomp default log (run $k): runs"
		n=$(jq -c 'select(.decision.enforcer=="seccomp")' "$log" 2>/dev/null | grep -c .)
		ok "$b: its syscalls were logged ($n records)" test "$n" -gt 5
	done
	"$TOOL" learn "$VJ_TEST_TMP/$b.1.log" "$VJ_TEST_TMP/$b.2.log" >"$VJ_TEST_TMP/learned"
	is "$?" 0 "$b: learn exits 0"
	like "$(cat "$VJ_TEST_TMP/learned")" $'\n''seccomp allow execve' "$b: learned lines allow execve"
	like "$(cat "$VJ_TEST_TMP/learned")" $'\n''seccomp allow arch_prctl' "$b: and the libc start-up"
	{ echo 'seccomp default kill-process'; grep '^seccomp' "$VJ_TEST_TMP/learned"; } |
		policy "$VJ_TEST_TMP/learned.policy"
	"$TOOL" check "$VJ_TEST_TMP/learned.policy" >/dev/null 2>&1
	is "$?" 0 "$b: the learned policy is valid"
	run "$exe" "$VJ_TEST_TMP/learned.policy" ""
	is "$rc" 0 "$b: starts and runs under the learned policy with default kill-process"
	[ "$rc" = 0 ] || diag "$(cat "$VJ_TEST_TMP/err")"
	[ "$b" = vmmstart ] && like "$out" "^vmmstart ok threads=2" "$b: threads and epoll loop ran"
	# and the learned policy is tight: one learned line less kills it
	grep -v '^seccomp allow arch_prctl' "$VJ_TEST_TMP/learned.policy" >"$VJ_TEST_TMP/less.policy"
	run "$exe" "$VJ_TEST_TMP/less.policy" ""
	is "$rc" 159 "$b: without the learned arch_prctl line: killed by SIGSYS"
done
done_testing
