#!/bin/bash
# Bad input, one case per line: each gives a clear message and a non-zero exit,
# and leaves the filesystem and the cgroups exactly as they were.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

# refused WANT-RC REGEX DESCRIPTION -- vmjail args...
refused() {
	local want=$1 re=$2 desc=$3
	shift 4
	local before after rc
	before=$(snapshot)
	"$VMJAIL" "$@" >"$VJ_TEST_TMP/out" 2>"$VJ_TEST_TMP/err"
	rc=$?
	after=$(snapshot)
	is "$rc" "$want" "$desc: exit $want"
	like "$(cat "$VJ_TEST_TMP/err")" "$re" "$desc: says why"
	is "$after" "$before" "$desc: nothing created or removed"
}

# The test's own parent cgroup: the fixed ids below (x1...) then never meet
# another run's tenants, and snapshot() sees only this test's cgroups.
P=(--parent-cgroup "$VJ_TEST_CG")
B=(--chroot-base-dir "$VJ_TEST_BASE" "${P[@]}")
U=(--uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID")
E=(--exec-file "$PROBE")
long=$(printf 'a%.0s' $(seq 1 65))

refused 64 "--id must be" "id of 65 characters" -- --id "$long" "${E[@]}" "${U[@]}" "${B[@]}"
refused 64 "--id must be" "id with a slash" -- --id "a/b" "${E[@]}" "${U[@]}" "${B[@]}"
refused 64 "--id must be" "id with a dot" -- --id "a.b" "${E[@]}" "${U[@]}" "${B[@]}"
refused 64 "--id is required" "no id" -- "${E[@]}" "${U[@]}" "${B[@]}"
refused 125 "does not exist" "missing exec file" -- --id x1 --exec-file /nonexistent/vmm "${U[@]}" "${B[@]}"
refused 125 "not a regular file" "a directory as exec file" -- --id x2 --exec-file /usr/bin "${U[@]}" "${B[@]}"
refused 64 "must not be root" "uid 0" -- --id x3 "${E[@]}" --uid 0 --gid 1 "${B[@]}"
refused 64 "parent-cgroup must be a relative path" "'..' in --parent-cgroup" -- --id x4 "${E[@]}" "${U[@]}" "${B[@]}" --parent-cgroup ../escape
refused 64 "parent-cgroup must be a relative path" "absolute --parent-cgroup" -- --id x5 "${E[@]}" "${U[@]}" "${B[@]}" --parent-cgroup /sys
refused 64 "is not a cgroup file" "--cgroup key without a controller" -- --id x6 "${E[@]}" "${U[@]}" "${B[@]}" --cgroup pidsmax=5
refused 64 "is not a cgroup file" "--cgroup key with a slash" -- --id x7 "${E[@]}" "${U[@]}" "${B[@]}" --cgroup ../pids.max=5
refused 125 "unknown controller" "--cgroup key of an unknown controller" -- --id x8 "${E[@]}" "${U[@]}" "${B[@]}" --cgroup foo.bar=1
refused 64 "bad value" "--cgroup value with a newline" -- --id x9 "${E[@]}" "${U[@]}" "${B[@]}" --cgroup "pids.max=5
6"
refused 64 "unknown resource" "unknown rlimit" -- --id x10 "${E[@]}" "${U[@]}" "${B[@]}" --resource-limit nofiles=10
refused 64 "bad value" "non-numeric rlimit" -- --id x11 "${E[@]}" "${U[@]}" "${B[@]}" --resource-limit nofile=ten
refused 64 "soft limit above hard" "rlimit soft above hard" -- --id x12 "${E[@]}" "${U[@]}" "${B[@]}" --resource-limit nofile=20:10
refused 64 "unknown argument" "unknown flag" -- --id x13 "${E[@]}" "${U[@]}" "${B[@]}" --no-such-flag
refused 64 "unknown argument" "abbreviated flag" -- --id x14 --exec "$PROBE" "${U[@]}" "${B[@]}"
refused 64 "needs a value" "flag without its value" -- --id x15 "${E[@]}" "${U[@]}" "${B[@]}" --uid
echo "not a namespace" >"$VJ_TEST_TMP/regular"
refused 125 "not a network namespace" "--netns of a regular file" -- --id x16 "${E[@]}" "${U[@]}" "${B[@]}" --netns "$VJ_TEST_TMP/regular"
refused 125 "not an open file descriptor" "--keep-fd of a closed fd" -- --id x17 "${E[@]}" "${U[@]}" "${B[@]}" --keep-fd 99
refused 125 "No such file" "missing policy file" -- --id x18 "${E[@]}" "${U[@]}" "${B[@]}" --policy /nonexistent.policy
echo "garbage line" >"$VJ_TEST_TMP/bad.policy"
refused 125 "bad.policy:1:1" "malformed policy" -- --id x19 "${E[@]}" "${U[@]}" "${B[@]}" --policy "$VJ_TEST_TMP/bad.policy"
# (where the kernel runs BPF LSM programs the layer is available: the
# refusal is proven on a kernel that cannot; tests/lsm-jail.t covers both)
if ! vj_kernel_runs_lsm; then
refused 125 "required by the policy but unavailable" "a policy that requires bpf-lsm" -- --id x20 "${E[@]}" "${U[@]}" "${B[@]}" \
	--policy "$(write_policy lsm 's/^layer bpf-lsm .*/layer bpf-lsm required/')"
fi

# a world-writable base dir is refused
ww="$VJ_TEST_TMP/ww"
mkdir -m 1777 "$ww"
refused 125 "must be owned by root and not writable" "world-writable base dir" -- --id x21 "${E[@]}" "${U[@]}" --chroot-base-dir "$ww" "${P[@]}"

# planted symlinks at every component of the jail path
mkdir -p "$VJ_TEST_TMP/target"
ln -s "$VJ_TEST_TMP/target" "$VJ_TEST_TMP/linkbase"
refused 125 "symlink" "the base dir is a symlink" -- --id x22 "${E[@]}" "${U[@]}" --chroot-base-dir "$VJ_TEST_TMP/linkbase" "${P[@]}"
ln -s "$VJ_TEST_TMP/target" "$VJ_TEST_BASE/jailprobe"
refused 125 "symlink" "<base>/<vmm> is a symlink" -- --id x23 "${E[@]}" "${U[@]}" "${B[@]}"
rm "$VJ_TEST_BASE/jailprobe"
mkdir -m 700 "$VJ_TEST_BASE/jailprobe"
ln -s "$VJ_TEST_TMP/target" "$VJ_TEST_BASE/jailprobe/x24"
refused 125 "already exists" "<base>/<vmm>/<id> is a symlink" -- --id x24 "${E[@]}" "${U[@]}" "${B[@]}"
rm "$VJ_TEST_BASE/jailprobe/x24"
mkdir -p -m 700 "$VJ_TEST_BASE/jailprobe/x25"
ln -s "$VJ_TEST_TMP/target" "$VJ_TEST_BASE/jailprobe/x25/root"
refused 125 "already exists" "<id>/root is a symlink" -- --id x25 "${E[@]}" "${U[@]}" "${B[@]}"
mkdir -p -m 750 "$VJ_TEST_BASE/jailprobe/x26/root"
ln -s /etc/shadow "$VJ_TEST_BASE/jailprobe/x26/root/jailprobe"
refused 125 "already exists" "the exec destination is a symlink" -- --id x26 "${E[@]}" "${U[@]}" "${B[@]}"
mkdir -p -m 750 "$VJ_TEST_BASE/jailprobe/x27/root"
echo keep >"$VJ_TEST_TMP/victim"
ln "$VJ_TEST_TMP/victim" "$VJ_TEST_BASE/jailprobe/x27/root/jailprobe"
refused 125 "already exists" "the exec destination is a hard link" -- --id x27 "${E[@]}" "${U[@]}" "${B[@]}"
is "$(cat "$VJ_TEST_TMP/victim")" keep "the hard-linked file is untouched"
is "$(ls -A "$VJ_TEST_TMP/target")" "" "nothing was created through any planted symlink"
rm -rf "$VJ_TEST_BASE/jailprobe"

# a duplicate --id while the first jail runs
id=$(new_id)
jail_bg "$id" -- sleep 20 >/dev/null 2>&1 
sup=$!
ok "first jail runs" wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$id/vmjail.state"
refused 125 "already exists" "a duplicate --id while the first runs" -- --id "$id" "${E[@]}" "${U[@]}" "${B[@]}"
ok "the first jail still runs" kill -0 "$sup"
"$VMJAIL" --kill --id "$id" "${B[@]}" >/dev/null 2>&1
wait "$sup"

# argv[0] == NULL
"$HELPERS/execnull" "$VMJAIL" 2>"$VJ_TEST_TMP/err"
is "$?" 64 "argv[0] == NULL is refused (exit 64)"
like "$(cat "$VJ_TEST_TMP/err")" "without argv\[0\]" "argv[0] == NULL: says why"
done_testing
