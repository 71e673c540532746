#!/bin/bash
# Build the test guest: OUTDIR/vmlinuz (Debian's kernel, made readable),
# OUTDIR/vmlinux (the same kernel uncompressed, for a faster PVH boot) and
# OUTDIR/initramfs.cpio.gz (busybox-static, our /init, the virtio modules,
# and any extra files).  Nothing is downloaded: everything comes from the
# installed linux-image-amd64 and busybox-static packages and this directory.
#
#   mkguest.sh OUTDIR [--kernel VMLINUZ] [--add HOSTPATH:GUESTPATH]...
#
# The archive is reproducible: files are sorted, owned by 0:0, and carry one
# fixed mtime (SOURCE_DATE_EPOCH, default 0), and gzip stores no name/time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prog=mkguest

die() { echo "$prog: $*" >&2; exit 1; }
usage() { die "usage: mkguest.sh OUTDIR [--kernel VMLINUZ] [--add HOSTPATH:GUESTPATH]..."; }

# Modules for the virtio devices run-guest.sh gives the guest: the mmio
# transport (-M microvm), the pci one (-M pc fallback), and the devices that
# vj.mode=virtio exercises.  Dependencies come from modules.dep.
MODULES="virtio_mmio virtio_pci virtio_blk virtio_net virtio-rng virtio_console"

[ $# -ge 1 ] || usage
outdir=$1
shift
kernel=
adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift 2 ;;
	--add) [ $# -ge 2 ] || usage; adds+=("$2"); shift 2 ;;
	*) usage ;;
	esac
done

# The newest Debian kernel, by version order (not by mtime: a reinstall of
# an older package must not win).
if [ -z "$kernel" ]; then
	kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' | sort -V | tail -n 1)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-*-amd64: install linux-image-amd64"
fi
[ -r "$kernel" ] || die "cannot read $kernel"
release=${kernel##*/vmlinuz-}
moddir=/lib/modules/$release
[ -f "$moddir/modules.dep" ] || die "no $moddir/modules.dep for kernel $kernel"
busybox=$(command -v busybox) || die "busybox not found: install busybox-static"
# A dynamically linked busybox would need its libraries in the guest.
if LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
	die "$busybox is dynamically linked: install busybox-static"
fi

mkdir -p "$outdir"
stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf -- "$stage"' EXIT
root=$stage/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,mnt,etc,root,lib/modules,vj}
chmod 1777 "$root/tmp"
# One bin directory; the usual paths point to it so "#!/bin/sh" and
# "/sbin/poweroff" both resolve.
ln -s bin "$root/sbin"
mkdir -p "$root/usr"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"

install -m 0755 "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	case $applet in
	busybox | */*) continue ;;
	esac
	ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$here/init" "$root/init"
install -m 0755 "$here/vj-poweroff" "$root/bin/vj-poweroff"
for f in "$here"/mode-*.sh; do
	install -m 0755 "$f" "$root/vj/${f##*/}"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# Resolve module names to paths and load order.  In modules.dep a module's
# dependencies are listed so that the last one must be loaded first (that is
# how modprobe walks them), so the order is: dependencies reversed, then the
# module; duplicates are kept only the first time.
modpath() { # name -> path relative to $moddir (either - or _ in the name)
	local n=$1 alt
	alt=$(printf '%s' "$n" | tr '_-' '-_')
	grep -E "^([^:]*/)?($n|$alt)\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1
}
order=()
seen=" "
for m in $MODULES; do
	p=$(modpath "$m")
	[ -n "$p" ] || die "module $m not in $moddir/modules.dep"
	deps=$(grep -E "^$p:" "$moddir/modules.dep" | cut -d: -f2-)
	list=()
	for d in $deps; do list=("$d" "${list[@]}"); done
	list+=("$p")
	for d in "${list[@]}"; do
		case $seen in *" $d "*) continue ;; esac
		seen="$seen$d "
		order+=("$d")
	done
