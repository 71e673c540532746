#!/bin/bash
# Boot the test guest in QEMU *inside a vmjail jail*: QEMU's argv and the
# files it opens come from run-guest.sh (--print-argv / --print-files), the
# jail comes from vmjail with a QEMU policy.  The serial console is stdout.
#
#   run-jailed.sh --id ID [OPTIONS] [-- MORE-VMJAIL-FLAGS...]
#
#   --id ID                  the jail id (required)
#   --accel auto|kvm|tcg     as run-guest.sh (auto: KVM only when it is fast)
#   --mode demo|virtio       the guest's job (default demo)
#   --ticks N                demo: power off after N counter ticks
#   --memory MB              guest memory (run-guest.sh's default otherwise)
#   --guest-ram              the guest's memory in the jail's file (vmjail
#                            --guest-ram): a suspend keeps it there and a
#                            restore maps it instead of reading it back
#   --policy qemu|default|FILE
#                            qemu (default): policies/qemu.policy with KVM,
#                            qemu-tcg.policy with TCG; default: the built-in
#                            default policy plus QEMU's data files
#   --uid N, --gid N         the tenant (default 64100)
#   --base DIR               --chroot-base-dir (default BUILD/jails)
#   --audit-log PATH|-       passed to vmjail
#   --workdir DIR            run-guest.sh's workdir (disk image, console file)
#   --print                  print the vmjail command line, run nothing
#
# QMP is on /run/qmp.sock inside the jail (<base>/qemu-system-x86_64/ID/root/
# run/qmp.sock on the host).  Exit status: vmjail's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
: "${VJ_BUILD:=$src/build}"
export VJ_BUILD
prog=run-jailed
die() {
	echo "$prog: $*" >&2
	exit 2
}

id='' accel=auto mode=demo ticks='' policy=qemu uid=64100 gid='' base="$VJ_BUILD/jails"
audit='' workdir='' print=0 memory='' guestram=0
need() { [ "$2" -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--id) need "$1" $#; id=$2; shift 2 ;;
	--accel) need "$1" $#; accel=$2; shift 2 ;;
	--mode) need "$1" $#; mode=$2; shift 2 ;;
	--ticks) need "$1" $#; ticks=$2; shift 2 ;;
	--memory) need "$1" $#; memory=$2; shift 2 ;;
	--guest-ram) guestram=1; shift ;;
	--policy) need "$1" $#; policy=$2; shift 2 ;;
	--uid) need "$1" $#; uid=$2; shift 2 ;;
	--gid) need "$1" $#; gid=$2; shift 2 ;;
	--base) need "$1" $#; base=$2; shift 2 ;;
	--audit-log) need "$1" $#; audit=$2; shift 2 ;;
	--workdir) need "$1" $#; workdir=$2; shift 2 ;;
	--print) print=1; shift ;;
	--) shift; break ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
[ -n "$id" ] || die "--id is required"
: "${gid:=$uid}"

if [ "$accel" = auto ]; then
	# run-guest.sh decides (kvm-speed) and says why; its argv tells us what
	# it chose, and the policy follows that, so argv and policy agree.
	mapfile -t probe < <("$here/run-guest.sh" --accel auto --mode "$mode" --print-argv)
	for i in "${!probe[@]}"; do
		[ "${probe[$i]}" = -accel ] && accel=${probe[$((i + 1))]}
	done
	case $accel in kvm | tcg) ;; *) die "could not tell which accelerator run-guest.sh chose" ;; esac
fi
guest=(--accel "$accel" --mode "$mode" --qmp /run/qmp.sock --timeout 0)
[ -n "$ticks" ] && guest+=(--ticks "$ticks")
[ -n "$memory" ] && guest+=(--memory "$memory")
[ "$guestram" = 1 ] && guest+=(--mem-file /guest.ram)
[ -n "$workdir" ] && guest+=(--workdir "$workdir")

mapfile -t argv < <("$here/run-guest.sh" "${guest[@]}" --print-argv)
mapfile -t files < <("$here/run-guest.sh" "${guest[@]}" --print-files)
[ "${#argv[@]}" -gt 1 ] || die "run-guest.sh printed no QEMU command"

flags=(--id "$id" --exec-file "${argv[0]}" --uid "$uid" --gid "$gid" --chroot-base-dir "$base")
case $policy in
qemu) [ "$accel" = kvm ] && flags+=(--policy "$src/policies/qemu.policy") ||
	flags+=(--policy "$src/policies/qemu-tcg.policy") ;;
default)
	# The built-in policy, not the QEMU policy vmjail would pick for
	# qemu-system-x86_64 by itself.  It knows no VMM: bring QEMU's data dir
	# and TCG module where QEMU looks for them (relative to
	# /qemu-system-x86_64 in the jail).
	flags+=(--policy @default --bind /usr/share/qemu:/share/qemu)
	[ -d /usr/share/seabios ] && flags+=(--bind /usr/share/seabios)
	[ "$accel" = tcg ] && flags+=(--bind \
		/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so:/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so)
	;;
*) flags+=(--policy "$policy") ;;
esac
[ -n "$audit" ] && flags+=(--audit-log "$audit")
[ "$guestram" = 1 ] && flags+=(--guest-ram "${memory:-256}M")
for f in "${files[@]}"; do
	read -r kind path <<<"$f"
	case $kind in
	ro) case $path in /usr/share/qemu/* | /usr/share/seabios/*) ;; *) flags+=(--bind "$path") ;; esac ;;
	rw)
		# the tenant's own disk and console files: the tenant must own them
		[ "$print" = 1 ] || chown "$uid:$gid" "$path"
		flags+=(--bind "$path:$path:rw")
		;;
	dev) ;; # devices come from the policy (kvm, urandom, null)
	esac
done

if [ "$print" = 1 ]; then
	printf '%q ' "$VJ_BUILD/vmjail" "${flags[@]}" "$@" -- "${argv[@]:1}"
	echo
	exit 0
fi
exec "$VJ_BUILD/vmjail" "${flags[@]}" "$@" -- "${argv[@]:1}"
