#!/bin/bash
# Finding 4: host-wide kernel tables exhausted by one tenant.
# - fs.aio-max-nr: 16 io_setup(65536) calls took all of it.  No cgroup
#   bounds it, so the default policy refuses io_setup (ENOSYS; the allowlist
#   policies never allowed it).
# - struct file: mmaps keep files open with every fd closed (RLIMIT_NOFILE
#   does not count them).  struct file and vm_area_struct are charged to the
#   tenant's memory cgroup (kmem accounting, v1 and v2): the memory limit is
#   the bound, measured here with a small one.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"
. "$(dirname "$0")/contain-lib.sh"

aio_before=$(cat /proc/sys/fs/aio-nr)
id=$(new_id)
out=$(cjail "$id" -- aio 16 2>"$VJ_TEST_TMP/err")
is "$?" 0 "default policy: the tenant runs"
is "$(fact io_setup <<<"$out")" ENOSYS "default policy: io_setup(65536) is refused with ENOSYS"
is "$(fact io_setup_ok <<<"$out")" 0 "  no AIO context was made"
ok "  the host's fs.aio-nr did not grow ($aio_before -> $(cat /proc/sys/fs/aio-nr))" \
	test "$(cat /proc/sys/fs/aio-nr)" -le $((aio_before + 65536))

# Every shipped policy's compiled program refuses io_setup (vmjail's own
# interpreter runs the program; `simulate` also checks it against the rules).
for pol in "$VJ_SRC"/policies/*.policy; do
	name=$(basename "$pol" .policy)
	v=$("$VJ_BUILD/vmjail-policy" simulate "$pol" io_setup 65536 0 2>&1 | sed -n 's/^compiled: *//p')
	isnt "${v:-none}" allow "$name.policy: io_setup is not allowed (compiled: ${v:-no verdict})"
done

# struct file through mmaps (60000 per process: vm.max_map_count caps one
# process), under a 128M and a 256M memory limit.
max=$(cat /proc/sys/fs/file-max)
mapped() { # MEMORY: files the tenant held before it was stopped
	local pol id sup
	pol=$(write_policy "mem$1" "s/^cgroup memory .*/cgroup memory $1/")
	id=$(new_id)
	cjail "$id" --policy "$pol" -- mmapfiles 3000000 >"$VJ_TEST_TMP/mm$1.out" 2>/dev/null
	grep progress= "$VJ_TEST_TMP/mm$1.out" | tail -n1 | cut -d= -f2
}
m128=$(mapped 128M)
m256=$(mapped 256M)
diag "files held through mmaps: ${m128:-0} under memory 128M, ${m256:-0} under 256M"
ok "more than one process's worth mapped under 128M (${m128:-0}): the probe works" test "${m128:-0}" -gt 60000
ok "under 128M the tenant was stopped well before 3 million (${m128:-0})" test "${m128:-0}" -lt 1000000
ok "twice the memory, about twice the files (${m256:-0} vs ${m128:-0}): the memory cgroup is the bound" \
	test "${m256:-0}" -gt $(( ${m128:-0} * 3 / 2 ))
id=$(new_id)
pol=$(write_policy mem128 's/^cgroup memory .*/cgroup memory 128M/')
peak=0
cjail_bg "$id" --policy "$pol" -- mmapfiles 3000000 >"$VJ_TEST_TMP/mm.out" 2>/dev/null
sup=$!
while kill -0 "$sup" 2>/dev/null; do
	n=$(awk '{print $1}' /proc/sys/fs/file-nr)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.2
done
wait "$sup"
rc=$?
diag "host file-nr peak $peak of file-max $max (exit $rc)"
ok "  the host's open-file count stayed below a quarter of fs.file-max (peak $peak)" test "$peak" -lt $((max / 4))
done_testing
