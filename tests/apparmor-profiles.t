#!/bin/bash
# AppArmor profiles generated from policies (jailer/apparmor_profile.c via
# `vmjail-policy apparmor`): the profile of every shipped policy compiles
# with apparmor_parser (-Q: no kernel load, -T: no cache, so this host
# without AppArmor can check them); what the profile allows follows the
# policy; a path with AppArmor glob or quoting characters is refused, never
# written into a profile.
. "$(dirname "$0")/lib/tap.sh"
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL missing: make all"
command -v apparmor_parser >/dev/null || bail "apparmor_parser missing (the apparmor package is in .ci/deps)"
T=$(mktemp -d /tmp/vj-aa.XXXXXX)
trap 'rm -rf "$T"' EXIT

for pol in "$VJ_SRC"/policies/*.policy; do
	b=$(basename "$pol" .policy)
	"$TOOL" apparmor --name "vmjail-t-$b" --exec /vmm "$pol" >"$T/$b.prof" 2>"$T/$b.err"
	is "$?" 0 "$b: a profile is generated"
	apparmor_parser -Q -T "$T/$b.prof" >"$T/$b.out" 2>&1
	is "$?" 0 "$b: apparmor_parser -Q -T compiles it"
	w=$(grep -v 'Cache read/write disabled' "$T/$b.out")
	[ -z "$w" ] || diag "$w"
	ok "$b: named vmjail-t-$b, enforce mode (no complain flag)" grep -q "^profile vmjail-t-$b flags=(attach_disconnected,mediate_deleted) {" "$T/$b.prof"
	# "audit deny": a plain deny is quiet, so the tenant's stream would never
	# see these refusals (tests/lsm-jail.t proves the records in the guest)
	n=$(grep -cxE '  audit deny (capability|mount|umount|pivot_root|/\*\* x),' "$T/$b.prof")
	is "$n" 5 "$b: no capability, mount, umount, pivot_root or exec, each an audited deny"
	nok "$b:   and no quiet deny" grep -qE '^ *deny ' "$T/$b.prof"
	ok "$b: signals only within the profile" grep -qx "  signal (send, receive) peer=vmjail-t-$b," "$T/$b.prof"
	nok "$b: no file rule allows exec (x)" grep -E '^  (owner )?[/@][^ ]* [rwkmlix]*x[rwkmlix]*,$' "$T/$b.prof"
done

# What the default policy says, rule by rule.
p="$T/default.prof"
ok "default: /dev/kvm read/write (device kvm)" grep -qx '  /dev/kvm rw,' "$p"
ok "default: /run is the tenant's (dir /run)" grep -qx '  /run/\*\* rwk,' "$p"
ok "default: AF_UNIX and AF_INET (socket rules)" sh -c "grep -qx '  network unix,' '$p' && grep -qx '  network inet,' '$p'"
nok "default: no AF_INET6 (not in the socket rules)" grep -q 'network inet6' "$p"
ok "default: the VMM is read and mapped" grep -qx '  /vmm rm,' "$p"

# Hostile input.
printf 'version 1\nname hostile\nbind ro /usr/share/doc /da*ta\n' >"$T/h1.policy"
out=$("$TOOL" apparmor "$T/h1.policy" 2>&1)
is "$?" 1 "a bind target with a glob character is refused (exit 1)"
like "$out" 'bind target "/da\*ta" has characters other than' "  and named"
nok "  no profile text was printed" grep -q '^profile' <<<"$out"
out=$("$TOOL" apparmor --exec "$(printf '/vmm\x01,\n/** rwx')" "$VJ_SRC/policies/default.policy" 2>&1)
is "$?" 1 "an exec path with a newline and a rule is refused"
like "$out" 'exec file "/vmm\\x01,\\x0a' "  control bytes escaped in the message"
out=$("$TOOL" apparmor --name 'x { capability, }' "$VJ_SRC/policies/default.policy" 2>&1)
is "$?" 1 "a profile name with spaces and braces is refused"
done_testing