done
: >"$root/lib/modules/load-order"
for p in "${order[@]}"; do
	base=${p##*/}
	name=${base%%.ko*}
	dst=$root/lib/modules/$name.ko
	# insmod in busybox does not decompress: store plain .ko files.
	case $p in
	*.ko.xz) xz -dc -- "$moddir/$p" >"$dst" ;;
	*.ko.zst) zstd -qdc -- "$moddir/$p" >"$dst" ;;
	*.ko.gz) gzip -dc -- "$moddir/$p" >"$dst" ;;
	*.ko) cp -- "$moddir/$p" "$dst" ;;
	esac
	chmod 0644 "$dst"
	echo "$name.ko" >>"$root/lib/modules/load-order"
done
echo "$release" >"$root/etc/vj-kernel-release"

for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%:*}
	dst=${a#*:}
	if [ "$src" = "$a" ] || [ -z "$dst" ]; then
		die "--add wants HOSTPATH:GUESTPATH, got '$a'"
	fi
	case $dst in
	/*) ;;
	*) die "guest path must be absolute: $dst" ;;
	esac
	case /$dst/ in
	*/../*) die "guest path must not contain '..': $dst" ;;
	esac
	[ -e "$src" ] || die "--add: no such file: $src"
	mkdir -p "$root$(dirname "$dst")"
	cp -a -- "$src" "$root$dst"
done

# Fixed ownership, mtimes and order make the archive depend only on its inputs.
epoch=${SOURCE_DATE_EPOCH:-0}
find "$root" -exec touch -h -d "@$epoch" {} +
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -6 >"$stage/initramfs.cpio.gz"

# The kernel is copied (not linked) with mode 0644 so that an unprivileged
# QEMU in a jail can read it through a read-only bind.
# Its mtime stays "now": make compares it with its prerequisites.
install -m 0644 "$kernel" "$stage/vmlinuz"
# The same kernel uncompressed: an ELF with a PVH entry note, which QEMU
# starts directly.  Under TCG that skips ~5 s of in-guest xz decompression
# (the boot to the marker drops from ~9 s to ~4 s); run-guest.sh prefers it.
# The payload's place is in the bzImage header: setup_sects at 0x1f1, and
# payload_offset (from the protected-mode code) at 0x248.
u8() { od -An -tu1 -j "$2" -N 1 -- "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N 4 -- "$1" | tr -d ' '; }
[ "$(od -An -c -j 0x202 -N 4 -- "$kernel" | tr -d ' ')" = HdrS ] || die "$kernel is not a bzImage"
setup_sects=$(u8 "$kernel" $((0x1f1)))
[ "$setup_sects" != 0 ] || setup_sects=4
payload=$(((setup_sects + 1) * 512 + $(u32 "$kernel" $((0x248)))))
magic=$(od -An -tx1 -j "$payload" -N 4 -- "$kernel" | tr -d ' ')
case $magic in
fd377a58) decomp="xz -dc --single-stream" ;;
1f8b*) decomp="gzip -dc" ;;
28b52ffd) decomp="zstd -qdc" ;;
*) die "$kernel: unknown payload compression (magic $magic)" ;;
esac
# gzip and zstd complain about the bytes after the payload; the ELF check
# below is what decides.
tail -c +$((payload + 1)) -- "$kernel" | $decomp >"$stage/vmlinux" 2>/dev/null || true
[ "$(od -An -c -N 4 -- "$stage/vmlinux" | tr -d ' ')" = '177ELF' ] ||
	die "$kernel: payload did not decompress to an ELF"
LC_ALL=C readelf -n "$stage/vmlinux" | grep -q 'Unknown note type: (0x00000012)' ||
	die "$kernel: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); boot vmlinuz instead"
chmod 0644 "$stage/vmlinux" "$stage/initramfs.cpio.gz"

# Replace the outputs only when all are complete.
mv -f "$stage/vmlinux" "$outdir/vmlinux"
mv -f "$stage/vmlinuz" "$outdir/vmlinuz"
mv -f "$stage/initramfs.cpio.gz" "$outdir/initramfs.cpio.gz"
echo "$prog: $outdir/vmlinuz and vmlinux ($release), $outdir/initramfs.cpio.gz ($(stat -c %s "$outdir/initramfs.cpio.gz") bytes, ${#order[@]} modules)"
