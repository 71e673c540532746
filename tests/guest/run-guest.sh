#!/bin/bash
# Boot the vmjail test guest in QEMU, or print the exact QEMU command for a
# jailer to run.  The serial console is QEMU's stdin/stdout.
#
#   run-guest.sh [OPTIONS] [-- EXTRA-QEMU-ARGS...]
#
#   --mode demo|virtio|test|suite  what the guest's /init does (default demo)
#   --accel auto|kvm|tcg     auto: KVM only when kvm-speed shows it is fast
#   --machine auto|microvm|pc  auto: microvm when this QEMU has it
#   --kernel FILE            default BUILD/guest/vmlinux (PVH), else vmlinuz
#   --initrd FILE            default BUILD/guest/initramfs.cpio.gz
#   --append WORDS           more kernel command line
#   --ticks N                demo: power off after N counter ticks
#   --cmd GUESTPATH          test: the program to run (already in the initrd)
#   --tap HOSTPROG           test: add HOSTPROG to the initrd, run it, print
#                            only its TAP and exit with its status
#   --suite TESTFILE         suite: add this test of the project (tests/x.t, or
#                            build/tests/test_x.t) to the guest's list (repeat
#                            it); mksuite.sh builds the overlay.  The guest's
#                            TAP is merged into one stream on stdout, printed
#                            as it comes; exit status 0 when all passed
#   --suite-opt ARG          an argument for mksuite.sh (--tool CMD, --add H:G)
#   --overlay CPIO           append this cpio archive to the initramfs (repeat)
#   --label NAME             suite: how its lines name the part (default guest)
#   --lsm LIST               guest lsm= (test and suite mode default:
#                            lockdown,capability,landlock,yama,apparmor,bpf)
#   --qmp PATH               QMP on a unix socket at PATH
#   --incoming URI           start waiting for a migration (defer, fd:N, ...)
#   --workdir DIR            disk image, virtio console output, TAP initrd
#                            (default: a temporary directory, removed at exit)
#   --memory MB              default 256, suite 1024
#   --cpu MODEL              default: host,-arch-capabilities with KVM,
#                            QEMU's default with TCG
#   --timeout SECONDS        stop QEMU after this long (default 120; 0: never)
#   --no-sandbox             leave out QEMU's -sandbox
#   --verbose                kernel messages on the console
#   --print-argv             print QEMU's argv, one argument per line; run nothing
#   --print-files            print the host files QEMU opens, "ro|rw|dev PATH"
#                            a line (the binds and devices of a jail)
#
# Messages of this script go to stderr, starting with "run-guest:".
# Exit status: QEMU's (0 after a guest poweroff), 124 on timeout; with --tap,
# the test program's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${VJ_BUILD:=$(cd "$here/../.." && pwd)/build}"
guestdir=$VJ_BUILD/guest
prog=run-guest

say() { echo "$prog: $*" >&2; }
die() {
	say "$*"
	exit 2
}

memory_set=0 mode=demo accel=auto machine=auto memory=256 timeout=120 sandbox=1 verbose=0
kernel='' initrd='' append='' ticks='' cmd='' tap='' lsm='' qmp='' incoming=''
workdir='' cpu='' print='' label=guest
extra=() suite=() suite_opts=() overlays=()
need() { [ "$2" -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--mode) need "$1" $#; mode=$2; shift 2 ;;
	--accel) need "$1" $#; accel=$2; shift 2 ;;
	--machine) need "$1" $#; machine=$2; shift 2 ;;
	--kernel) need "$1" $#; kernel=$2; shift 2 ;;
	--initrd) need "$1" $#; initrd=$2; shift 2 ;;
	--append) need "$1" $#; append=$2; shift 2 ;;
	--ticks) need "$1" $#; ticks=$2; shift 2 ;;
	--cmd) need "$1" $#; cmd=$2; shift 2 ;;
	--tap) need "$1" $#; tap=$2; mode='test'; shift 2 ;;
	--lsm) need "$1" $#; lsm=$2; shift 2 ;;
	--suite) need "$1" $#; suite+=("$2"); mode=suite; shift 2 ;;
	--suite-opt) need "$1" $#; suite_opts+=("$2"); shift 2 ;;
	--overlay) need "$1" $#; overlays+=("$2"); shift 2 ;;
	--label) need "$1" $#; label=$2; shift 2 ;;
	--qmp) need "$1" $#; qmp=$2; shift 2 ;;
	--incoming) need "$1" $#; incoming=$2; shift 2 ;;
	--workdir) need "$1" $#; workdir=$2; shift 2 ;;
	--memory) need "$1" $#; memory=$2; memory_set=1; shift 2 ;;
	--cpu) need "$1" $#; cpu=$2; shift 2 ;;
	--timeout) need "$1" $#; timeout=$2; shift 2 ;;
	--no-sandbox) sandbox=0; shift ;;
	--verbose) verbose=1; shift ;;
	--print-argv) print=argv; shift ;;
	--print-files) print=files; shift ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done

