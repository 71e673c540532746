#!/bin/sh
# vj.mode=virtio: use every virtio device run-guest.sh gives this mode and say
# which ones worked, so the host can prove QEMU (later under its seccomp
# policy) serves them:  VMJAIL-VIRTIO-OK <dev> | VMJAIL-VIRTIO-FAIL <dev> <why>
# per device, then VMJAIL-VIRTIO-DONE ok=<n> fail=<n>.
# $1 is the token the host put in sector 0 of the disk and expects back in
# sector 1 and on the virtio console.
token=$1
nok=0
nfail=0
pass() {
	echo "VMJAIL-VIRTIO-OK $*"
	nok=$((nok + 1))
}
fail() {
	echo "VMJAIL-VIRTIO-FAIL $*"
	nfail=$((nfail + 1))
}
# Device nodes and sysfs entries appear asynchronously after insmod.
wait_for() { # path [tenths of a second]
	i=0
	while [ ! -e "$1" ] && [ "$i" -lt "${2:-30}" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# virtio-rng: the virtio source must be the kernel's current hwrng and give
# bytes that are not all zero.
check_rng() {
	wait_for /sys/class/misc/hw_random/rng_available || { fail rng "no hw_random"; return; }
	avail=$(cat /sys/class/misc/hw_random/rng_available)
	case $avail in
	*virtio_rng*) ;;
	*) fail rng "not in rng_available: '$avail'"; return ;;
	esac
	cur=$(cat /sys/class/misc/hw_random/rng_current)
	case $cur in
	virtio_rng*) ;;
	*) fail rng "rng_current is '$cur'"; return ;;
	esac
	wait_for /dev/hwrng || { fail rng "no /dev/hwrng"; return; }
	bytes=$(dd if=/dev/hwrng bs=64 count=1 iflag=fullblock 2>/dev/null | od -An -tx1 | tr -d ' \n')
	if [ "${#bytes}" -ne 128 ]; then
		fail rng "read ${#bytes} hex digits, want 128"
	elif [ -z "$(printf '%s' "$bytes" | tr -d 0)" ]; then
		fail rng "64 zero bytes"
	else
		pass rng "bytes=64"
	fi
}

# virtio-blk: read the host's token from sector 0, write the reply to sector
# 1, drop the guest's cache and read it back from the device.
check_blk() {
	wait_for /dev/vda || { fail blk "no /dev/vda"; return; }
	line=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -n 1)
	[ "$line" = "VMJAIL-DISK $token" ] || { fail blk "sector 0 is '$line'"; return; }
	printf 'VMJAIL-DISK-REPLY %s\n' "$token" |
		dd of=/dev/vda bs=512 seek=1 conv=sync,notrunc,fsync 2>/dev/null ||
		{ fail blk "write failed"; return; }
	blockdev --flushbufs /dev/vda
	back=$(dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | head -n 1)
	[ "$back" = "VMJAIL-DISK-REPLY $token" ] || { fail blk "sector 1 reads '$back'"; return; }
	pass blk "read+write size=$(blockdev --getsize64 /dev/vda)"
}

# virtio-net: the link comes up with no backend behind it (QEMU drops the
# frames), and transmitted frames complete (tx_packets counts a frame when
# QEMU has taken it from the ring).
check_net() {
	dev=
	i=0
	while [ -z "$dev" ] && [ "$i" -lt 30 ]; do
		for d in /sys/class/net/*; do
			case $(readlink "$d/device/driver" 2>/dev/null) in
			*/virtio_net) dev=${d##*/} ;;
			esac
		done
		[ -n "$dev" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$dev" ] || { fail net "no virtio_net interface"; return; }
	ip link set "$dev" up || { fail net "ip link set $dev up"; return; }
	ip addr add 10.0.2.15/24 dev "$dev"
	# Until the link watcher has run (operstate up), frames are dropped by
	# the no-op qdisc before they reach the driver.
	i=0
	while [ "$(cat "/sys/class/net/$dev/operstate")" != up ] && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "/sys/class/net/$dev/carrier")" = 1 ] || { fail net "no carrier on $dev"; return; }
	[ "$(cat "/sys/class/net/$dev/operstate")" = up ] || { fail net "$dev operstate not up"; return; }
	tx0=$(cat "/sys/class/net/$dev/statistics/tx_packets")
	# Nobody answers: arping's status does not matter, the transmit does.
	# The driver counts completions lazily (on the next transmit or a
	# delayed interrupt), so poll a little.
	arping -q -c 1 -w 1 -I "$dev" 10.0.2.2 >/dev/null 2>&1
	i=0
	while [ "$(cat "/sys/class/net/$dev/statistics/tx_packets")" -le "$tx0" ] && [ "$i" -lt 20 ]; do
		arping -q -c 1 -w 1 -I "$dev" 10.0.2.2 >/dev/null 2>&1
		i=$((i + 1))
	done
	tx1=$(cat "/sys/class/net/$dev/statistics/tx_packets")
	[ "$tx1" -gt "$tx0" ] || { fail net "tx_packets stayed $tx0"; return; }
	pass net "dev=$dev carrier=1 operstate=up tx_packets=$tx1"
}

# virtio-console: the host reads what arrives on its chardev.
check_console() {
	wait_for /dev/hvc0 || { fail console "no /dev/hvc0"; return; }
	echo "VMJAIL-HVC $token" >/dev/hvc0 || { fail console "write to /dev/hvc0"; return; }
	pass console "hvc0"
}

check_rng
check_blk
check_net
check_console
echo "VMJAIL-VIRTIO-DONE ok=$nok fail=$nfail"
