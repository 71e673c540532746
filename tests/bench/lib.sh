# Shared by the benchmark sections (sourced).  A section measures, then calls
#   result AREA METRIC VALUE UNIT [REFERENCE-VALUE TARGET-RATIO]
# once per figure; run.sh turns build/bench/results.tsv into the table.
# Every figure with a target is a ratio measured in the same run as its
# reference (value / reference <= target is "met").
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${VJ_BUILD:=$here/build}"
: "${BENCH_SIZE:=full}"
OUT=$VJ_BUILD/bench
V=$VJ_BUILD/vmjail
TIMEIT=$OUT/timeit
mkdir -p "$OUT"
# Its own run dir and BPF pin dir (run.sh sets them): a benchmark never
# disturbs production jails.
export VMJAIL_RUN_DIR=${VMJAIL_RUN_DIR:-/run/vmjail-bench}
export VMJAIL_BPF_PIN_DIR=${VMJAIL_BPF_PIN_DIR:-/sys/fs/bpf/vmjail-bench}

tiny() { [ "$BENCH_SIZE" = tiny ]; }
say() { echo "bench: $*" >&2; }

result() { # area metric value unit [ref target]
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" "${6:-}" >>"$OUT/results.tsv"
}
# series NAME X Y: points for a plot (build/bench/NAME.dat)
series() { printf '%s\t%s\n' "$2" "$3" >>"$OUT/$1.dat"; }

# field TSV-LINE N: the Nth tab-separated field
field() { printf '%s\n' "$1" | cut -f"$2"; }
ms() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e6 }'; }

BENCH_BASE=$(mktemp -d /tmp/vmjail-bench.XXXXXX)
chmod 0755 "$BENCH_BASE"
BENCH_UID=64200
# Everything a section started is stopped and cleaned, even on failure.
bench_cleanup() {
	local d
	for d in "$BENCH_BASE"/*/*/; do
		[ -d "$d" ] || continue
		"$V" --kill --id "$(basename "$d")" --exec-file "/$(basename "$(dirname "$d")")" \
			--chroot-base-dir "$BENCH_BASE" >/dev/null 2>&1 || true
	done
	sleep 0.2
	for d in "$BENCH_BASE"/*/*/; do
		[ -d "$d" ] || continue
		"$V" --cleanup --id "$(basename "$d")" --exec-file "/$(basename "$(dirname "$d")")" \
			--chroot-base-dir "$BENCH_BASE" >/dev/null 2>&1 || true
	done
	rm -rf "$BENCH_BASE"
}
trap bench_cleanup EXIT

# The static programs every launch benchmark runs (built by run.sh).
TRUE_BIN=$OUT/static-true
SLEEP_BIN=$OUT/static-sleep
JAIL_COMMON="--uid $BENCH_UID --gid $BENCH_UID --chroot-base-dir $BENCH_BASE --ttl none"