case $mode in demo | virtio | test | suite) ;; *) die "--mode is demo, virtio, test or suite" ;; esac
case $accel in auto | kvm | tcg) ;; *) die "--accel is auto, kvm or tcg" ;; esac
case $machine in auto | microvm | pc) ;; *) die "--machine is auto, microvm or pc" ;; esac
case $ticks in '' | [0-9] | [1-9]*[0-9]) ;; *) die "--ticks wants a number" ;; esac
case $memory in [1-9]*) ;; *) die "--memory wants megabytes" ;; esac
case $timeout in [0-9]*) ;; *) die "--timeout wants seconds" ;; esac
if [ "$mode" = test ] && [ -z "$cmd" ] && [ -z "$tap" ]; then
	die "--mode test needs --cmd GUESTPATH or --tap HOSTPROG"
fi
[ -z "$tap" ] || [ -f "$tap" ] || die "--tap: no such file: $tap"
for o in ${overlays[@]+"${overlays[@]}"}; do [ -f "$o" ] || die "--overlay: no such file: $o"; done
if [ "$mode" = suite ]; then
	[ ${#suite[@]} -gt 0 ] || [ ${#overlays[@]} -gt 0 ] ||
		die "--mode suite needs --suite TESTFILE or an --overlay made by mksuite.sh"
	# The suite runs vmjail, its tests and the tools they call in the guest.
	[ "$memory_set" = 1 ] || memory=1024
fi
case $label in
*[!A-Za-z0-9._-]*) die "--label: [A-Za-z0-9._-] only: $label" ;;
esac
case $cmd in
*[!A-Za-z0-9._/-]*) die "--cmd: a guest path of [A-Za-z0-9._/-] (a kernel command line word): $cmd" ;;
esac

qemu=${QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] || die "qemu-system-x86_64 not found (Debian package qemu-system-x86)"
if [ -z "$kernel" ]; then
	kernel=$guestdir/vmlinux
	[ -f "$kernel" ] || kernel=$guestdir/vmlinuz
fi
[ -n "$initrd" ] || initrd=$guestdir/initramfs.cpio.gz
[ -f "$kernel" ] || die "no kernel $kernel (run: make guest)"
[ -f "$initrd" ] || die "no initramfs $initrd (run: make guest)"
# Absolute paths: the argv must mean the same from any directory (a jail).
kernel=$(realpath -- "$kernel")
initrd=$(realpath -- "$initrd")

if [ "$machine" = auto ]; then
	if "$qemu" -machine help 2>/dev/null | grep -q '^microvm '; then
		machine=microvm
	else
		machine=pc
		say "this QEMU has no microvm machine: using pc"
	fi
fi

# KVM or TCG.  /dev/kvm can work and still be useless (nested through a
# software MMU: ~1 us per guest instruction, Linux does not boot); kvm-speed
# times a guest loop in a few milliseconds and says so.
kvm_fast_ns=50
if [ "$accel" = auto ]; then
	why=
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		why="no usable /dev/kvm"
	elif [ ! -x "$guestdir/kvm-speed" ]; then
		why="no $guestdir/kvm-speed to measure KVM (run: make guest)"
	elif ! speed=$("$guestdir/kvm-speed" 2>/dev/null); then
		why="KVM failed or timed out in kvm-speed (${speed%% *} ns/instruction)"
	else
		ns=${speed%% *}
		if awk -v ns="$ns" -v max="$kvm_fast_ns" 'BEGIN { exit !(ns <= max) }'; then
			accel=kvm
			say "accel=kvm (KVM runs guest code at $ns ns/instruction)"
		else
			why="KVM runs guest code at $ns ns/instruction, slower than $kvm_fast_ns"
		fi
	fi
	if [ "$accel" = auto ]; then
		accel=tcg
		say "accel=tcg ($why)"
	fi
