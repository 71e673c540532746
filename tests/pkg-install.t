#!/bin/bash
# `make install DESTDIR=... PREFIX=/usr` (and /usr/local): binaries, man pages
# (vmjail.8, vmjail-policy.1, vmjaild.8), bash completion, systemd units with
# the paths of that PREFIX, tmpfiles.d.  The units pass `systemd-analyze
# verify` in the DESTDIR (which checks that ExecStart= binaries and the
# Documentation= man pages exist there); the completion scripts offer exactly
# the flags the binaries document; vmjail@.service's command line, filled from
# a conf file, is a launch vmjail accepts.
. "$(dirname "$0")/lib/tap.sh"
require_root
T=$(mktemp -d /tmp/vmjail-pkg.XXXXXX)
trap 'rm -rf "$T"' EXIT

for prefix in /usr /usr/local; do
	d="$T/root${prefix//\//-}"
	make -s -C "$VJ_SRC" install BUILD="$VJ_BUILD" PREFIX="$prefix" DESTDIR="$d" >"$T/make.log" 2>&1
	is "$?" 0 "make install PREFIX=$prefix DESTDIR=..." || diag "$(tail -5 "$T/make.log")"
	for f in sbin/vmjail sbin/vmjaild bin/vmjail-policy share/man/man8/vmjail.8 \
		share/man/man8/vmjaild.8 share/man/man1/vmjail-policy.1 \
		share/bash-completion/completions/vmjail share/bash-completion/completions/vmjail-policy \
		lib/systemd/system/vmjaild.service lib/systemd/system/vmjail@.service \
		lib/tmpfiles.d/vmjail.conf share/vmjail/policies/default.policy; do
		ok "  installs $prefix/$f" test -s "$d$prefix/$f"
	done
	u="$d$prefix/lib/systemd/system"
	is "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$u/vmjaild.service")" "$prefix/sbin/vmjaild" \
		"  vmjaild.service starts $prefix/sbin/vmjaild"
	is "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$u/vmjail@.service")" "$prefix/sbin/vmjail" \
		"  vmjail@.service starts $prefix/sbin/vmjail"
	nok "  no unexpanded @VAR@ left in the units or tmpfiles" \
		grep -q '@[A-Z]*@' "$u/vmjaild.service" "$u/vmjail@.service" "$d$prefix/lib/tmpfiles.d/vmjail.conf"
	is "$(stat -c %a "$u/vmjail@.service")" 644 "  units are 0644"
done

# systemd-analyze verify inside the /usr DESTDIR.  It needs the host's own
# units (sysinit.target ...) and /bin/kill (ExecReload) there; the man pages
# it checks are the installed ones (MANPATH).
root="$T/root-usr"
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze not installed (make deps installs systemd)"
else
	cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
	mkdir -p "$root/bin" && cp /bin/kill "$root/bin/kill"
	out=$(MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" vmjaild.service \
		vmjail@web1.service 2>&1)
	is "$?" 0 "systemd-analyze verify vmjaild.service vmjail@web1.service" || diag "$out"
	is "$out" "" "  with no warning"
	# the check is real: a unit whose binary is missing fails it
	mv "$root/usr/sbin/vmjail" "$T/vmjail.moved"
	MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" vmjail@web1.service >/dev/null 2>&1
	isnt "$?" 0 "  (verify fails when /usr/sbin/vmjail is missing)"
	mv "$T/vmjail.moved" "$root/usr/sbin/vmjail"
fi
if command -v systemd-tmpfiles >/dev/null; then
	systemd-tmpfiles --create --root="$root" "$root/usr/lib/tmpfiles.d/vmjail.conf" 2>"$T/tmpf"
	is "$?" 0 "systemd-tmpfiles --create accepts vmjail.conf" || diag "$(cat "$T/tmpf")"
	is "$(stat -c '%a %U %F' "$root/run/vmjail")" "700 root directory" "  /run/vmjail: 0700 root directory"
	is "$(stat -c '%a' "$root/var/cache/vmjail/seccomp")" 700 "  /var/cache/vmjail/seccomp: 0700"
else
	skip "systemd-tmpfiles not installed (make deps installs systemd)"
fi

# vmjail@.service: ExecStart with %i and the conf file's variables (as systemd
# splits them: on white space) is a launch vmjail accepts; --dry-run proves it.
mkdir -p "$T/base" && chmod 755 "$T/base"
cat >"$T/web1.conf" <<CONF
VMJAIL_ARGS=--exec-file $VJ_BUILD/tests/helpers/jailprobe --uid 20111 --gid 20111 --chroot-base-dir $T/base --ttl none
VMM_ARGS=facts
CONF
exec_line=$(sed -n 's/^ExecStart=//p' "$root/usr/lib/systemd/system/vmjail@.service")
declare -A conf
while IFS='=' read -r k v; do conf[$k]=$v; done <"$T/web1.conf"
argv=()
for w in $exec_line; do
	case $w in
	'$VMJAIL_ARGS') read -r -a more <<<"${conf[VMJAIL_ARGS]}" && argv+=("${more[@]}") ;;
	'$VMM_ARGS') read -r -a more <<<"${conf[VMM_ARGS]}" && argv+=("${more[@]}") ;;
	--) argv+=(--dry-run --) ;;
	*) argv+=("${w//%i/web1}") ;;
	esac
