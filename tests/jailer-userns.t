#!/bin/bash
# `namespace user on`: the tenant runs in a user namespace of its own where only
# its uid and gid exist (mapped to themselves), setgroups is denied, and the
# identity and layers are what they are without one.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

pol=$(write_policy userns 's/^namespace user off/namespace user on/')
id=$(new_id)
out=$(jail "$id" --policy "$pol" -- facts 2>/dev/null)
is "$?" 0 "a jail with a user namespace runs its VMM"
is "$(fact uid <<<"$out")" "$VJ_TEST_UID $VJ_TEST_UID $VJ_TEST_UID" "uid is the tenant's"
is "$(fact gid <<<"$out")" "$VJ_TEST_GID $VJ_TEST_GID $VJ_TEST_GID" "gid is the tenant's"
is "$(fact groups <<<"$out")" 0 "no supplementary groups"
is "$(fact cap_eff <<<"$out")/$(fact cap_prm <<<"$out")/$(fact cap_bnd_count <<<"$out")" \
	"0000000000000000/0000000000000000/0" "no capabilities, not even in its own namespace"
is "$(fact seccomp <<<"$out")" 2 "seccomp filter mode"
is "$(fact no_new_privs <<<"$out")" 1 "no_new_privs"

id=$(new_id)
jail_bg "$id" --policy "$pol" -- sleep 20 >/dev/null 2>&1
sup=$!
ok "running" running "$id"
pid=$(vmm_pid "$id")
isnt "$(readlink "/proc/$pid/ns/user")" "$(readlink /proc/self/ns/user)" "its own user namespace"
is "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")" "$VJ_TEST_UID $VJ_TEST_UID 1" "uid_map: only the tenant's uid, to itself"
is "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")" "$VJ_TEST_GID $VJ_TEST_GID 1" "gid_map: only the tenant's gid"
is "$(cat "/proc/$pid/setgroups")" deny "setgroups is denied"
like "$(cat "/proc/$pid/status")" "CapEff:	0000000000000000" "CapEff empty from outside"
"$VMJAIL" --kill --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
wait "$sup"

# root does not exist in there: setuid(0) fails (the default policy is an
# allowlist without setuid, so this policy lets the kernel answer)
pol2=$(write_policy userns-setuid 's/^namespace user off/namespace user on/; $a seccomp allow setuid')
r=$(jail "$(new_id)" --policy "$pol2" -- syscall 105 0 2>/dev/null | fact result)
like "$r" "^(EPERM|EINVAL)$" "setuid(0) inside fails ($r)"
done_testing
