#!/bin/sh
# vj.mode=demo: a guest whose progress is visible on the console, so the
# host can prove continuity across pause/resume and suspend/restore.
#   VMJAIL-GUEST-READY, then VMJAIL-COUNTER <n> once per second (n = 0, 1, ...).
# Ends on a console line "poweroff", or after $1 ticks when $1 is given.
ticks=${1:-}
case $ticks in
'' | *[!0-9]*) ticks= ;;
esac

echo "VMJAIL-GUEST-READY"
(
	n=0
	while :; do
		if [ -n "$ticks" ] && [ "$n" -ge "$ticks" ]; then
			echo "VMJAIL-GUEST-DONE ticks=$n"
			exec vj-poweroff
		fi
		echo "VMJAIL-COUNTER $n"
		n=$((n + 1))
		sleep 1
	done
) &
# The console echoes what the host types; only a whole line "poweroff" counts.
while read -r line; do
	if [ "$line" = poweroff ]; then
		echo "VMJAIL-GUEST-POWEROFF"
		exec vj-poweroff
	fi
done
# End of input (QEMU's stdin was not a terminal or pipe): keep counting.
wait
