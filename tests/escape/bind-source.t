#!/bin/bash
# --bind sources (issue 10, finding 2): resolved with no symlink followed at
# any component, owned by the tenant (or by root in root's own tree), and
# bound from the fd that was checked.  The old code realpath()ed the source
# and open_tree()d the path again as root: a source pointing at / gave the
# tenant the host's root, and a tenant swapping its own dir with a symlink
# (renameat2 RENAME_EXCHANGE) won the race against a later launch.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"

T=$VJ_TEST_TMP
LOG=$T/audit.log
# The attacker: prints the first line of each file named, inside the jail.
cat >"$T/cat.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	puts("START");
	for (int i = 1; i < argc; i++) {
		char buf[128] = "";
		int fd = open(argv[i], O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (n > 0) {
			buf[strcspn(buf, "\n")] = 0;
			printf("%s: %s\n", argv[i], buf);
			if (strncmp(buf, "root:", 5) == 0)
				printf("ESCAPED read the host's passwd through %s\n", argv[i]);
		} else {
			printf("%s: %m\n", argv[i]);
		}
	}
	return 0;
}
C
cc -O2 -static -o "$T/cat" "$T/cat.c" || bail "cannot build the attacker"

# The tenant's own dir, as an operator would hand it over.
TD=$T/tenant
chmod 0711 "$T" # the tenant reaches its own dir (the racer runs as the tenant)
mkdir -p "$TD/d"
echo tenant-data >"$TD/d/passwd"
chown -R "$VJ_TEST_UID:$VJ_TEST_GID" "$TD"

launch() { # BIND-SPEC FILES...: run the attacker with one --bind
	local b=$1
	shift
	"$VMJAIL" --id "$(new_id)" --exec-file "$T/cat" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --audit-log "$LOG" --bind "$b" -- "$@" 2>"$T/err"
}

out=$(launch "$TD/d/passwd:/f" /f)
is "$?" 0 "baseline: the tenant's own file is bound"
like "$out" "/f: tenant-data" "  and reads as the tenant's data inside"
out=$(launch "$TD/d:/d" /d/passwd)
like "$out" "/d/passwd: tenant-data" "  its own dir too"

# A source that is a symlink to the host's root.
ln -s / "$TD/root-link"
out=$(launch "$TD/root-link:/host" /host/etc/passwd)
rc=$?
unlike "$out" ESCAPED "a source that is a symlink to /: the host's root is not bound"
is "$rc" 125 "  the launch is refused"
like "$(cat "$T/err")" "symlink" "  and says why"
id=$(sed -n 's/^vmjail: \([^:]*\): .*/\1/p' "$T/err" | head -n1)
like "$(jq -c --arg id "$id" 'select(.tenant.id == $id and .type == "launch-failed") | .lifecycle' "$LOG")" \
	"symlink" "  the refusal is audited with the tenant's id"

# A symlink at a middle component.
ln -s /etc "$TD/etc-link"
out=$(launch "$TD/etc-link/passwd:/p" /p)
rc=$?
unlike "$out" ESCAPED "a symlink at a middle component (-> /etc): not followed"
is "$rc" 125 "  the launch is refused"

# A root-owned host file in the tenant's dir (a planted hard link where the
# sysctl allows one, or a file the tenant swapped in).
cp /etc/passwd "$TD/planted"
out=$(launch "$TD/planted:/p" /p)
rc=$?
unlike "$out" ESCAPED "a root-owned file in a tenant-writable dir is not bound"
is "$rc" 125 "  the launch is refused"
like "$(cat "$T/err")" "not owned by the tenant" "  and says why"
# Another tenant's file.
echo other >"$TD/other"
chown $((VJ_TEST_UID + 7)) "$TD/other"
out=$(launch "$TD/other:/o" /o)
is "$?" 125 "a file another uid owns is refused"

# The race: the tenant swaps its dir d with a symlink to /etc, over and over,
# with renameat2(RENAME_EXCHANGE), while launches bind d/passwd.
ln -s /etc "$TD/swap"
touch "$TD/racing"
chown -h "$VJ_TEST_UID:$VJ_TEST_GID" "$TD/swap"
setpriv --reuid "$VJ_TEST_UID" --regid "$VJ_TEST_GID" --clear-groups /usr/bin/python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.path.join(sys.argv[1], n).encode() for n in ("d", "swap"))
end = time.time() + 30
n = 0
while time.time() < end and os.path.exists(sys.argv[2]):
    n += libc.renameat2(-100, a, -100, b, 2) == 0   # AT_FDCWD, RENAME_EXCHANGE
open(sys.argv[3], "w").write("%d\n" % n)
' "$TD" "$TD/racing" "$TD/swaps" &
racer=$!
esc=0 refused=0 bound=0
for i in $(seq 1 20); do
	out=$(launch "$TD/d/passwd:/f" /f)
	rc=$?
	grep -q ESCAPED <<<"$out" && esc=$((esc + 1))
	[ "$rc" = 125 ] && refused=$((refused + 1))
	grep -q "/f: tenant-data" <<<"$out" && bound=$((bound + 1))
done
rm -f "$TD/racing"
wait "$racer"
swaps=$(cat "$TD/swaps" 2>/dev/null || echo 0)
ok "the racer swapped the dir with the symlink $swaps times" [ "$swaps" -gt 0 ]
is "$esc" 0 "RENAME_EXCHANGE race, 20 launches: the host file was never bound ($bound bound the tenant's file, $refused refused)"
is $((bound + refused)) 20 "  every launch either bound the tenant's own file or was refused"
done_testing