else
	say "accel=$accel (asked)"
fi

own_workdir=
# shellcheck disable=SC2317 # called by the trap
cleanup() { [ -z "$own_workdir" ] || rm -rf -- "$own_workdir"; }
trap cleanup EXIT
# Only the virtio disk and console and the --tap initramfs need files.
if [ -z "$workdir" ] && { [ "$mode" = virtio ] || [ -n "$tap" ] || [ ${#suite[@]} -gt 0 ] ||
	[ ${#overlays[@]} -gt 0 ]; }; then
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/vj-guest.XXXXXX")
	# An argv printed for someone else must keep pointing at existing files.
	if [ -n "$print" ]; then
		say "workdir $workdir (kept)"
	else
		own_workdir=$workdir
	fi
fi
if [ -n "$workdir" ]; then
	mkdir -p "$workdir"
	workdir=$(realpath -- "$workdir")
fi

# The kernel command line.  panic=-1 with -no-reboot: a panic (or an /init
# that exits) ends QEMU instead of hanging.  Crypto self-tests are skipped
# (about 1 s under TCG) and one UART is registered.
cmdline="console=ttyS0 panic=-1 cryptomgr.notests 8250.nr_uarts=1 vj.mode=$mode"
if [ "$verbose" = 1 ]; then
	cmdline="$cmdline vj.debug=1"
else
	# Only emergencies (a panic says why the VM ended); /init keeps it so.
	cmdline="$cmdline loglevel=1"
fi
if [ "$machine" = microvm ]; then
	# No PCI bus to probe.
	cmdline="$cmdline pci=off"
	if [ "$accel" = tcg ]; then
		# microvm has no PIT speaker gate, HPET or PM timer to calibrate
		# the TSC against, and under TCG there is no kvmclock: without the
		# frequency Linux hangs early.  The guest TSC is the host's.
		[ -x "$guestdir/tsc-khz" ] || die "no $guestdir/tsc-khz (run: make guest)"
		khz=$("$guestdir/tsc-khz") || die "cannot measure the TSC frequency"
		cmdline="$cmdline tsc_early_khz=$khz tsc=reliable"
	fi
fi
[ -z "$ticks" ] || cmdline="$cmdline vj.ticks=$ticks"
if [ "$mode" = test ] || [ "$mode" = suite ]; then
	: "${lsm:=lockdown,capability,landlock,yama,apparmor,bpf}"
fi
# The suite proves vmjail on a cgroup2-only host: no v1 hierarchy can be
# mounted at all (and /init mounts only cgroup2).
[ "$mode" != suite ] || cmdline="$cmdline cgroup_no_v1=all"

[ -z "$lsm" ] || cmdline="$cmdline lsm=$lsm"

# --tap: a second cpio appended to the initramfs carries the program (the
# kernel unpacks concatenated archives in order), so the base image is reused.
if [ -n "$tap" ]; then
	name=$(basename -- "$tap")
	# It becomes a word of the kernel command line (vj.cmd=).
	case $name in
	*[!A-Za-z0-9._-]*) die "--tap: the program's file name must be [A-Za-z0-9._-]: $name" ;;
	esac
	ov=$workdir/tap-overlay
	rm -rf -- "$ov"
	mkdir -p "$ov/vj/tap"
	install -m 0755 -- "$tap" "$ov/vj/tap/$name"
	(cd "$ov" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -1 >"$workdir/tap-overlay.cpio.gz"
	cat -- "$initrd" "$workdir/tap-overlay.cpio.gz" >"$workdir/initramfs-tap.cpio.gz"
	rm -rf -- "$ov" "$workdir/tap-overlay.cpio.gz"
	initrd=$workdir/initramfs-tap.cpio.gz
	cmd=/vj/tap/$name
fi
[ -z "$cmd" ] || cmdline="$cmdline vj.cmd=$cmd"

# --suite: the tests, vmjail and their tools in one more appended archive.
if [ ${#suite[@]} -gt 0 ] && [ "$print" != files ]; then
	VJ_BUILD=$VJ_BUILD "$here/mksuite.sh" "$workdir/suite.cpio.gz" "${suite[@]}" \
		${suite_opts[@]+"${suite_opts[@]}"} || die "mksuite.sh failed"
	overlays+=("$workdir/suite.cpio.gz")
elif [ ${#suite[@]} -gt 0 ]; then
	overlays+=("$workdir/suite.cpio.gz")
fi
if [ ${#overlays[@]} -gt 0 ]; then
	if [ "$print" != files ]; then
		cat -- "$initrd" "${overlays[@]}" >"$workdir/initramfs-overlay.cpio.gz"
	fi
	initrd=$workdir/initramfs-overlay.cpio.gz
fi

# The virtio devices of --mode virtio.  The disk carries a token in sector 0
# that the guest writes back to sector 1 and to its virtio console; the
# tests read both after the guest powered off.
devsuffix=device
[ "$machine" = microvm ] || devsuffix=pci
devices=()
if [ "$mode" = virtio ]; then
	token=$(od -An -tx1 -N 8 /dev/urandom | tr -d ' \n')
	disk=$workdir/disk.img
	hvc=$workdir/hvc0.out
	# --print-files only names them: it must not replace the disk that an
	# argv printed before refers to (by its token).
	if [ "$print" != files ]; then
		rm -f -- "$disk" "$hvc"
		printf 'VMJAIL-DISK %s\n' "$token" >"$disk"
		truncate -s 1M -- "$disk"
		: >"$hvc"
	fi
	cmdline="$cmdline vj.token=$token"
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	devices+=(
		# rng-builtin: QEMU's getrandom(), no host device file to open
		-object rng-builtin,id=rng0 -device "virtio-rng-$devsuffix,rng=rng0"
		-drive "file=$disk,format=raw,if=none,id=vd0" -device "virtio-blk-$devsuffix,drive=vd0"
		# no netdev at all: the link is up and frames are dropped by QEMU
		# ("nic ... has no peer" warning).  A lone hub port would be worse:
		# it never accepts a frame, so the guest's transmits never complete.
		-device "virtio-net-$devsuffix"
		-device "virtio-serial-$devsuffix" -chardev "file,id=hvc0,path=$hvc"
		-device virtconsole,chardev=hvc0
	)
fi
[ -z "$append" ] || cmdline="$cmdline $append"

# The argv.  No monitor on the console (-nographic would multiplex one onto
# stdio, and whoever has the console would control QEMU), no default
# devices or user config files, and a reset ends QEMU.
# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
argv=("$qemu" -M "$machine" -m "$memory" -smp 1
	-nodefaults -no-user-config -display none -monitor none -no-reboot
	-chardev stdio,id=con,signal=off -serial chardev:con)
case $accel in
kvm) argv+=(-accel kvm -cpu "${cpu:-host,-arch-capabilities}") ;;
tcg)
	argv+=(-accel tcg)
	[ -z "$cpu" ] || argv+=(-cpu "$cpu")
	;;
esac
argv+=(-kernel "$kernel" -initrd "$initrd" -append "$cmdline")
argv+=(${devices[@]+"${devices[@]}"})
[ -z "$qmp" ] || argv+=(-qmp "unix:$qmp,server=on,wait=off")
[ -z "$incoming" ] || argv+=(-incoming "$incoming")
if [ "$sandbox" = 1 ]; then
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	argv+=(-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny)
fi
argv+=(${extra[@]+"${extra[@]}"})

# The files QEMU opens, as found with strace (tests/guest-files.t checks
# this list against strace), one "KIND PATH" a line, KIND being what a jail
# must give: ro (read-only bind), rw (read-write bind of an existing file),
# dev (device node).  Firmware comes from QEMU's data directories (Debian:
# /usr/share/qemu, then /usr/share/seabios), found relative to the binary;
# the boot ROM depends on the kernel format (pvh.bin for an ELF with a PVH
# note, linuxboot_dma.bin for a bzImage).  The block layer opens /dev/null and
# /dev/urandom.  Not listed: what QEMU tolerates missing (/etc/localtime,
# locale files, /proc and /sys entries; see docs/guest.md) and the QMP
# socket, which QEMU creates (its directory must be writable).
firmware() { # name -> path QEMU opens
	local d
	local bindir
	bindir=$(dirname "$(realpath -- "$qemu")")
	# Debian builds QEMU with --firmwarepath=/usr/share/qemu:/usr/share/seabios:
	# /usr/lib/ipxe/qemu, relocated relative to the binary.
	for d in "$bindir/../share/qemu" "$bindir/../share/seabios" "$bindir/../lib/ipxe/qemu"; do
		if [ -e "$d/$1" ]; then
			echo "ro $(realpath -s -- "$d/$1")"
			return
		fi
	done
	die "firmware $1 not found (Debian packages qemu-system-data, seabios)"
}
print_files() {
	case $machine in
	microvm) firmware bios-microvm.bin ;;
	pc)
		firmware bios-256k.bin
		firmware kvmvapic.bin
		;;
	esac
	if [ "$(od -An -c -N 4 -- "$kernel" | tr -d ' ')" = '177ELF' ]; then
		firmware pvh.bin
	else
		firmware linuxboot_dma.bin
	fi
	echo "ro $kernel"
	echo "ro $initrd"
	if [ "$mode" = virtio ]; then
		echo "rw $disk"
		echo "rw $hvc"
		echo "dev /dev/null"
		echo "dev /dev/urandom"
	fi
	[ "$accel" != kvm ] || echo "dev /dev/kvm"
}

case $print in
argv)
	printf '%s\n' "${argv[@]}"
	exit 0
	;;
files)
	print_files
	exit 0
	;;
esac

# QEMU runs as a child so that this script can report a timeout and clean
# its workdir; a TERM/INT/HUP sent to this script is passed on, so killing
# the script by its pid also ends QEMU.
child=
# shellcheck disable=SC2317 # called by the trap
forward() { [ -z "$child" ] || kill -s "$1" "$child" 2>/dev/null || true; }
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
run_qemu() {
	local rc
	if [ "$timeout" = 0 ]; then
		"${argv[@]}" <&0 &
	else
		# --foreground: QEMU stays in our process group, so Ctrl-C on a
		# terminal reaches it too.
		timeout --foreground -k 5 "$timeout" "${argv[@]}" <&0 &
	fi
	child=$!
	# wait returns early when a trapped signal arrives; wait again until
	# the child is really gone to get its status.
	while :; do
		rc=0
		wait "$child" || rc=$?
		kill -0 "$child" 2>/dev/null || break
	done
	child=
	return "$rc"
}

if [ "$mode" = suite ]; then
	# The console goes to a file; tail follows it while QEMU runs and the
	# filter prints each merged TAP line as soon as the guest wrote it.
	log=$workdir/console.log
	: >"$log"
	if [ "$timeout" = 0 ]; then
		"${argv[@]}" </dev/null >"$log" &
	else
		timeout -k 5 "$timeout" "${argv[@]}" </dev/null >"$log" &
	fi
	child=$!
	tail -n +1 -s 0.2 -f --pid="$child" -- "$log" |
		awk -v label="$label" -f "$here/suite-tap.awk" &
	filter=$!
	qrc=0
	while :; do
		qrc=0
		wait "$child" || qrc=$?
		kill -0 "$child" 2>/dev/null || break
	done
	child=
	rc=0
	wait "$filter" || rc=$?
	[ "$qrc" != 124 ] || say "timeout after ${timeout}s"
	if [ "$rc" != 0 ]; then
		say "console (last 30 lines), QEMU status $qrc:"
		tr -d '\r' <"$log" | tail -n 30 | sed 's/^/  /' >&2
	fi
	exit "$rc"
fi

if [ -z "$tap" ]; then
	rc=0
	run_qemu || rc=$?
	[ "$rc" != 124 ] || say "timeout after ${timeout}s"
	exit "$rc"
fi

# --tap: keep the console in a file, print what lies between the markers.
log=$workdir/console.log
qrc=0
run_qemu </dev/null >"$log" || qrc=$?
tr -d '\r' <"$log" >"$log.txt"
if ! grep -q '^VMJAIL-TAP-END rc=' "$log.txt"; then
	echo "Bail out! the guest did not finish the test program (QEMU status $qrc)"
	say "console (last 30 lines):"
	tail -n 30 "$log.txt" | sed 's/^/  /' >&2
	exit 1
fi
awk '/^VMJAIL-TAP-END rc=/ { exit } on { print } /^VMJAIL-TAP-BEGIN$/ { on = 1 }' "$log.txt"
rc=$(sed -n 's/^VMJAIL-TAP-END rc=\([0-9]*\).*/\1/p' "$log.txt" | head -n 1)
exit "${rc:-1}"
