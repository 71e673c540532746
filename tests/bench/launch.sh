#!/bin/bash
# Benchmark (not a test): what a whole vmjail launch costs, side by side in one
# run, as ratios against a bare fork+exec of the same program:
#   - /bin/true un-jailed (the floor)
#   - vmjail --dry-run with the seccomp cache / compiling at every launch
#   - a full jailed launch (every layer) of a static and of a dynamic program,
#     with the seccomp cache and without it
# Prints hyperfine's table and a ratio table.  Run as root after `make`.
#   tests/bench/launch.sh [RUNS]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${VJ_BUILD:=$here/build}"
runs=${1:-50}
V=$VJ_BUILD/vmjail
base=$(mktemp -d /tmp/vmjail-bench.XXXXXX)
chmod 755 "$base"
cache=$(mktemp -d /var/tmp/vmjail-bench-cache.XXXXXX)
trap 'rm -rf "$base" "$cache"' EXIT
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

static=/bin/busybox # busybox-static: `busybox true` is a static /bin/true
n=0
next() { n=$((n + 1)); echo "b$$-$n"; }
export V base cache
common="--uid 64200 --gid 64200 --chroot-base-dir $base --ttl none"
# warm up: programs pinned, probe cache and seccomp cache filled
"$V" --id "warm$$" --exec-file /bin/true $common --seccomp-cache "$cache" >/dev/null 2>&1

json=$(mktemp)
hyperfine -N --runs "$runs" --warmup 3 --export-json "$json" \
	-n "fork+exec /bin/true" "/bin/true" \
	-n "plan (--dry-run), cached filter" "$V --id d1 --exec-file /bin/true $common --seccomp-cache $cache --dry-run" \
	-n "plan (--dry-run), compiled" "$V --id d2 --exec-file /bin/true $common --seccomp-cache '' --dry-run" \
	-n "jailed static binary, cached filter" "$V --id s1 --exec-file $static $common --seccomp-cache $cache -- true" \
	-n "jailed /bin/true (dynamic), cached filter" "$V --id s2 --exec-file /bin/true $common --seccomp-cache $cache" \
	-n "jailed /bin/true (dynamic), compiled" "$V --id s3 --exec-file /bin/true $common --seccomp-cache ''" \
	2>/dev/null | grep -v "^ *Range\|^ *$" || true

echo
echo "| command | mean (ms) | vs fork+exec |"
echo "|---|---|---|"
jq -r '.results[0].mean as $floor | .results[] |
	"| \(.command) | \(.mean * 1000 | . * 100 | round / 100) | \(.mean / $floor | . * 10 | round / 10)x |"' "$json"
rm -f "$json"
