# TAP helpers for bash tests (sourced).  Every check asserts an observable
# fact; a skip must say why.
#   plan N | ok COND-STATUS "name" | is GOT WANT "name" | like GOT REGEX "name"
#   skip "why" | diag "text" | done_testing
set -u
_tap_n=0
_tap_fail=0
_tap_planned=

: "${VJ_BUILD:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}"
: "${VJ_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
VMJAIL="$VJ_BUILD/vmjail"
HELPERS="$VJ_BUILD/tests/helpers"
export VJ_BUILD VJ_SRC VMJAIL HELPERS

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { local l; while IFS= read -r l; do echo "# $l"; done <<<"$*"; }
_tap_result() { # status name
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; _tap_fail=$((_tap_fail + 1)); fi
}
# ok: run a command, pass when it succeeds:  ok "name" cmd args...
ok() { local name=$1; shift; if "$@"; then _tap_result 0 "$name"; else _tap_result 1 "$name"; fi; }
# nok: pass when the command fails
nok() { local name=$1; shift; if "$@"; then _tap_result 1 "$name"; else _tap_result 0 "$name"; fi; }
is() {
	if [ "$1" = "$2" ]; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; diag "got:      '$1'" "expected: '$2'"; fi
}
isnt() {
	if [ "$1" != "$2" ]; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; diag "got '$1', expected anything else"; fi
}
like() {
	if [[ "$1" =~ $2 ]]; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; diag "got: '$1'" "expected to match: $2"; fi
}
unlike() {
	if [[ "$1" =~ $2 ]]; then _tap_result 1 "$3"; diag "got: '$1'" "expected NOT to match: $2"; else
		_tap_result 0 "$3"; fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }
# skip_n N "why": N subtests skipped for one reason
skip_n() { local i; for ((i = 0; i < $1; i++)); do skip "$2"; done; }
bail() { echo "Bail out! $*"; exit 255; }
done_testing() {
	[ -z "$_tap_planned" ] && echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
# kvm_missing: succeeds, printing why, when this machine cannot run a KVM
# guest (no /dev/kvm, one that cannot be opened, or one where kvm-speed
# cannot create and run a VM); fails when KVM is there, even if slow.
# Tests skip what needs KVM on that condition, never anything else.
kvm_missing() {
	local why
	if [ ! -e /dev/kvm ]; then
		echo "no /dev/kvm on this machine"
	elif [ ! -c /dev/kvm ]; then
		echo "/dev/kvm is not a character device"
	elif ! { : <>/dev/kvm; } 2>/dev/null; then
		echo "/dev/kvm cannot be opened"
	elif [ -x "$VJ_BUILD/guest/kvm-speed" ]; then
		# exit 2: KVM unusable (an API error); 0 or 3 (slow): it runs VMs
		why=$("$VJ_BUILD/guest/kvm-speed" 100 2>&1 >/dev/null)
		[ $? = 2 ] || return 1
		echo "KVM cannot run a VM here (kvm-speed: ${why//$'\n'/ })"
	else
		return 1
	fi
}
require_root() { [ "$(id -u)" = 0 ] || bail "tests run as root against the real kernel"; }
# is_json: stdin is one or more valid JSON values (jq, a real parser)
is_json() { jq -e . >/dev/null 2>&1; }
