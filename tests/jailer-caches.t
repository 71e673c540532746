#!/bin/bash
# What vmjail caches on the host is trusted only from this very build, and a
# --dry-run leaves no trace: the probe cache (RUN_DIR/probe.cache) is keyed
# by version, build id, boot and kernel, so a cache written by another build
# (a forged key here, with a lie in it) is re-probed, not believed; a
# --dry-run creates nothing in an empty run dir nor in an empty
# --seccomp-cache dir, while the same launch for real fills both.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"

CACHE=$VMJAIL_RUN_DIR/probe.cache
# plan_reason LAYER: the reason the --dry-run plan gives for LAYER
plan_reason() {
	jail "$(new_id)" --dry-run --json 2>/dev/null | jq -r --arg l "$1" '.layers[$l].reason'
}

# --- the key -----------------------------------------------------------------
"$VMJAIL" --probe >/dev/null
ok "--probe writes the probe cache" test -s "$CACHE"
bid=$(readelf -n "$VMJAIL" | sed -n 's/.*Build ID: *//p')
want="$("$VMJAIL" --version | awk '{print $2}') $bid $(cat /proc/sys/kernel/random/boot_id) $(uname -r)"
is "$(head -n1 "$CACHE")" "$want" "its key: version, this build's id (readelf), boot id, kernel release"
is "$(stat -c '%u %a' "$CACHE")" "0 600" "root's, 0600"

# forge CACHE-KEY: the cache with that key and a lie about bpf-lsm
forge() {
	{
		echo "$1"
		tail -n +2 "$CACHE.good" | sed 's/^\(bpf-lsm\)\t.*/\1\t0\t-\tFORGED: not probed/'
	} >"$CACHE"
	chmod 0600 "$CACHE"
}
cp "$CACHE" "$CACHE.good"
truth=$(plan_reason bpf-lsm)
unlike "$truth" FORGED "the plan's bpf-lsm reason from the real cache: $truth"

# Control: with this build's key the cache is believed (so the test can see
# whether a cache is used at all).
forge "$want"
is "$(plan_reason bpf-lsm)" "FORGED: not probed" "control: a cache with this build's key is used"

# Another build's cache (same version, boot and kernel; another build id).
other=$(printf '%s' "$bid" | tr 0-9a-f 1-9a-f0)
forge "${want/$bid/$other}"
is "$(plan_reason bpf-lsm)" "$truth" "a cache written by another build is not trusted: re-probed"
forge "${want/$bid/}"
is "$(plan_reason bpf-lsm)" "$truth" "  nor one without a build id"
forge "$want"
chmod 0644 "$CACHE"
is "$(plan_reason bpf-lsm)" "$truth" "  nor one that others could have written (0644)"

# The dry runs above wrote nothing: the forged file is as it was.
forge "${want/$bid/$other}"
sum=$(sha256sum <"$CACHE")
plan_reason bpf-lsm >/dev/null
is "$(sha256sum <"$CACHE")" "$sum" "--dry-run does not rewrite a stale cache"
jail "$(new_id)" -- facts >/dev/null 2>&1
is "$?" 0 "a real launch runs"
is "$(head -n1 "$CACHE")" "$want" "  and replaces the stale cache with this build's"
ok "  whose bpf-lsm line is probed, not forged" test "$(grep -c FORGED "$CACHE")" = 0

# --- --dry-run writes nothing ---------------------------------------------
# A host where vmjail never ran: an empty run dir, an empty seccomp cache
# dir, no BPF pin dir.
R=$VJ_TEST_TMP/run-dry
S=$VJ_TEST_TMP/seccomp-dry
P=$VMJAIL_BPF_PIN_DIR-dry
trap 'VMJAIL_RUN_DIR=$R VMJAIL_BPF_PIN_DIR=$P "$VMJAIL" --bpf-unload >/dev/null 2>&1; rm -rf "$P"; _vj_cleanup' EXIT
mkdir -m 0700 "$R" "$S"
dry() { VMJAIL_RUN_DIR=$R VMJAIL_BPF_PIN_DIR=$P jail "$(new_id)" --seccomp-cache "$S" "$@"; }
before=$(snapshot)
plan=$(dry --dry-run --json 2>"$VJ_TEST_TMP/err")
is "$?" 0 "--dry-run with an empty run dir and an empty seccomp cache dir"
ok "  prints the plan" is_json <<<"$plan"
is "$(ls -A "$R")" "" "  nothing is created in the run dir (no probe cache, spool, lock)"
is "$(ls -A "$S")" "" "  nothing is created in the seccomp cache dir"
ok "  nothing is pinned" test ! -e "$P"
is "$(snapshot)" "$before" "  no jail dir, cgroup or mount"
rmdir "$R"
dry --dry-run >/dev/null 2>&1
is "$?" 0 "--dry-run with a run dir that does not exist"
ok "  does not create it" test ! -e "$R"
# A pin dir that exists (another vmjail's, or one left empty) with an empty
# run dir: the probe looks for pins under the BPF lock but must not create
# the lock file (bpf.lock in the run dir) to do so.
mkdir -m 0700 "$R" "$P"
dry --dry-run >/dev/null 2>&1
is "$?" 0 "--dry-run with an existing empty BPF pin dir and an empty run dir"
is "$(ls -A "$R")" "" "  nothing is created in the run dir (no bpf.lock)"
is "$(ls -A "$P")" "" "  nothing is created in the pin dir"
rmdir "$R"
dry --dry-run >/dev/null 2>&1
ok "  and a run dir that does not exist is not created for the lock" test ! -e "$R"
# A refused --dry-run (no such exec file) writes no audit record either.
mkdir -m 0700 "$R"
VMJAIL_RUN_DIR=$R VMJAIL_BPF_PIN_DIR=$P "$VMJAIL" --id "$(new_id)" --exec-file /nonexistent \
	--uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" --dry-run >/dev/null 2>&1
isnt "$?" 0 "a refused --dry-run fails"
is "$(ls -A "$R")" "" "  and writes nothing in the run dir (no audit spool, no seq)"
rmdir "$P" "$R"
# Control: the same launch for real fills both (what the checks above would see).
mkdir -m 0700 "$R"
dry -- facts >/dev/null 2>&1
is "$?" 0 "control: the same launch for real runs"
ok "  and writes the probe cache in the run dir" test -s "$R/probe.cache"
ok "  and a compiled filter in the seccomp cache dir" test -n "$(ls -A "$S")"
done_testing
