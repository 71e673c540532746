# tests/escape harness (sourced after tests/lib/tap.sh and tests/lib/jail.sh).
#
# Sets up, once per test file: host canaries (a root-only secret file, a unix
# socket, an abstract socket and a loopback listener served by canaryd.py, a
# sleeping process of another uid) and tenant B (a jailprobe that sleeps).
# Then `escape TECHNIQUE POLICY [vmjail flags...]` runs the attacker
# $VJ_BUILD/tests/escape/TECHNIQUE as tenant A's exec file and prints ONE TAP
# line: ok only if the launch started the attacker, it reported BLOCKED (or a
# signal stopped it), every canary is intact, B still runs, and the audit
# stream holds a record with A's id naming the layer that blocked it.
#
# vmjail is started the way a careless parent would: with supplementary
# groups and extra fds open (fd 9 the secret, fd 10 the host's root dir).

ESC_DIR="$VJ_BUILD/tests/escape"
ESC_LOG="$VJ_TEST_TMP/audit.log"
# The built-in default (policies/default.policy compiled in) and every other
# shipped policy.
ESC_POLICIES=${ESC_POLICIES:-"default $(cd "$VJ_SRC/policies" && ls *.policy | grep -vx default.policy |
	sed 's/\.policy$//' | sort | tr '\n' ' ')"}
ESC_B_UID=$((VJ_TEST_UID + 1))
ESC_HOST_UID=$((VJ_TEST_UID + 2))
# Layers whose denials the kernel or vmjail report in the audit stream.
ESC_AUDITED="seccomp landlock cgroup-bpf bpf-lsm apparmor exec-once cgroup"

_esc_cleanup() {
	[ -n "${ESC_CANARYD:-}" ] && kill "$ESC_CANARYD" 2>/dev/null
	[ -n "${ESC_HOSTPROC:-}" ] && kill "$ESC_HOSTPROC" 2>/dev/null
	_vj_cleanup
}
trap _esc_cleanup EXIT

# --- host canaries ---------------------------------------------------------
ESC_SECRET="$VJ_TEST_TMP/secret"
head -c 32 /dev/urandom | base64 >"$ESC_SECRET"
chmod 0600 "$ESC_SECRET"
ESC_UNIX="$VJ_TEST_TMP/canary.sock"
ESC_ABSTRACT="vmjail-escape-canary-$$"
ESC_CANARY_LOG="$VJ_TEST_TMP/canary.log"
: >"$ESC_CANARY_LOG"
python3 "$VJ_SRC/tests/escape/canaryd.py" "$ESC_UNIX" "$ESC_ABSTRACT" "$VJ_TEST_TMP/port" \
	"$ESC_CANARY_LOG" &
ESC_CANARYD=$!
wait_for test -s "$VJ_TEST_TMP/port" || bail "canaryd did not start"
ESC_PORT=$(cat "$VJ_TEST_TMP/port")
setpriv --reuid "$ESC_HOST_UID" --regid "$ESC_HOST_UID" --clear-groups sleep 3600 &
ESC_HOSTPROC=$!

# --- tenant B ----------------------------------------------------------------
ESC_B=$(new_id)
("$VMJAIL" --id "$ESC_B" --exec-file "$PROBE" --uid "$ESC_B_UID" --gid "$ESC_B_UID" \
	--chroot-base-dir "$VJ_TEST_BASE" --audit-log "$VJ_TEST_TMP/b.log" -- sleep 3600 \
	>/dev/null 2>&1 &)
wait_for grep -qs '^status=running' "$VJ_TEST_BASE/jailprobe/$ESC_B/vmjail.state" ||
	bail "tenant B did not start"
ESC_B_PID=$(sed -n 's/^vmm_pid=//p' "$VJ_TEST_BASE/jailprobe/$ESC_B/vmjail.state")
ESC_B_ROOT="$VJ_TEST_BASE/jailprobe/$ESC_B/root"

