#!/bin/bash
# --keep-fd refuses directory and O_PATH descriptors (issue 10, finding 14; the
# directory case also runs as the keepfd-dir attacker in attacks.t).  An O_PATH
# fd of a file can be reopened (through /proc, where a policy mounts it) or
# used with *at() calls; vmjail has no policy line that allows it.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"

# keep PATH FLAGS: launch the probe with one fd of PATH (os.open FLAGS) kept
keep() {
	python3 - "$VMJAIL" "$1" "$2" "$PROBE" "$VJ_TEST_UID" "$VJ_TEST_BASE" "$(new_id)" <<'PY'
import os, sys
vmjail, path, flags, probe, uid, base, id_ = sys.argv[1:8]
fd = os.open(path, eval(flags))
os.set_inheritable(fd, True)
os.execv(vmjail, [vmjail, "--id", id_, "--exec-file", probe, "--uid", uid, "--gid", uid,
                  "--chroot-base-dir", base, "--keep-fd", str(fd), "--", "facts"])
PY
}
out=$(keep /etc/hostname os.O_RDONLY 2>"$VJ_TEST_TMP/err")
is "$?" 0 "baseline: a regular file fd is kept"
like "$(fact fds <<<"$out")" "^0,1,2,[0-9]+$" "  and is open in the VMM"
out=$(keep /etc/hostname os.O_PATH 2>"$VJ_TEST_TMP/err")
is "$?" 125 "an O_PATH fd is refused"
like "$(cat "$VJ_TEST_TMP/err")" "O_PATH descriptor.*refused" "  and the reason is printed"
out=$(keep /etc 'os.O_RDONLY|os.O_DIRECTORY' 2>"$VJ_TEST_TMP/err")
is "$?" 125 "a directory fd is refused"
like "$(cat "$VJ_TEST_TMP/err")" "is a directory.*refused" "  and the reason is printed"

# Fds leaked by vmjail's parent (9: a host secret, 10: the host root) are
# closed in vmjail itself at start (sanitize_process), not only at the VMM's
# exec: the privileged supervisor must not hold them for the jail's lifetime.
id=$(new_id)
echo secret >"$VJ_TEST_TMP/secret"
(exec "$VMJAIL" --id "$id" --exec-file "$PROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
	--chroot-base-dir "$VJ_TEST_BASE" -- sleep 30 9<"$VJ_TEST_TMP/secret" 10</ >/dev/null 2>&1) &
sup=$!
ok "a jail started with fds 9 and 10 leaked runs" running "$id"
held=$(ls -l "/proc/$sup/fd" 2>/dev/null | grep -c -e "$VJ_TEST_TMP/secret" -e ' -> /$')
is "$held" 0 "  the supervisor (pid $sup) holds none of the leaked fds"
kill "$sup"
wait "$sup"
done_testing
