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
done_testing
