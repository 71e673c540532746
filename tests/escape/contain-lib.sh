# Shared by the containment tests of tests/escape/ (sourced after
# ../lib/tap.sh and ../lib/jail.sh): the hostile tenant is containprobe.
CPROBE="$HELPERS/containprobe"
[ -x "$CPROBE" ] || bail "$CPROBE not built"

# cjail ID [vmjail flags...] -- [containprobe args...]
cjail() {
	local id=$1
	shift
	"$VMJAIL" --id "$id" --exec-file "$CPROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" "$@"
}

# cjail_bg ID ...: the same in the background; $! is vmjail's pid.
cjail_bg() {
	local id=$1
	shift
	(exec "$VMJAIL" --id "$id" --exec-file "$CPROBE" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" "$@") &
}

cjail_dir() { echo "$VJ_TEST_BASE/containprobe/$1"; }
crunning() { wait_for grep -qs '^status=running' "$(cjail_dir "$1")/vmjail.state"; }
cvmm_pid() { sed -n 's/^vmm_pid=//p' "$(cjail_dir "$1")/vmjail.state"; }

# The cgroup2 leaf of jail ID (empty when cgroup2 is not mounted).
cg2_leaf() {
	local mnt
	mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] && echo "$mnt/containprobe/$1"
}

# within SECS CMD...: poll CMD every 50 ms until it succeeds (0) or SECS
# have passed (1): a bounded wait that costs nothing once CMD holds
within() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# stop SUP: end a background vmjail (its supervisor), waiting at most 10 s
stop() {
	kill -TERM "$1" 2>/dev/null
	within 10 gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# klost: the kernel's audit lost counter (AUDIT_GET over NETLINK_AUDIT).
klost() {
	python3 -c '
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.settimeout(2)
s.send(struct.pack("=IHHII", 16, 1000, 1, 1, 0))
while True:
    d = s.recv(8192)
    if struct.unpack("=IH", d[:6])[1] == 1000:
        print(struct.unpack("=8I", d[16:48])[6])
        break
'
}
