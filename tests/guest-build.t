#!/bin/bash
# tests/guest/mkguest.sh builds the guest from installed Debian packages:
# the newest kernel (a readable copy, and uncompressed for PVH), and a
# reproducible newc initramfs with busybox, /init, the virtio modules in
# dependency order (uncompressed) and --add files.  `make guest` left its
# outputs in build/guest.
# shellcheck source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/guest/lib.sh"
require_root
plan 21

mkguest=$VJ_SRC/tests/guest/mkguest.sh
out=$GUEST_TMP/out
printf 'added by the test\n' >"$GUEST_TMP/extra.txt"

build() { "$mkguest" "$@" >"$GUEST_TMP/build.out"; }
# Its cost in CPU time (user + system), which other work on a busy machine
# does not inflate the way it does the wall time.
rc=0
TIMEFORMAT='%R %U %S'
{ time build "$out" --add "$GUEST_TMP/extra.txt:/vj/data/extra.txt" 2>"$GUEST_TMP/build.err"; } \
	2>"$GUEST_TMP/build.time" || rc=$?
is "$rc" 0 "mkguest.sh builds" || diag "$(cat "$GUEST_TMP/build.err")"
read -r wall user sys <"$GUEST_TMP/build.time"
cpu_ms=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
diag "build time ${wall} s wall, ${cpu_ms} ms CPU"
ok "it takes less than 20 s of CPU ($cpu_ms ms; $wall s wall)" test "$cpu_ms" -lt 20000

kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' | sort -V | tail -n 1)
release=${kernel##*/vmlinuz-}
ok "vmlinuz is a copy of the newest Debian kernel ($kernel)" cmp -s "$kernel" "$out/vmlinuz"
is "$(stat -c %a "$out/vmlinuz" "$out/vmlinux" "$out/initramfs.cpio.gz" | sort -u)" 644 \
	"vmlinuz, vmlinux and the initramfs are readable by everyone (an unprivileged QEMU)"
is "$(od -An -c -N 4 "$out/vmlinux" | tr -d ' ')" '177ELF' "vmlinux is an ELF"
ok "vmlinux has the PVH entry note that QEMU boots" \
	grep -q 'Unknown note type: (0x00000012)' < <(LC_ALL=C readelf -n "$out/vmlinux")
is "$(od -An -tx1 -N 2 "$out/initramfs.cpio.gz" | tr -d ' ')" 1f8b "the initramfs is gzip"

# (cpio -tv prints dates in local time)
listing=$(zcat "$out/initramfs.cpio.gz" | TZ=UTC cpio -tv --quiet 2>/dev/null)
names=$(zcat "$out/initramfs.cpio.gz" | cpio -t --quiet 2>/dev/null)
ok "it is a cpio archive in newc format" test "$(zcat "$out/initramfs.cpio.gz" | head -c 6)" = 070701
missing=
for f in init bin/busybox bin/sh lib/modules/load-order vj/mode-demo.sh vj/mode-virtio.sh \
	vj/mode-test.sh bin/vj-poweroff vj/data/extra.txt; do
	grep -qx "$f" <<<"$names" || missing="$missing $f"
done
is "$missing" "" "it holds /init, busybox, the mode scripts, load-order and the --add file"
like "$(grep ' bin/sh -> ' <<<"$listing")" 'bin/sh -> busybox$' "busybox applets are symlinks"
unlike "$(awk '$3 != "root" || $4 != "root"' <<<"$listing")" '.' "every entry is owned by root:root"
is "$(awk '{ print $6, $7, $8 }' <<<"$listing" | sort -u)" "Jan 1 1970" "every entry has the fixed mtime (SOURCE_DATE_EPOCH=0)"

root=$GUEST_TMP/root
mkdir -p "$root"
(cd "$root" && zcat "$out/initramfs.cpio.gz" | cpio -id --quiet 2>/dev/null)
is "$(cat "$root/vj/data/extra.txt")" "added by the test" "the --add file has its content"
order=$(cat "$root/lib/modules/load-order")
for m in virtio_mmio virtio_pci virtio_blk virtio_net virtio-rng virtio_console; do
	grep -qx "$m.ko" <<<"$order" || diag "load-order lacks $m"
done
is "$(grep -cxE 'virtio_mmio.ko|virtio_pci.ko|virtio_blk.ko|virtio_net.ko|virtio-rng.ko|virtio_console.ko' <<<"$order")" 6 \
	"the six virtio modules are in load-order"
# Every module's dependencies (modules.dep) come before it.
bad=
seen=" "
while read -r ko; do
	name=${ko%.ko}
	alt=$(tr '_-' '-_' <<<"$name")
	deps=$(grep -E "/($name|$alt)\.ko(\.xz|\.zst|\.gz)?:" "/lib/modules/$release/modules.dep" | cut -d: -f2-)
	for d in $deps; do
		d=${d##*/}
		d=${d%%.ko*}
		case $seen in *" $d "*) ;; *) bad="$bad $name(before $d)" ;; esac
	done
	seen="$seen$name "
done <<<"$order"
is "$bad" "" "each module is loaded after its dependencies"
nonelf=
for ko in "$root"/lib/modules/*.ko; do
	[ "$(od -An -c -N 4 "$ko" | tr -d ' ')" = '177ELF' ] || nonelf="$nonelf ${ko##*/}"
done
is "$nonelf" "" "modules are stored uncompressed (busybox insmod cannot decompress)"

sum1=$(sha256sum <"$out/initramfs.cpio.gz")
build "$out" --add "$GUEST_TMP/extra.txt:/vj/data/extra.txt"
is "$(sha256sum <"$out/initramfs.cpio.gz")" "$sum1" "a second build gives the same initramfs, byte for byte"

nok "--add with a relative guest path is refused" "$mkguest" "$GUEST_TMP/o2" --add "$GUEST_TMP/extra.txt:rel/x" 2>/dev/null
nok "--add of a missing host file is refused" "$mkguest" "$GUEST_TMP/o3" --add "$GUEST_TMP/nope:/x" 2>/dev/null

missing=
for f in vmlinuz vmlinux initramfs.cpio.gz selftest qmp-client kvm-speed tsc-khz; do
	[ -s "$GUEST_DIR/$f" ] || missing="$missing $f"
done
is "$missing" "" "make guest produced $GUEST_DIR/{vmlinuz,vmlinux,initramfs.cpio.gz,selftest,qmp-client,kvm-speed,tsc-khz}"
ok "the built initramfs carries the selftest" grep -qx vj/bin/selftest < <(zcat "$GUEST_DIR/initramfs.cpio.gz" | cpio -t --quiet 2>/dev/null)

done_testing
