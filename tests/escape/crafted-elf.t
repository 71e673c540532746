#!/bin/bash
# Crafted exec files (issue 10, findings 1 and 11): the ELF closure reads what
# the kernel reads and opens nothing that can block or has side effects.
#  - two PT_INTERP headers, the second naming a host file or a root-owned host
#    unix socket: the old closure bound the last one into the jail, where the
#    attacker read or connected to it;
#  - DT_NEEDED + RUNPATH naming a FIFO: root open()ed it while planning, even
#    with --dry-run, and hung; a library root does not own is refused too.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/jail.sh"

T=$VJ_TEST_TMP
LOG=$T/audit.log
# The attacker: a dynamically linked program that reports whether the host
# file or socket became reachable inside its jail.
cat >"$T/reach.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	puts("START");
	if (argc > 2 && strcmp(argv[1], "connect") == 0) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[2]);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
			printf("ESCAPED connected to the host socket %s\n", argv[2]);
		else
			printf("BLOCKED mount-ns connect %s: %m\n", argv[2]);
		return 0;
	}
	char buf[64] = "";
	int fd = open(argv[1], O_RDONLY);
	if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0)
		printf("ESCAPED read the host's %s: %.20s\n", argv[1], buf);
	else
		printf("BLOCKED mount-ns open %s: %m\n", argv[1]);
	return 0;
}
C
# static-pie: it needs no loader, so a crafted first PT_INTERP can name the
# exec file itself (the kernel then loads it as its own interpreter).
cc -O2 -static-pie -o "$T/reach" "$T/reach.c" || bail "cannot build the attacker"
out=$(jail "$(new_id)" --exec-file "$T/reach" -- /etc/passwd 2>/dev/null)
like "$out" "BLOCKED mount-ns open /etc/passwd" "baseline: the plain attacker runs and cannot read /etc/passwd"

run_reach() { # EXEC ARGS...: launch EXEC as the tenant, output and exit status
	local exe=$1
	shift
	"$VMJAIL" --id "$(new_id)" --exec-file "$exe" --uid "$VJ_TEST_UID" --gid "$VJ_TEST_GID" \
		--chroot-base-dir "$VJ_TEST_BASE" --audit-log "$LOG" -- "$@" 2>"$T/err"
}
craft() { # OUT PATH...: the attacker with PT_INTERPs naming PATH...
	python3 "$VJ_SRC/tests/escape/tools/elf-second-interp.py" "$T/reach" "$@" && chmod 0755 "$1" ||
		bail "cannot craft $1"
}

# --- finding 1: a second PT_INTERP naming a host file ----------------------
craft "$T/host-run" "$T/host-run" /etc/passwd
out=$("$T/host-run" /dev/null)
like "$out" "^START" "a file with two PT_INTERP runs on the host (the kernel takes the first)"
craft "$T/interp2" /interp2 /etc/passwd
out=$(run_reach "$T/interp2" /etc/passwd)
rc=$?
unlike "$out" ESCAPED "two PT_INTERP (second /etc/passwd): the host file is not bound into the jail"
is "$rc" 125 "  the launch is refused"
like "$(cat "$T/err")" "more than one PT_INTERP" "  and says why"
out=$("$VMJAIL" --dry-run --id "$(new_id)" --exec-file "$T/interp2" --uid "$VJ_TEST_UID" \
	--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" 2>&1)
is "$?" 125 "  --dry-run refuses it too"

# --- finding 1: a second PT_INTERP naming a root-owned host unix socket ------
sock=$T/host.sock
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(60)' "$sock" &
lsn=$!
wait_for test -S "$sock"
craft "$T/interp-sock" /interp-sock "$sock"
out=$(run_reach "$T/interp-sock" connect "$sock")
rc=$?
kill "$lsn" 2>/dev/null
unlike "$out" ESCAPED "two PT_INTERP (second a root-owned unix socket): not reachable from the jail"
is "$rc" 125 "  the launch is refused"

# --- finding 1: the first (real) PT_INTERP must be a root-owned ELF ---------
# A copy of the loader owned by the tenant, named by the exec file.
mkdir -p "$T/ld"
cp /lib64/ld-linux-x86-64.so.2 "$T/ld/ld.so"
chown "$VJ_TEST_UID" "$T/ld/ld.so"
cc -O2 -Wl,--dynamic-linker="$T/ld/ld.so" -o "$T/own-ld" "$T/reach.c" || bail "cannot build"
out=$(run_reach "$T/own-ld" /etc/passwd)
is "$?" 125 "a loader the tenant owns is refused"
like "$(cat "$T/err")" "refused" "  with the reason"

# --- finding 11: DT_NEEDED + RUNPATH naming a FIFO ---------------------------
mkdir -p "$T/lib" "$T/rp"
echo 'int vjx(void) { return 0; }' >"$T/x.c"
cc -shared -fPIC -o "$T/lib/libvjx.so" "$T/x.c"
printf '#include <stdio.h>\nint vjx(void);\nint main(void) { puts("START"); return vjx(); }\n' >"$T/m.c"
cc -o "$T/needs-fifo" "$T/m.c" -L"$T/lib" -lvjx -Wl,-rpath,"$T/rp" -Wl,--enable-new-dtags
mkfifo "$T/rp/libvjx.so"
# No writer: an open for reading would block vmjail for good.
timeout -s KILL 5 "$VMJAIL" --dry-run --id "$(new_id)" --exec-file "$T/needs-fifo" --uid "$VJ_TEST_UID" \
	--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>&1
is "$?" 125 "RUNPATH/DT_NEEDED naming a FIFO, no writer: --dry-run refuses it at once (137: it hung and was killed)"
# A writer on the FIFO finishes only if someone opens it for reading.
(timeout 8 sh -c "echo x >'$T/rp/libvjx.so'"; echo "$?" >"$T/writer.rc") &
start=$(date +%s%N)
timeout -s KILL 10 "$VMJAIL" --dry-run --id "$(new_id)" --exec-file "$T/needs-fifo" --uid "$VJ_TEST_UID" \
	--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" >/dev/null 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 125 "RUNPATH/DT_NEEDED naming a FIFO with a writer: --dry-run refuses it ($ms ms)"
like "$(cat "$T/err")" "not a regular file|refused" "  and says why"
wait_for test -s "$T/writer.rc"
is "$(cat "$T/writer.rc")" 124 "  the FIFO was never opened (its writer still waited)"
out=$(timeout -s KILL 10 "$VMJAIL" --id "$(new_id)" --exec-file "$T/needs-fifo" --uid "$VJ_TEST_UID" \
	--gid "$VJ_TEST_GID" --chroot-base-dir "$VJ_TEST_BASE" 2>/dev/null)
is "$?" 125 "  a real launch refuses it too"

# --- finding 11: a library the tenant owns, in a dir the tenant owns --------
rm -f "$T/rp/libvjx.so"
cp "$T/lib/libvjx.so" "$T/rp/libvjx.so"
chown -R "$VJ_TEST_UID" "$T/rp"
out=$(run_reach "$T/needs-fifo")
is "$?" 125 "a RUNPATH library owned by the tenant is refused"
like "$(cat "$T/err")" "refused" "  with the reason"
# ... and a symlink there to a host file root owns is refused as well
rm -f "$T/rp/libvjx.so"
ln -s /etc/shadow "$T/rp/libvjx.so"
out=$(run_reach "$T/needs-fifo")
is "$?" 125 "a RUNPATH library that is a symlink to /etc/shadow in a tenant dir is refused"
done_testing
