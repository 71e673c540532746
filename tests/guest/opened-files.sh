#!/bin/bash
# Print the files a QEMU run opened successfully, from an strace log
# (strace -f -e trace=open,openat,openat2,creat -o TRACE ...), as "KIND PATH"
# lines comparable with run-guest.sh --print-files: ro, rw (opened for
# writing) or dev (/dev/*), paths normalised without following symlinks,
# sorted.  What QEMU only looks at and copes without (libraries, locale,
# /etc/localtime, /proc, /sys, the cwd) is left out: a jail provides the
# libraries through its own rules, the rest is optional.
#
#   opened-files.sh TRACE
set -eu
[ $# = 1 ] || { echo "usage: opened-files.sh TRACE" >&2; exit 2; }

sed -n 's/^[0-9]* *\(open\|openat\|openat2\|creat\)(\(AT_FDCWD, \)\{0,1\}"\([^"]*\)", \([A-Z_|]*\).*) = [0-9][0-9]*$/\4 \3/p' "$1" |
	while read -r flags path; do
		case $path in
		/*) ;;
		*) continue ;; # ".": the cwd
		esac
		path=$(realpath -s -- "$path")
		case $path in
		/lib/* | /lib64/* | /usr/lib/* | /usr/share/locale/* | /etc/* | /proc/* | /sys/*) continue ;;
		/dev/*) echo "dev $path" ;;
		*)
			case $flags in
			*O_WRONLY* | *O_RDWR*) echo "rw $path" ;;
			*) echo "ro $path" ;;
			esac
			;;
		esac
	done |
	# A file opened both read-only and read-write counts once, as rw.
	awk '{ k[$2] = (k[$2] == "rw" || $1 == "rw") ? "rw" : $1 } END { for (p in k) print k[p], p }' |
	LC_ALL=C sort
