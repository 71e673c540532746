#!/bin/bash
# import-oci keeps a profile's meaning where the language is narrower than
# the profile: orderings and != on 32-bit arguments become `in {...}` of the
# values they admit (socket families up to AF_MAX), a deny rule naming one
# exact call inside allow rules falls to the default instead of taking the
# allow rules with it, and vmjail's floor (no user namespace, no AF_VSOCK)
# is applied with a comment.  On our own fixture with those shapes, and on
# Docker's and containers/common's real profiles: VJ_OCI_PROFILES names them
# ("docker.json containers.json"), else the ones Debian ships are fetched
# with apt-get download (tests/lib/debian-oci-profiles.sh; not stored here).
# On those, the differential oracle (tests/lib/import_oracle.py oci) reads the
# JSON on its own and checks the compiled program's verdict at every rule's
# boundary values: every verdict equals the profile's, except where the
# importer's own comments say it refuses more.
. "$(dirname "$0")/lib/tap.sh"
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# sim POLICY WANT SYSCALL ARGS...: compiled and policy verdicts both WANT
sim() {
	local pol=$1 want=$2
	shift 2
	local out
	out=$("$TOOL" simulate "$pol" "$@" 2>&1)
	if [[ "$out" == *"compiled: $want"$'\n'"policy:   $want"* ]]; then
		_tap_result 0 "$(basename "$pol"): $* -> $want"
	else
		_tap_result 1 "$(basename "$pol"): $* -> $want"
		diag "$out"
	fi
}

F="$VJ_SRC/tests/policy-data/oci-vmm-shapes.json"
"$TOOL" import-oci "$F" >"$T/f.policy"
is "$?" 0 "import-oci of the fixture: exit 0"
"$TOOL" check "$T/f.policy" >/dev/null 2>&1
is "$?" 0 "the imported policy is valid"
out=$(cat "$T/f.policy")
like "$out" "socket if arg0 < AF_ALG: rewritten as the list of the values it admits" "arg0 < AF_ALG: enumerated, with a comment"
sim "$T/f.policy" allow socket AF_UNIX
sim "$T/f.policy" allow socket AF_INET
sim "$T/f.policy" allow socket AF_NETLINK
sim "$T/f.policy" allow socket AF_NFC
sim "$T/f.policy" "errno ENOSYS" socket AF_ALG
sim "$T/f.policy" "errno ENOSYS" socket AF_VSOCK
sim "$T/f.policy" allow socket AF_KCM
sim "$T/f.policy" "errno ENOSYS" socket 0x10000002   # AF_INET with high bits: 32-bit compare
sim "$T/f.policy" allow getsockopt 3 4
sim "$T/f.policy" "errno ENOSYS" getsockopt 3 5
# the exact refused call falls to the default; the allow rules around it stay
like "$out" "conflict: errno EINVAL socketpair if arg0 == AF_NETLINK and arg2 == 9: that call falls to the default" \
	"a deny rule inside allow rules: noted"
sim "$T/f.policy" allow socketpair AF_UNIX 1 0
sim "$T/f.policy" "errno ENOSYS" socketpair AF_NETLINK 3 9
# vmjail's floor
like "$out" "vmjail floor: clone only without namespace flags" "floor: clone noted"
sim "$T/f.policy" allow clone 'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD'
sim "$T/f.policy" "errno ENOSYS" clone CLONE_NEWUSER
sim "$T/f.policy" "errno ENOSYS" unshare CLONE_NEWUSER
sim "$T/f.policy" "errno ENOSYS" clone3
sim "$T/f.policy" "errno EPERM" setns
# a syscall newer than libseccomp's table is imported
sim "$T/f.policy" allow mseal 0 0 0
out=$("$TOOL" lint --json "$T/f.policy")
is "$(jq -r '.findings[] | select(.id=="seccomp-userns") | .id' <<<"$out")" "" "lint: no user namespace reachable"

# architectures: a profile for other architectures only is refused, named
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_AARCH64"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}' >"$T/arm.json"
out=$("$TOOL" import-oci "$T/arm.json" 2>&1); rc=$?
is "$rc" 1 "an AARCH64-only profile: refused (exit 1)"
like "$out" "x86_64 is not among them" "  with the reason"
unlike "$out" "seccomp allow read" "  and no policy text"
printf '{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}' >"$T/x86.json"
out=$("$TOOL" import-oci "$T/x86.json" 2>&1)
like "$out" "seccomp allow read" "an archMap with x86_64: imported"

# The real profiles, when given.
if [ -z "${VJ_OCI_PROFILES:-}" ]; then
	VJ_OCI_PROFILES=$("$VJ_SRC/tests/lib/debian-oci-profiles.sh" "$VJ_BUILD/upstream/oci" 2>"$T/fetch.err") ||
		VJ_OCI_PROFILES=
	[ -n "$VJ_OCI_PROFILES" ] && for p in $VJ_OCI_PROFILES; do diag "$(basename "$p"): Debian's $(cat "$p.from")"; done
fi
if [ -z "$VJ_OCI_PROFILES" ]; then
	skip "VJ_OCI_PROFILES not set and Debian's profiles not fetched ($(tr '\n' ' ' <"$T/fetch.err"))"
else
	for p in $VJ_OCI_PROFILES; do
		b=$(basename "$p" .json)
		"$TOOL" import-oci "$p" >"$T/$b.policy"
		is "$?" 0 "$b: import-oci exit 0"
		"$TOOL" check "$T/$b.policy" >/dev/null 2>&1
		is "$?" 0 "$b: valid"
		sim "$T/$b.policy" allow socket AF_INET
		sim "$T/$b.policy" allow socket AF_UNIX
		out=$("$TOOL" simulate "$T/$b.policy" socket AF_VSOCK)
		unlike "$out" "compiled: allow" "$b: socket(AF_VSOCK) refused"
		out=$("$TOOL" simulate "$T/$b.policy" clone CLONE_NEWUSER)
		unlike "$out" "compiled: allow" "$b: clone(CLONE_NEWUSER) refused"
		out=$("$TOOL" simulate "$T/$b.policy" unshare CLONE_NEWUSER)
		unlike "$out" "compiled: allow" "$b: unshare(CLONE_NEWUSER) refused"
		out=$(python3 "$VJ_SRC/tests/lib/import_oracle.py" oci "$p" "$T/$b.policy" "$TOOL" \
			"$VJ_SRC/policies/lang/argwidth.c" 2>&1)
		ok "$b: every rule's verdicts equal the profile's (differential)" test $? = 0
		diag "$b: $out"
	done
fi
done_testing
