#!/bin/bash
# Build the suite overlay: a second cpio archive that, appended to the test
# guest's initramfs (the kernel unpacks concatenated archives in order),
# lets vj.mode=suite run the project's own test files on the guest kernel.
#
#   mksuite.sh OUT.cpio.gz TESTFILE... [--tool CMD]... [--add HOSTPATH:GUESTPATH]...
#
# TESTFILE: a test under VJ_SRC (tests/x.t) or VJ_BUILD (tests/test_x.t, a C
# test; given as build/tests/test_x.t or $VJ_BUILD/tests/test_x.t).  The
# archive holds, at the paths the tests expect through VJ_SRC=/vj/src and
# VJ_BUILD=/vj/build:
#   /vj/src: tests/lib/*.sh, policies/ (the policy files), the listed tests
#   /vj/build: vmjail, vmjail-policy, vmjaild, tests/helpers/*, listed C tests
#   /bin: bash and the GNU/Debian programs the tests call (they replace
#     busybox's applets of the same name), each with the shared libraries
#     ldd names, at their host paths (so vmjail's own library lookup in the
#     guest finds them where it finds them on the host)
#   /vj/suite/list: the guest paths of the tests, in the order given
# --tool CMD adds one more host program (and its libraries), --add one more
# file or directory (ELF files among them get their libraries too).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${VJ_SRC:=$(cd "$here/../.." && pwd)}"
: "${VJ_BUILD:=$VJ_SRC/build}"
prog=mksuite
die() { echo "$prog: $*" >&2; exit 1; }

# What the shared test files run (tests/lib/*.sh and the core tests): GNU
# coreutils/findutils/grep/sed because the tests rely on their options
# (stat -c %F, find -printf ...), and the system tools the layer tests use.
TOOLS="bash jq awk sed grep find xargs stat sort seq mktemp head tail wc tr cut cat
	readlink realpath id date sleep timeout ls rm mkdir rmdir cp mv ln touch chmod chown
	mknod od basename dirname env printf tee uname comm cmp diff
	ip nsenter setpriv unshare strace bpftool"
# For the LSM tests of issue 12 (AppArmor profiles are compiled in the guest).
OPTIONAL_TOOLS="apparmor_parser"

[ $# -ge 1 ] || die "usage: mksuite.sh OUT.cpio.gz TESTFILE... [--tool CMD]... [--add HOST:GUEST]..."
out=$1
shift
tests=()
tools=$TOOLS
adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--tool) [ $# -ge 2 ] || die "--tool needs a command"; tools="$tools $2"; shift 2 ;;
	--add) [ $# -ge 2 ] || die "--add needs HOST:GUEST"; adds+=("$2"); shift 2 ;;
	-*) die "unknown option $1" ;;
	*) tests+=("$1"); shift ;;
	esac
done
[ ${#tests[@]} -gt 0 ] || die "no test files given"
[ -x "$VJ_BUILD/vmjail" ] || die "$VJ_BUILD/vmjail not built (make all)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/vj-suite.XXXXXX")
trap 'rm -rf -- "$stage"' EXIT
root=$stage/root
mkdir -p "$root/vj/src/tests" "$root/vj/build/tests" "$root/vj/suite" "$root/bin" "$root/root"
elfs=()

# put HOSTPATH GUESTPATH: copy (dereferenced), remember ELF files for ldd
put() {
	mkdir -p "$root$(dirname "$2")"
	cp -rL -- "$1" "$root$2"
	local f
	while IFS= read -r f; do
		[ "$(head -c 4 -- "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && elfs+=("$f")
	done < <(find "$root$2" -type f)
	return 0
}

# Tests and their list.
: >"$root/vj/suite/list"
for t in "${tests[@]}"; do
	case $t in
	"$VJ_BUILD"/*) rel=${t#"$VJ_BUILD"/} base=build src=$t ;;
	build/*) rel=${t#build/} base=build src=$VJ_BUILD/$rel ;;
	"$VJ_SRC"/*) rel=${t#"$VJ_SRC"/} base=src src=$t ;;
	*) rel=$t base=src src=$VJ_SRC/$t ;;
	esac
	[ -f "$src" ] || die "no such test file: $src"
	put "$src" "/vj/$base/$rel"
	echo "/vj/$base/$rel" >>"$root/vj/suite/list"
done
for f in "$VJ_SRC"/tests/lib/*.sh; do put "$f" "/vj/src/tests/lib/${f##*/}"; done
for f in "$VJ_SRC"/policies/*.policy "$VJ_SRC"/policies/*.inc; do
	[ -e "$f" ] && put "$f" "/vj/src/policies/${f##*/}"
done
for b in vmjail vmjail-policy vmjaild; do
	[ -x "$VJ_BUILD/$b" ] && put "$VJ_BUILD/$b" "/vj/build/$b"
done
[ -d "$VJ_BUILD/tests/helpers" ] || die "$VJ_BUILD/tests/helpers missing (make check-quick deps)"
put "$VJ_BUILD/tests/helpers" /vj/build/tests/helpers

# Host programs, as /bin/NAME (the guest's one bin directory).
for c in $tools; do
	p=$(type -P "$c") || die "$c not found on this host (the guest's tests need it)"
	put "$(realpath -- "$p")" "/bin/$c"
done
for c in $OPTIONAL_TOOLS; do
	if p=$(type -P "$c"); then put "$(realpath -- "$p")" "/bin/$c"; fi
done
for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%:*} dst=${a#*:}
	[ "$src" != "$a" ] && [ -n "$dst" ] || die "--add wants HOSTPATH:GUESTPATH, got '$a'"
	case $dst in /*) ;; *) die "guest path must be absolute: $dst" ;; esac
	case /$dst/ in */../*) die "guest path must not contain '..': $dst" ;; esac
	[ -e "$src" ] || die "--add: no such file: $src"
	put "$src" "$dst"
done

# Shared libraries (and the dynamic loader) at the paths ldd resolves them
# to on this host.  The guest has no ld.so.cache; ld.so's built-in paths
# (/lib/x86_64-linux-gnu ...) cover them.
declare -A libs=()
for e in ${elfs[@]+"${elfs[@]}"}; do
	while IFS= read -r l; do
		[ -n "$l" ] && libs[$l]=1
	done < <(ldd "$e" 2>/dev/null | sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
done
for l in "${!libs[@]}"; do
	mkdir -p "$root$(dirname "$l")"
	cp -L -- "$l" "$root$l"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd" 2>/dev/null ||
	{ mkdir -p "$root/etc" && printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"; }

(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -1 >"$stage/suite.cpio.gz"
mkdir -p "$(dirname "$out")"
mv -f "$stage/suite.cpio.gz" "$out"
echo "$prog: $out ($(stat -c %s "$out") bytes, ${#tests[@]} tests, ${#libs[@]} libraries)" >&2
