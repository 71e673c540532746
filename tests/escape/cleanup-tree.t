#!/bin/bash
# Finding 6: more than 64 nested dirs (or a mount, or a btrfs subvolume) in a
# jail dir left it behind while the supervisor audited "jail dir and cgroups
# removed", --cleanup printed "cleaned up" and exited 1, and the id could
# never be launched again.  Cleanup now removes any tree (no depth limit,
# mounts detached) and says what really happened when it cannot.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

rec_types() { grep -o '"type":"[a-z-]*"' "$1" | cut -d'"' -f4 | tr '\n' ' '; }

# 1. The tenant nests 200 dirs in its /run.  The default allowlist has no
# mkdir or chdir (no VMM needs them); a policy that allows them is what a
# tenant would need to build a tree, so the cleanup is proven against that.
mkpol=$(write_policy mkdirs '$a seccomp allow mkdir chdir')
id=$(new_id)
log="$VJ_TEST_TMP/$id.audit"
out=$(cjail "$id" --policy "$mkpol" --audit-log "$log" -- deep /run 200 2>"$VJ_TEST_TMP/err")
is "$?" 0 "tenant nesting 200 dirs: exit 0"
is "$(fact deep_made <<<"$out")" 200 "  it made them"
nok "  no jail dir left" test -e "$(cjail_dir "$id")"
like "$(rec_types "$log")" "cleaned" "  the audit says cleaned"
out=$(cjail "$id" -- aio 0 2>&1)
is "$?" 0 "  the same id launches again"

# 2. A tree the tenant cannot make any more, planted by root after the
#    supervisor died: 3000 levels, a mount, a mount stacked twice.
id=$(new_id)
cjail_bg "$id" -- spawn 0 >/dev/null 2>&1
sup=$!
ok "running" crunning "$id"
kill -KILL "$sup"
wait "$sup" 2>/dev/null
jd=$(cjail_dir "$id")
ok "the supervisor is gone, the jail dir stays" test -d "$jd"
mkdir "$jd/junk"
"$CPROBE" deep "$jd/junk" 3000 >"$VJ_TEST_TMP/deep"
like "$(cat "$VJ_TEST_TMP/deep")" "deep_made=3000" "root planted 3000 nested dirs in the jail dir"
mkdir "$jd/junk/m"
# if vmjail fails to, the test still unmounts what it mounted
trap 'umount -l "$jd/junk/m" 2>/dev/null; umount -l "$jd/junk/m" 2>/dev/null; _vj_cleanup' EXIT
mount -t tmpfs none "$jd/junk/m" && mount -t tmpfs none "$jd/junk/m" && touch "$jd/junk/m/f"
ok "and a mount stacked twice" test -e "$jd/junk/m/f"
"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/out" 2>&1
is "$?" 0 "--cleanup exits 0"
like "$(cat "$VJ_TEST_TMP/out")" "cleaned up" "  and says cleaned up"
nok "  no jail dir left" test -e "$jd"
is "$(grep -cF "$VJ_TEST_BASE" /proc/self/mountinfo)" 0 "  no mount left"
out=$(cjail "$id" -- aio 0 2>&1)
is "$?" 0 "  the same id launches again"

# 2b. btrfs subvolumes in the jail dir (a base dir on btrfs; planted by
#     root, nested one in another, each with a file): they are directories
#     on their own device, and since 4.18 root removes an empty one with
#     rmdir, so the tree walk removes them like any dir.  A loop-mounted
#     btrfs image of the test's own serves as the base dir.
btrfs_skip=""
grep -qw btrfs /proc/filesystems || btrfs_skip="this kernel has no btrfs"
[ -n "$btrfs_skip" ] || command -v mkfs.btrfs >/dev/null || btrfs_skip="mkfs.btrfs (btrfs-progs) is not installed"
if [ -z "$btrfs_skip" ]; then
	bimg="$VJ_TEST_TMP/btrfs.img" bmnt="$VJ_TEST_TMP/btrfs"
	mkdir -p "$bmnt"
	truncate -s 160M "$bimg"
	if ! mkfs.btrfs -q -f "$bimg" >/dev/null 2>&1 || ! mount -o loop "$bimg" "$bmnt" 2>"$VJ_TEST_TMP/err"; then
		btrfs_skip="no btrfs image could be mounted: $(head -c 200 "$VJ_TEST_TMP/err")"
	fi
