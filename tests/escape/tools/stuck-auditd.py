#!/usr/bin/python3
# A stuck auditd, for tests: registers as the host's audit daemon (AUDIT_SET
# pid, the unicast channel), shrinks its receive buffer and never reads.
# kauditd then blocks on each unicast send (the kernel's 100 ms send
# timeout, retried) before it multicasts the rest of its queue, so audit
# records wait in the kernel's backlog for most of each second: what a
# slow or stopped auditd does to a host.  Host-wide while it runs, so it
# runs briefly: it prints "stuck" once the backlog is above 0, then holds
# until stdin closes or MAX-SECS pass, and unregisters (AUDIT_SET pid 0).
#   stuck-auditd.py MAX-SECS
# Exit 3 (and prints why) when another audit daemon is registered: never
# take the channel from a real one.
import os, select, signal, socket, struct, sys, time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

AUDIT_GET, AUDIT_SET, AUDIT_USER = 1000, 1001, 1100
NLM_F_REQUEST, NLM_F_ACK = 1, 4
STATUS_PID = 4


def status(s):
    s.send(struct.pack("=IHHII", 16, AUDIT_GET, NLM_F_REQUEST, 1, 0))
    while True:
        d = s.recv(65536)
        if struct.unpack("=IH", d[:6])[1] == AUDIT_GET:
            return struct.unpack("=10I", d[16:56])  # [3] pid, [7] backlog


def set_pid(s, pid):
    st = struct.pack("=11I", STATUS_PID, 0, 0, pid, 0, 0, 0, 0, 0, 0, 0)
    s.send(struct.pack("=IHHII", 16 + len(st), AUDIT_SET, NLM_F_REQUEST | NLM_F_ACK, 2, 0) + st)


ctl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
if status(ctl)[3] != 0:
    print("an audit daemon is registered (pid %d)" % status(ctl)[3], flush=True)
    sys.exit(3)
d = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
d.bind((0, 0))
set_pid(d, os.getpid())
end = time.monotonic() + float(sys.argv[1])
try:
    # fill the receive buffer with records of our own until kauditd is stuck
    for i in range(64):
        if status(ctl)[7] > 0:
            break
        msg = b"vmjail test: stuck auditd %d" % i
        ctl.send(struct.pack("=IHHII", 16 + len(msg), AUDIT_USER, NLM_F_REQUEST, 10 + i, 0) + msg)
    print("stuck", flush=True)
    while time.monotonic() < end:
        r, _, _ = select.select([sys.stdin], [], [], max(0.0, end - time.monotonic()))
        if r and not os.read(sys.stdin.fileno(), 4096):
            break
finally:
    set_pid(ctl, 0)
