#!/bin/bash
# Finding 5: a tenant filled the filesystem under the base dir through its
# writable /run.  Each tenant-writable dir is now a tmpfs of its own with a
# size and an inode limit (policy `dir PATH size S inodes N`, 64M and 4096
# by default): writes stop there with ENOSPC, the host filesystem is not
# touched, the next tenant launches.
# The fills are bounded by RLIMIT_FSIZE (200M) so that the old code, which
# wrote into the host filesystem, fails this test without filling the disk.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

pol=$(write_policy fsize 's/^rlimit fsize .*/rlimit fsize 200M/')
free_kb() { df -Pk "$VJ_TEST_BASE" | awk 'NR==2 { print $4 }'; }

# The default bound: 64 MiB.
id=$(new_id)
before=$(free_kb)
out=$(cjail "$id" --policy "$pol" -- fill /run 2>"$VJ_TEST_TMP/err")
rc=$?
is "$rc" 0 "default size: the tenant ran (exit 0)"
is "$(fact fill <<<"$out")" ENOSPC "default size: the write ends with ENOSPC (not EFBIG at 200M)"
bytes=$(fact fill_bytes <<<"$out")
ok "default size: at most 64 MiB written, got ${bytes:-none}" test "${bytes:-999999999999}" -le $((64 << 20))
ok "default size: at least 60 MiB written (the bound is the tmpfs, not something smaller)" \
	test "${bytes:-0}" -ge $((60 << 20))
after=$(free_kb)
ok "default size: the host filesystem did not lose the bytes (free ${before}K -> ${after}K)" \
	test $((before - after)) -lt 8192

# A size and inode count from the policy.
pol2=$(write_policy small 's/^rlimit fsize .*/rlimit fsize 200M/; s|^dir /run$|dir /run size 1M inodes 64|')
id=$(new_id)
out=$(cjail "$id" --policy "$pol2" -- fill /run 2>"$VJ_TEST_TMP/err")
is "$?" 0 "dir /run size 1M: the tenant ran"
is "$(fact fill <<<"$out")" ENOSPC "dir /run size 1M: ENOSPC"
bytes=$(fact fill_bytes <<<"$out")
ok "dir /run size 1M: at most 1 MiB written, got ${bytes:-none}" test "${bytes:-999999999}" -le $((1 << 20))
id=$(new_id)
out=$(cjail "$id" --policy "$pol2" -- inodes /run 1000 2>"$VJ_TEST_TMP/err")
is "$?" 0 "dir /run inodes 64: the tenant ran"
is "$(fact inodes <<<"$out")" ENOSPC "dir /run inodes 64: file creation ends with ENOSPC"
made=$(fact inodes_made <<<"$out")
ok "dir /run inodes 64: at most 64 files made, got ${made:-none}" test "${made:-99999}" -le 64

# A bind and another tenant dir inside /run land on its tmpfs, not under it.
pol3=$(write_policy nested 's/^rlimit fsize .*/rlimit fsize 200M/; s|^dir /run$|dir /run/inner size 512K\nbind ro /etc/hostname /run/hostname\ndir /run|')
id=$(new_id)
out=$(cjail "$id" --policy "$pol3" -- fill /run/inner 2>"$VJ_TEST_TMP/err")
is "$?" 0 "a bind and a dir inside /run: the tenant ran" || diag "$(cat "$VJ_TEST_TMP/err")"
bytes=$(fact fill_bytes <<<"$out")
ok "  /run/inner holds at most 512 KiB, got ${bytes:-none}" test "${bytes:-999999999}" -le $((512 << 10))

# While it runs: /run is a tmpfs with those bounds, owned by the tenant.
id=$(new_id)
cjail_bg "$id" --policy "$pol2" -- spawn 0 >/dev/null 2>&1
sup=$!
ok "running" crunning "$id"
mi=$(grep -F " $(cjail_dir "$id")/root/run " /proc/self/mountinfo)
like "$mi" " - tmpfs .*size=1024k,nr_inodes=64,mode=700,uid=$VJ_TEST_UID,gid=$VJ_TEST_GID" \
	"the tenant's /run is its own tmpfs (size, inodes, mode, owner)"
like "$mi" "nosuid,nodev,noexec" "  mounted nosuid, nodev, noexec"
kill -TERM "$sup"; kill -KILL "$(cvmm_pid "$id")" 2>/dev/null
wait "$sup"
is "$(grep -cF "$VJ_TEST_BASE" /proc/self/mountinfo)" 0 "after the jail ended its tmpfs is gone"

# Bad sizes are refused when the policy is read.
bad=$(write_policy bad 's|^dir /run$|dir /run size 1K|')
cjail "$(new_id)" --policy "$bad" -- aio 0 >/dev/null 2>"$VJ_TEST_TMP/err"
isnt "$?" 0 "dir size 1K is refused"
like "$(cat "$VJ_TEST_TMP/err")" "dir size must be from 64K" "  with the reason"
done_testing