fi
if [ -n "$btrfs_skip" ]; then
	skip_n 4 "$btrfs_skip"
else
	trap 'umount -l "$jd/junk/m" 2>/dev/null; umount -l "$jd/junk/m" 2>/dev/null; umount -l "$bmnt" 2>/dev/null; _vj_cleanup' EXIT
	id=$(new_id)
	log="$VJ_TEST_TMP/$id.audit"
	(exec "$VMJAIL" --id "$id" --exec-file "$CPROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$bmnt/base" --audit-log "$log" -- spawn 0 >/dev/null 2>&1) &
	sup=$!
	bjd="$bmnt/base/containprobe/$id"
	wait_for grep -qs '^status=running' "$bjd/vmjail.state"
	mkdir -p "$bjd/junk" && btrfs subvolume create "$bjd/junk/sv" >/dev/null &&
		mkdir "$bjd/junk/sv/d" && btrfs subvolume create "$bjd/junk/sv/d/sv2" >/dev/null &&
		touch "$bjd/junk/sv/f" "$bjd/junk/sv/d/sv2/f"
	is "$(stat -c %d "$bjd" "$bjd/junk/sv" "$bjd/junk/sv/d/sv2" | sort -u | wc -l)" 3 \
		"root planted two nested btrfs subvolumes in a running jail's dir"
	kill -KILL "$(sed -n 's/^vmm_pid=//p' "$bjd/vmjail.state")"
	wait "$sup"
	nok "  after the VMM's end no jail dir is left" test -e "$bjd"
	like "$(rec_types "$log")" "cleaned" "  the audit says cleaned"
	unlike "$(rec_types "$log")" "cleanup-failed" "  and no cleanup-failed"
	umount "$bmnt"
fi

# 3. When removal really fails (an immutable file root put there), every
#    report says so and --cleanup can finish once it is possible.
if ! command -v chattr >/dev/null; then
	skip "chattr is not installed"
else
	id=$(new_id)
	log="$VJ_TEST_TMP/$id.audit"
	cjail_bg "$id" --audit-log "$log" -- spawn 0 >/dev/null 2>"$VJ_TEST_TMP/err"
	sup=$!
	ok "running" crunning "$id"
	jd=$(cjail_dir "$id")
	touch "$jd/stuck"
	if ! chattr +i "$jd/stuck" 2>/dev/null; then
		skip "the filesystem under $VJ_TEST_BASE has no immutable flag"
		kill -KILL "$(cvmm_pid "$id")"
		wait "$sup"
	else
		kill -KILL "$(cvmm_pid "$id")"
		wait "$sup"
		types=$(rec_types "$log")
		like "$types" "cleanup-failed" "the supervisor audits cleanup-failed"
		unlike "$(grep '"cleaned"' "$log")" "jail dir and cgroups removed" \
			"  and not 'jail dir and cgroups removed'"
		like "$(grep cleanup-failed "$log")" "jail dir left: unlink stuck" "  naming what stayed"
		like "$(cat "$VJ_TEST_TMP/err")" "cleanup incomplete" "  vmjail's stderr says so"
		"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/out" 2>&1
		is "$?" 1 "--cleanup that cannot finish exits 1"
		unlike "$(cat "$VJ_TEST_TMP/out")" "cleaned up" "  and does not say cleaned up"
		like "$(cat "$VJ_TEST_TMP/out")" "cleanup incomplete" "  it says incomplete"
		chattr -i "$jd/stuck"
		"$VMJAIL" --cleanup --id "$id" --chroot-base-dir "$VJ_TEST_BASE" >"$VJ_TEST_TMP/out" 2>&1
		is "$?" 0 "once possible, --cleanup finishes"
		nok "  no jail dir left" test -e "$jd"
	fi
fi
done_testing