# The canaries and B, as one verdict: prints what is wrong, returns 1 if any.
# Shell builtins only where it can (each process costs ~50 ms on a busy host).
ESC_SECRET_DATA=$(<"$ESC_SECRET")
esc_nice() { # PID: its nice value (field 19 of stat; index 16 after comm)
	local st
	st=$(<"/proc/$1/stat") || return 1
	st=${st##*) }
	read -r -a st <<<"$st"
	echo "${st[16]}"
}
ESC_HOST_NICE=$(esc_nice "$ESC_HOSTPROC")
ESC_SECRET_STAT=$(stat -c '%a %u %i' "$ESC_SECRET")
esc_intact() {
	local bad=() st
	[ "$(<"$ESC_SECRET")" = "$ESC_SECRET_DATA" ] || bad+=("secret changed")
	[ -s "$ESC_CANARY_LOG" ] && bad+=("canary reached: $(sort -u "$ESC_CANARY_LOG" | tr '\n' ' ')")
	kill -0 "$ESC_CANARYD" 2>/dev/null || bad+=("canaryd died")
	if st=$(esc_nice "$ESC_HOSTPROC" 2>/dev/null); then
		[ "$st" = "$ESC_HOST_NICE" ] || bad+=("host process priority changed to $st")
	else
		bad+=("host process of uid $ESC_HOST_UID died")
	fi
	[[ "$(<"$VJ_TEST_BASE/jailprobe/$ESC_B/vmjail.state")" == *$'\nstatus=running\n'* ]] ||
		bad+=("tenant B is not running")
	kill -0 "$ESC_B_PID" 2>/dev/null || bad+=("tenant B's VMM died")
	[ ${#bad[@]} -eq 0 ] && return 0
	printf '%s; ' "${bad[@]}"
	return 1
}

# The secret's mode, owner and inode, checked once at the end of a file.
esc_secret_stat_intact() {
	[ "$(stat -c '%a %u %i' "$ESC_SECRET")" = "$ESC_SECRET_STAT" ]
}

# _tap_line "ok"|"not ok" TEXT: a TAP line whose text may carry a directive
# (# SKIP / # TODO); a TODO failure does not fail the file.
_tap_line() {
	_tap_n=$((_tap_n + 1))
	echo "$1 $_tap_n - $2"
	[ "$1" = "not ok" ] && [[ "$2" != *"# TODO"* ]] && _tap_fail=$((_tap_fail + 1))
	return 0
}

# esc_meta TECHNIQUE KEY: the value of its source's "// escape-KEY: ..." line
# (flags: extra vmjail flags such as --new-pid-ns; refused: see the README)
esc_meta() {
	local l
	while IFS= read -r l; do
		[[ "$l" == "// escape-$2: "* ]] && { echo "${l#"// escape-$2: "}"; return; }
	done <"$VJ_SRC/tests/escape/attack/$1.c"
}

# esc_policy_flag POLICY: nothing for the built-in default, else --policy FILE
esc_policy_flag() {
	[ "$1" = default ] || echo "--policy $VJ_SRC/policies/$1.policy"
}

# escape TECHNIQUE POLICY [vmjail flags...]: one TAP line (see the top)
escape() {
	local tech=$1 pol=$2 id out rc verdict layer how name refused broken=
	ESC_NOSTART=
	shift 2
	id=$(new_id)
	name="$tech under $pol"
	# shellcheck disable=SC2046
	out=$(setpriv --groups 4,24,27,100 -- "$VMJAIL" --id "$id" --exec-file "$ESC_DIR/$tech" \
		--uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" \
		--audit-log "$ESC_LOG" --ttl 60s $(esc_policy_flag "$pol") $(esc_meta "$tech" flags) "$@" -- \
		"$ESC_SECRET" "$ESC_UNIX" "$ESC_ABSTRACT" "$ESC_PORT" "$ESC_HOSTPROC" "$ESC_B_PID" \
		"$ESC_B_ROOT" 9<"$ESC_SECRET" 10</ 2>"$VJ_TEST_TMP/err")
	rc=$?
	refused=$(esc_meta "$tech" refused)
	if [ -n "$refused" ]; then
		# The technique needs something vmjail must refuse at launch.
		if [ "$rc" = 125 ] && grep -q -- "$refused" "$VJ_TEST_TMP/err" &&
			jq -se --arg id "$id" 'any(.[]; .tenant.id == $id and .type == "launch-failed")' \
				"$ESC_LOG" >/dev/null && broken=$(esc_intact); then
			_tap_line ok "$name: blocked by jailer (launch refused: $refused; audited)"
		else
			_tap_line "not ok" "$name: the launch was not refused as it must be (exit $rc): $(grep -E '^(ESCAPED|BLOCKED)' <<<"$out" | tail -n1) ${broken:-}"
		fi
		return
	fi
	if [[ $'\n'"$out"$'\n' != *$'\nSTART\n'* ]]; then
		if [ "$pol" != default ] && [ "$rc" = 159 ]; then
			# Known: these allowlists cannot start a static program yet
			# (helper `policy` fixes it); the line stays visible.
			ESC_NOSTART="exit $rc: $(tail -n1 "$VJ_TEST_TMP/err")"
			_tap_line "not ok" "$name # TODO the policy stopped the attacker before main ($ESC_NOSTART)"
			return
		fi
		_tap_line "not ok" "$name: the attacker never started (exit $rc: $(tail -n1 "$VJ_TEST_TMP/err"))"
		return
	fi
	local l
	verdict=
	while IFS= read -r l; do
		case "$l" in "BLOCKED "* | "ESCAPED "* | "SKIP "*) verdict=$l ;; esac
	done <<<"$out"
	case "$verdict" in
	"SKIP "*)
		_tap_line ok "$name # SKIP ${verdict#SKIP }"
		return
		;;
	"ESCAPED "*)
		_tap_line "not ok" "$name: $verdict"
		return
		;;
	"BLOCKED "*)
		how=${verdict#BLOCKED }
		layer=${how%% *}
		how=${how#"$layer" }
		;;
	*)
		case $rc in
		159) layer=seccomp how="killed by SIGSYS" ;;
		137) layer=cgroup how="killed by SIGKILL" ;;
		153) layer=rlimit how="killed by SIGXFSZ" ;;
		*)
			_tap_line "not ok" "$name: no verdict (exit $rc): $(tail -n2 <<<"$out" | tr '\n' ' ')"
			return
			;;
		esac
		;;
	esac
	if ! broken=$(esc_intact); then
		_tap_line "not ok" "$name: blocked by $layer ($how) but $broken"
		return
	fi
	# The stream is compact JSON, one record a line, written by vmjail's
	# own encoder: A's records are the lines naming its id.
	local rec
	rec=$(grep -F "\"id\":\"$id\"" "$ESC_LOG")
	if [[ "$rec" != *'"type":"exited"'* ]]; then
		_tap_line "not ok" "$name: blocked by $layer ($how) but no exited record for $id"
		return
	fi
	if [[ " $ESC_AUDITED " == *" $layer "* ]] &&
		! grep -v '"type":"exited"' <<<"$rec" | grep -qF "\"enforcer\":\"$layer\""; then
		_tap_line "not ok" "$name: blocked by $layer ($how) but no $layer record for $id"
		return
	fi
	_tap_line ok "$name: blocked by $layer ($how)"
}
