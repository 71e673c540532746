#!/bin/bash
# `make bench`: every benchmark side by side, one markdown table, PNG plots
# in build/bench/.  Figures with a target are ratios against a reference
# measured in the same run; the table says whether each target is met.
#   tests/bench/run.sh [--tiny] [SECTION...]   (as root, after `make all guest`)
# --tiny (what `make check` runs): every section once at a tiny size, to
# prove the benchmarks work; its numbers mean nothing.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${VJ_BUILD:=$here/build}"
export VJ_BUILD
BENCH_SIZE=full
[ "${1:-}" = --tiny ] && { BENCH_SIZE=tiny; shift; }
export BENCH_SIZE
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(launch scale lifecycle seccomp audit)
OUT=$VJ_BUILD/bench
mkdir -p "$OUT"
rm -f "$OUT"/*.dat "$OUT/results.tsv" "$OUT/audit.md"

# The bench's own tools; gnuplot only for a full run (plots), installed here
# and not by `make check`.
CC=${CC:-gcc}
$CC -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT/timeit" "$here/tests/bench/timeit.c"
$CC -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$here" -I"$VJ_BUILD/gen" \
	-o "$OUT/seccomp-hot" "$here/tests/bench/seccomp-hot.c" \
	"$VJ_BUILD/libvjpolicy.a" "$VJ_BUILD/libvjcommon.a" -lseccomp
$CC -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT/auditctr" "$here/tests/bench/auditctr.c"
# The audit section's flooder: the containment tests' hostile tenant, static.
$CC -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -I"$here" \
	-o "$OUT/containprobe" "$here/tests/helpers/containprobe.c"
echo 'int main(void) { return 0; }' | $CC -x c -static -O2 -o "$OUT/static-true" -
# sleep(), not pause(): the default allowlist answers pause with ENOSYS, so
# a pause() loop would spin, every call an audited seccomp refusal (a flood)
printf '#include <unistd.h>\nint main(void) { for (;;) sleep(1000); }\n' |
	$CC -x c -static -O2 -o "$OUT/static-sleep" -
if [ "$BENCH_SIZE" = full ] && ! command -v gnuplot >/dev/null; then
	echo "bench: installing gnuplot-nox for the plots" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >&2 ||
		echo "bench: gnuplot could not be installed: no plots" >&2
fi

# Its own run dir and BPF pin dir, removed at the end (lib.sh uses them).
export VMJAIL_RUN_DIR=${BENCH_RUN_DIR:-/run/vmjail-bench.$$}
export VMJAIL_BPF_PIN_DIR=${BENCH_PIN_DIR:-/sys/fs/bpf/vmjail-bench-$$}
trap '"$VJ_BUILD/vmjail" --bpf-unload >/dev/null 2>&1; rm -rf "$VMJAIL_RUN_DIR"' EXIT
failed=0
for s in "${sections[@]}"; do
	echo "bench: $s ($BENCH_SIZE)" >&2
	"$here/tests/bench/$s.sh" || { echo "bench: section $s FAILED" >&2; failed=1; }
done

# The table: value, reference, ratio, target, met.
echo
echo "| area | figure | value | reference | ratio | target | met |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' '{
	ratio = ""; met = "";
	if ($5 != "" && $5 + 0 > 0) ratio = sprintf("%.2fx", $3 / $5);
	if ($6 != "" && ratio != "") met = ($3 / $5 <= $6 + 0) ? "yes" : "**no**";
	printf "| %s | %s | %s %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, ratio,
		($6 != "" ? "<= " $6 "x" : ""), met
}' "$OUT/results.tsv"
if [ -s "$OUT/audit.md" ]; then
	echo
	echo "audit: each source flooded by a jailed static program (tests/bench/audit.sh)"
	echo
	cat "$OUT/audit.md"
fi
echo
echo "machine: $(uname -r), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kvm: $([ -e /dev/kvm ] && echo yes || echo no); size: $BENCH_SIZE; $(date -u +%Y-%m-%d)"

if command -v gnuplot >/dev/null; then
	[ -s "$OUT/scale.dat" ] && gnuplot -e "set terminal png size 640,400; set output '$OUT/scale.png';
		set title 'vmjail launch latency vs live jails'; set xlabel 'live jails'; set ylabel 'ms (median)';
		set yrange [0:*]; plot '$OUT/scale.dat' using 1:2 with linespoints title 'launch'" || true
	[ -s "$OUT/seccomp.dat" ] && gnuplot -e "set terminal png size 800,400; set output '$OUT/seccomp.png';
		set title 'seccomp: ns per hot call / one-instruction filter'; set style data histograms;
		set style fill solid; set xtics rotate by -45 font ',8'; set yrange [0:*];
		plot '$OUT/seccomp.dat' using 2:xtic(1) title 'ratio', 1.05 with lines title 'target 1.05'" || true
	[ -s "$OUT/audit-bpf-tenant.dat" ] && gnuplot -e "set terminal png size 640,400; set output '$OUT/audit.png';
		set title 'audit records written per second vs denials per second'; set logscale xy;
		set xlabel 'denials/s'; set ylabel 'records written/s'; set key left top;
		plot '$OUT/audit-kernel-audit-tenant.dat' using 1:2 smooth unique with linespoints title 'kernel audit -> tenant log',
		'$OUT/audit-kernel-audit-vmjaild.dat' using 1:2 smooth unique with linespoints title 'kernel audit -> vmjaild log',
		'$OUT/audit-bpf-tenant.dat' using 1:2 smooth unique with linespoints title 'BPF ring -> tenant log',
		200000 with lines title 'target 200k/s'" || true
	[ -s "$OUT/restore.dat" ] && gnuplot -e "set terminal png size 640,400; set output '$OUT/restore.png';
		set title 'restore time vs guest memory (QEMU, TCG)'; set xlabel 'MiB'; set ylabel 'ms';
		set yrange [0:*]; plot '$OUT/restore.dat' using 1:2 with linespoints title 'restore'" || true
fi
exit "$failed"
