# Helpers for tests/guest-*.t (bash, sourced after tests/lib/tap.sh): run
# guests in the background with their console in a file and their console
# input on a FIFO, wait for console lines, talk QMP, clean up at exit.
#   guest_require                     build the guest if needed (fail if that fails);
#                                     skip only without QEMU
#   guest_start NAME RUN-GUEST-ARGS.. start run-guest.sh (workdir, QMP socket)
#   guest_wait NAME REGEX SECONDS     wait for a console line matching REGEX
#   guest_send NAME LINE              type a line on the guest's console
#   guest_wait_exit NAME SECONDS      wait for the end; sets GUEST_RC
#   guest_qmp NAME COMMAND...         qmp-client on that guest's socket
#   guest_log NAME                    the console so far, without \r
#   guest_counters NAME               the VMJAIL-COUNTER numbers, one a line
# shellcheck shell=bash

RUN_GUEST=$VJ_SRC/tests/guest/run-guest.sh
GUEST_DIR=$VJ_BUILD/guest
QMP_CLIENT=$GUEST_DIR/qmp-client
GUEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vj-guest-test.XXXXXX")
declare -A _guest_pid=() _guest_fd=()
GUEST_RC= # set by guest_wait_exit, read by the tests
export GUEST_RC

_guest_cleanup() {
	local n
	for n in "${!_guest_pid[@]}"; do
		# run-guest.sh passes TERM on to QEMU.
		kill "${_guest_pid[$n]}" 2>/dev/null && wait "${_guest_pid[$n]}" 2>/dev/null
	done
	rm -rf -- "$GUEST_TMP"
}
trap _guest_cleanup EXIT

guest_require() {
	# Only a machine that lacks something may skip: QEMU is a package the
	# machine may not have.  The guest image is vmjail's own test input, so
	# a test that finds it missing builds it (under a lock, so that parallel
	# tests build it once) and fails loudly if that build fails.
	if ! command -v qemu-system-x86_64 >/dev/null; then
		echo "1..0 # SKIP qemu-system-x86_64 not installed (Debian qemu-system-x86)"
		exit 0
	fi
	local f missing=
	for f in vmlinux initramfs.cpio.gz qmp-client kvm-speed tsc-khz selftest; do
		[ -e "$GUEST_DIR/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && return 0
	mkdir -p "$VJ_BUILD"
	if ! flock "$VJ_BUILD/.guest.lock" make -C "$VJ_SRC" BUILD="$VJ_BUILD" guest \
		>"$GUEST_TMP/make-guest.log" 2>&1; then
		sed 's/^/# /' "$GUEST_TMP/make-guest.log" | tail -n 30
		echo "Bail out! building the test guest failed (missing:$missing): make guest"
		exit 255
	fi
	for f in $missing; do
		[ -e "$GUEST_DIR/$f" ] ||
			{ echo "Bail out! make guest ran but $GUEST_DIR/$f is still missing"; exit 255; }
	done
}

guest_start() { # NAME ARGS...
	local name=$1 fd
	shift
	mkfifo "$GUEST_TMP/$name.in"
	# Opened read-write so that neither side blocks and the guest never
	# sees end of input.
	exec {fd}<>"$GUEST_TMP/$name.in"
	_guest_fd[$name]=$fd
	"$RUN_GUEST" --workdir "$GUEST_TMP/$name.work" --qmp "$GUEST_TMP/$name.qmp" "$@" \
		<"$GUEST_TMP/$name.in" >"$GUEST_TMP/$name.log" 2>"$GUEST_TMP/$name.err" &
	_guest_pid[$name]=$!
}

guest_log() { tr -d '\r' <"$GUEST_TMP/$1.log"; }
guest_err() { cat "$GUEST_TMP/$1.err"; }
guest_workdir() { echo "$GUEST_TMP/$1.work"; }

guest_wait() { # NAME REGEX SECONDS: 0 when a line matches, 1 on timeout or exit
	local name=$1 re=$2 end
	end=$(($(date +%s%N) + ${3%.*} * 1000000000))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		guest_log "$name" | grep -qE -- "$re" && return 0
		if ! kill -0 "${_guest_pid[$name]}" 2>/dev/null; then
			guest_log "$name" | grep -qE -- "$re"
			return
		fi
		sleep 0.1
	done
	return 1
}

guest_send() { printf '%s\n' "$2" >&"${_guest_fd[$1]}"; }

guest_wait_exit() { # NAME SECONDS: 0 when it ended (GUEST_RC = status), 1 if not
	local name=$1 i=0
	while kill -0 "${_guest_pid[$name]}" 2>/dev/null; do
		[ "$i" -lt "$(($2 * 10))" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
	GUEST_RC=0
	wait "${_guest_pid[$name]}" || GUEST_RC=$?
	unset "_guest_pid[$name]"
	return 0
}

guest_qmp() { # NAME ARGS...
	local name=$1
	shift
	"$QMP_CLIENT" -t 20 "$GUEST_TMP/$name.qmp" "$@"
}

guest_counters() { guest_log "$1" | sed -n 's/^VMJAIL-COUNTER \([0-9][0-9]*\)$/\1/p'; }

# 0 when the numbers on stdin are FIRST, FIRST+1, ... with no gap or repeat.
counters_contiguous() { # FIRST
	awk -v want="$1" '$1 != want { bad = 1; exit } { want++ } END { exit bad || NR == 0 }'
}

# Seconds since the epoch with milliseconds, for timings.
now_ms() { date +%s%3N; }
