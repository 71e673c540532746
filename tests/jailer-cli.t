#!/bin/bash
# Command-line behaviour: --help/--version, --keep-fd, --daemonize,
# --cgroup-version, --dry-run, exit codes, and `make install` into DESTDIR.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

help=$("$VMJAIL" --help)
is "$?" 0 "--help exits 0"
for f in --id --exec-file --uid --gid --chroot-base-dir --netns --daemonize --new-pid-ns --cgroup \
	--cgroup-version --parent-cgroup --resource-limit --version --policy --audit-log --keep-fd \
	--cleanup --dry-run --probe --list --pause --resume --suspend --restore --kill --reap --ttl \
	--bind --bpf-unload; do
	like "$help" "(^| )$f" "--help documents $f"
done
like "$help" "125 launch refused" "--help documents the exit codes"
like "$("$VMJAIL" --version)" "^vmjail [0-9]+\.[0-9]+" "--version"

# --keep-fd: exactly the declared fd passes, at its number, and works
id=$(new_id)
out=$(jail "$id" --keep-fd 7 -- facts 7<"$VJ_SRC/VERSION" 8</dev/null 2>/dev/null)
is "$(fact fds <<<"$out")" "0,1,2,7" "--keep-fd 7: fds at exec are 0,1,2,7 (8 was closed)"

# --daemonize: vmjail returns once the VMM runs; the supervisor lives on
id=$(new_id)
jail "$id" --daemonize -- sleep 5 >/dev/null 2>&1
is "$?" 0 "--daemonize returns 0 once the VMM runs"
is "$(sed -n 's/^status=//p' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state")" running "  and the jail is running"
sup=$(sed -n 's/^supervisor=//p' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state")
ok "  its supervisor is in a session of its own" test "$(ps -o sid= -p "$sup" | tr -d ' ')" = "$sup"
ok "  and cleans up when the VMM ends" wait_for test ! -e "$VJ_TEST_BASE/jailprobe/$id"
id=$(new_id)
jail "$id" --daemonize --policy /nonexistent -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
is "$?" 125 "--daemonize with a refused launch: exit 125"
like "$(cat "$VJ_TEST_TMP/err")" "nonexistent" "  and the reason is printed"

# --cgroup-version on a hybrid host (controllers bound to v1 hierarchies,
# cgroup2 beside them).  A cgroup2-only host has no v1-bound controller and
# no v1 hierarchy, so there is nothing of this to check.
if [ -d /sys/fs/cgroup/pids ] && [ "$VJ_CG2" != /sys/fs/cgroup ] &&
	! grep -qw pids "$VJ_CG2/cgroup.controllers"; then
	id=$(new_id)
	jail "$id" --cgroup-version 2 --cgroup pids.max=10 -- facts >/dev/null 2>"$VJ_TEST_TMP/err"
	is "$?" 125 "--cgroup-version 2 with a v1-bound controller: refused"
	like "$(cat "$VJ_TEST_TMP/err")" "v2 controller .* is not available on this host" "  saying the controller is not in cgroup2 here"
	plan=$(jail "$(new_id)" --cgroup-version 1 --cgroup cpu.shares=512 --dry-run --json 2>/dev/null)
	is "$(jq -r '.cgroup.set["cpu.shares"]' <<<"$plan")" 512 "--cgroup-version 1 --cgroup cpu.shares=512 is planned"
	like "$(jq -r '.cgroup.dirs | join(" ")' <<<"$plan")" "$VJ_CG2/$VJ_TEST_CG/t" "a cgroup2 leaf is planned on hybrid hosts too"
else
	skip_n 4 "not a hybrid cgroup host (pids is not bound to a v1 hierarchy): --cgroup-version 1 vs 2 not checked"
fi

# make install honours PREFIX and DESTDIR
dest="$VJ_TEST_TMP/dest"
make -s -C "$VJ_SRC" install BUILD="$VJ_BUILD" PREFIX=/opt/vj DESTDIR="$dest" >/dev/null 2>&1
is "$?" 0 "make install PREFIX=/opt/vj DESTDIR=..."
for f in sbin/vmjail bin/vmjail-policy sbin/vmjaild share/vmjail/policies/default.policy \
	share/vmjail/policies/qemu.policy share/man/man8/vmjail.8; do
	ok "  installs /opt/vj/$f" test -e "$dest/opt/vj/$f"
done
is "$(stat -c %a "$dest/opt/vj/sbin/vmjail")" 755 "  vmjail is 0755"
done_testing
