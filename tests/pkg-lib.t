#!/bin/bash
# libvmjail: `make install` puts libvmjail.a, libvmjail.so.0, vmjail.h and
# vmjail.pc in the DESTDIR; lib/example.c built with
# `pkg-config --cflags --libs vmjail` (shared) and against libvmjail.a
# (static) launches a real jail through the library; the shared library
# exports the API only; the vmjail binary is main() over the same library.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/jail.sh"
command -v pkg-config >/dev/null || bail "pkg-config is required (make deps)"
root="$VJ_TEST_TMP/root"
make -s -C "$VJ_SRC" install BUILD="$VJ_BUILD" PREFIX=/usr DESTDIR="$root" >"$VJ_TEST_TMP/make.log" 2>&1
is "$?" 0 "make install PREFIX=/usr DESTDIR=..." || diag "$(tail -5 "$VJ_TEST_TMP/make.log")"
for f in usr/lib/libvmjail.a usr/lib/libvmjail.so.0 usr/lib/libvmjail.so usr/include/vmjail.h \
	usr/lib/pkgconfig/vmjail.pc; do
	ok "  installs /$f" test -e "$root/$f"
done
export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
is "$(pkg-config --modversion vmjail)" "$(cat "$VJ_SRC/VERSION")" "pkg-config --modversion vmjail"
is "$(pkg-config --cflags --libs vmjail | xargs)" "-I$root/usr/include -L$root/usr/lib -lvmjail" \
	"pkg-config --cflags --libs vmjail"
is "$(nm -D --defined-only "$root/usr/lib/libvmjail.so.0" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort | tr '\n' ' ')" \
	"vmjail_kill vmjail_launch vmjail_main vmjail_pause vmjail_resume vmjail_suspend vmjail_version " \
	"the shared library exports the API and nothing else"
is "$(objdump -p "$root/usr/lib/libvmjail.so.0" | awk '/SONAME/ { print $2 }')" libvmjail.so.0 "  soname libvmjail.so.0"

# a sanitizer build (make SANITIZE=1) of the library needs its program built so too
SAN=
nm "$root/usr/lib/libvmjail.a" 2>/dev/null | grep -q ' U __asan_init' && SAN="-fsanitize=address,undefined"

# shared
demo="$VJ_TEST_TMP/demo"
# shellcheck disable=SC2046
cc $SAN -Wall -Werror -o "$demo" "$VJ_SRC/lib/example.c" $(pkg-config --cflags --libs vmjail) 2>"$VJ_TEST_TMP/cc.err"
is "$?" 0 "lib/example.c builds with pkg-config --cflags --libs vmjail" || diag "$(cat "$VJ_TEST_TMP/cc.err")"
is "$(LD_LIBRARY_PATH="$root/usr/lib" ldd "$demo" | awk '/libvmjail/ { print $3 }')" "$root/usr/lib/libvmjail.so.0" \
	"  it is linked against the installed libvmjail.so.0"
id=$(new_id)
out=$(LD_LIBRARY_PATH="$root/usr/lib" "$demo" "$id" "$PROBE" "$VJ_TEST_UID" "$VJ_TEST_BASE" facts 2>"$VJ_TEST_TMP/demo.err")
is "$?" 0 "it launches a jail through the library; the VMM's exit status comes back (0)" ||
	diag "$(cat "$VJ_TEST_TMP/demo.err")"
like "$(fact uid <<<"$out")" "^$VJ_TEST_UID( |$)" "  the VMM ran as the tenant (uid $VJ_TEST_UID)"
like "$(cat "$VJ_TEST_TMP/demo.err")" "libvmjail $(cat "$VJ_SRC/VERSION") \\(API 1\\)" "  vmjail_version()"
ok "  and the jail is cleaned" test ! -e "$VJ_TEST_BASE/jailprobe/$id"
LD_LIBRARY_PATH="$root/usr/lib" "$demo" 'bad/id' "$PROBE" "$VJ_TEST_UID" "$VJ_TEST_BASE" 2>/dev/null
is "$?" 64 "  a bad id: 64, as the command"
id=$(new_id)
LD_LIBRARY_PATH="$root/usr/lib" "$demo" "$id" "$PROBE" "$VJ_TEST_UID" "$VJ_TEST_BASE" syscall 101 >/dev/null 2>&1
is "$?" 159 "  the policy holds: ptrace() is killed by SIGSYS (128+31)"

# static
sdemo="$VJ_TEST_TMP/sdemo"
# shellcheck disable=SC2046
cc $SAN -Wall -Werror -o "$sdemo" "$VJ_SRC/lib/example.c" -I"$root/usr/include" "$root/usr/lib/libvmjail.a" \
	$(pkg-config --libs-only-l --static vmjail | sed 's/-lvmjail//') 2>"$VJ_TEST_TMP/cc2.err"
is "$?" 0 "lib/example.c links against libvmjail.a (pkg-config --static for its dependencies)" ||
	diag "$(cat "$VJ_TEST_TMP/cc2.err")"
nok "  no libvmjail.so needed" bash -c "ldd '$sdemo' | grep -q libvmjail"
id=$(new_id)
out=$("$sdemo" "$id" "$PROBE" "$VJ_TEST_UID" "$VJ_TEST_BASE" facts 2>/dev/null)
is "$?" 0 "  it launches a jail too"
like "$(fact uid <<<"$out")" "^$VJ_TEST_UID( |$)" "  as the tenant"

# the command is the library's client
is "$(nm "$VJ_BUILD/vmjail" | awk '$3 == "main" || $3 == "vmjail_main" { print $2, $3 }' | sort | tr '\n' ' ')" \
	"T main T vmjail_main " "vmjail: main() and vmjail_main() (lib/vmjail_cli.c over libvmjail.a)"
done_testing