done
argv[0]=$root${argv[0]}
plan=$("${argv[@]}" 2>"$T/err")
is "$?" 0 "vmjail@web1's command line with web1.conf is a valid launch (--dry-run)" || diag "$(cat "$T/err")"
like "$plan" "web1" "  the instance name is the jail id"
grep -q '^EnvironmentFile=/etc/vmjail/%i.conf$' "$root/usr/lib/systemd/system/vmjail@.service"
is "$?" 0 "  it reads /etc/vmjail/%i.conf"

# bash completion: every flag `vmjail --help` documents is offered, and only those
complete_words() { # script command words... -> COMPREPLY, one per line
	local script=$1
	shift
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\).*/\1/"); "$f"; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$script" "$@"
}
C="$root/usr/share/bash-completion/completions"
want=$("$VJ_BUILD/vmjail" --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
got=$(complete_words "$C/vmjail" vmjail '' | sort -u | tr '\n' ' ')
is "$got" "$want" "vmjail completion offers exactly the flags of vmjail --help"
is "$(complete_words "$C/vmjail" vmjail --cgroup-version '' | tr '\n' ' ')" "1 2 " "  --cgroup-version: 1 2"
like "$(complete_words "$C/vmjail" vmjail --resource-limit no | tr '\n' ' ')" "nofile= no-file=" \
	"  --resource-limit: resource names"
like "$(complete_words "$C/vmjail" vmjail --policy "$VJ_SRC/policies/qe")" "qemu.policy" \
	"  --policy: file names"
want=$("$VJ_BUILD/vmjail-policy" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort | tr '\n' ' ')
got=$(complete_words "$C/vmjail-policy" vmjail-policy '' | grep -v '^--' | sort | tr '\n' ' ')
is "$got" "$want" "vmjail-policy completion offers exactly its commands"
for cmd in $want; do
	w=$("$VJ_BUILD/vmjail-policy" "$cmd" --help 2>&1 | grep -E '^(usage:| +-)' | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
	g=$(complete_words "$C/vmjail-policy" vmjail-policy "$cmd" - | grep -- '^--' | sort -u | tr '\n' ' ')
	[ -z "$w" ] && w="--help " # commands with no flag of their own still take --help
	[[ $w == *--help* ]] || w=$(tr ' ' '\n' <<<"$w --help" | grep . | sort -u | tr '\n' ' ')
	is "$g" "$w" "  vmjail-policy $cmd: flags of its --help"
done

# the man pages render without warnings
for m in man8/vmjail.8 man8/vmjaild.8 man1/vmjail-policy.1; do
	w=$(MANWIDTH=80 man --warnings -l "$root/usr/share/man/$m" 2>&1 >/dev/null)
	is "$w" "" "man $m renders without warnings"
done
like "$(MANWIDTH=200 man -l "$root/usr/share/man/man8/vmjaild.8" 2>/dev/null)" "--enable-audit" \
	"vmjaild(8) documents its flags"
for f in $("$VJ_BUILD/vmjaild" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "${f//-/\\\\-}" "$VJ_SRC/docs/vmjaild.8" || grep -q -- "$f" "$VJ_SRC/docs/vmjaild.8"
	is "$?" 0 "  vmjaild(8) has $f"
done
done_testing
