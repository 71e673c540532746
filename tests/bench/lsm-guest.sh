#!/bin/bash
# Benchmark (not a test): the BPF LSM programs' cost to a non-tenant process
# in the 6.1 test guest (TCG: absolute numbers are slow, the ratio is what
# matters).  tests/bench/lsm-guest-bench.c.   Run as root after
#   make guest build/guest/lsm-guest-bench
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${VJ_BUILD:=$here/build}"
exec "$here/tests/guest/run-guest.sh" --mode test --tap "$VJ_BUILD/guest/lsm-guest-bench" --timeout 900
