#!/bin/bash
# The VMM's identity inside a jail: uid/gid, groups, capabilities, no_new_privs,
# securebits, session, tty, fds, environment, root and pid namespace.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

id=$(new_id)
# Started with extra fds open and a dirty environment, as a careless parent would.
out=$(FOO=bar LD_PRELOAD=/nonexistent.so jail "$id" --new-pid-ns -- facts 5</dev/null 7>/dev/null 2>"$VJ_TEST_TMP/err")
rc=$?
is "$rc" 0 "the probe ran and exited 0"
is "$(fact uid <<<"$out")" "$VJ_TEST_UID $VJ_TEST_UID $VJ_TEST_UID" "real, effective and saved uid are the tenant's"
is "$(fact gid <<<"$out")" "$VJ_TEST_GID $VJ_TEST_GID $VJ_TEST_GID" "real, effective and saved gid are the tenant's"
is "$(fact groups <<<"$out")" 0 "no supplementary groups"
is "$(fact cap_eff <<<"$out")" 0000000000000000 "effective capabilities empty"
is "$(fact cap_prm <<<"$out")" 0000000000000000 "permitted capabilities empty"
is "$(fact cap_inh <<<"$out")" 0000000000000000 "inheritable capabilities empty"
is "$(fact cap_bnd_count <<<"$out")" 0 "bounding set empty"
is "$(fact cap_amb_count <<<"$out")" 0 "ambient set empty"
is "$(fact no_new_privs <<<"$out")" 1 "NoNewPrivs is 1"
# NOROOT|NOROOT_LOCKED|NO_SETUID_FIXUP|..._LOCKED|KEEP_CAPS_LOCKED|NO_CAP_AMBIENT_RAISE|..._LOCKED
is "$(fact securebits <<<"$out")" 0xef "securebits set and locked"
is "$(fact seccomp <<<"$out")" 2 "seccomp filter mode (Seccomp: 2)"
is "$(fact sid_is_pid <<<"$out")" 1 "its own session"
isnt "$(fact dev_tty <<<"$out")" opened "open(/dev/tty) fails"
is "$(fact fds <<<"$out")" "0,1,2" "fds are exactly 0,1,2 although vmjail had 5 and 7 open"
is "$(fact env_count <<<"$out")" 0 "the environment is empty"
is "$(fact cwd <<<"$out")" / "cwd is the jail root"
is "$(fact pid <<<"$out")" 1 "with --new-pid-ns the VMM is pid 1"
is "$(fact hostname <<<"$out")" "$id" "the uts namespace names the tenant, not the host"
is "$(fact root_writable <<<"$out")" EROFS "the jail root is read-only"

# The host is not visible: no host path resolves inside.
for p in /etc/passwd /tmp /home /usr/bin/env "$VJ_TEST_BASE" /proc/1/root /sys/fs/cgroup \
	/sys/fs/bpf/vmjail /run/vmjail "$VMJAIL_BPF_PIN_DIR" "$VMJAIL_RUN_DIR"; do
	r=$(jail "$(new_id)" -- open "$p" 2>/dev/null | fact result)
	is "$r" ENOENT "host path $p does not exist in the jail"
done

# Without Landlock the root can be listed: it holds exactly the jail's entries.
pol=$(write_policy nolandlock 's/^layer landlock .*/layer landlock off/')
out=$(jail "$(new_id)" --policy "$pol" -- facts 2>/dev/null)
is "$(fact root <<<"$out")" "dev,jailprobe,lib,lib64,run" "the root lists only the jail (exec copy, dev, libraries, run)"

out=$(jail "$(new_id)" -- facts 2>/dev/null)
like "$(fact pid <<<"$out")" '^([02-9]|[1-9][0-9]+)$' "without --new-pid-ns the VMM is not pid 1"

# A dynamically linked Debian binary runs as the exec file.
id2=$(new_id)
out=$("$VMJAIL" --id "$id2" --exec-file /usr/bin/id --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
	--chroot-base-dir "$VJ_TEST_BASE" --parent-cgroup "$VJ_TEST_CG" "${VJ_POLICY[@]}" 2>"$VJ_TEST_TMP/err")
is "$?" 0 "/usr/bin/id (dynamically linked) runs in the jail"
like "$out" "^uid=$VJ_TEST_UID gid=$VJ_TEST_GID" "and reports the tenant's ids"
done_testing
