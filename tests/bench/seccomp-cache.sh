#!/bin/bash
# Benchmark (not a test): seccomp filter cost per launch, libseccomp compile
# vs. the verified cache, on every shipped policy.  Prints a table.
#   tests/bench/seccomp-cache.sh [N]          (run as root, after `make`)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${VJ_BUILD:=$here/build}"
bin=$VJ_BUILD/bench/seccomp-cache
mkdir -p "$VJ_BUILD/bench"
# Built here rather than in a build fragment: benchmarks are run by hand.
${CC:-gcc} -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
	-I"$here" -I"$VJ_BUILD/gen" -o "$bin" "$here/tests/bench/seccomp-cache.c" \
	"$VJ_BUILD/libvjpolicy.a" "$VJ_BUILD/libvjcommon.a" -lseccomp
exec "$bin" "${1:-200}" "$here"/policies/*.policy
