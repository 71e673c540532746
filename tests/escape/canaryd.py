#!/usr/bin/python3
# Host canaries for tests/escape: a unix socket at a path, an abstract unix
# socket and a loopback TCP listener, all owned by root on the host.  Any
# connection that reaches one is logged (a jailed attacker must never get
# here); the TCP port goes to PORTFILE once everything listens.
#   canaryd.py UNIX-PATH ABSTRACT-NAME PORTFILE LOG
import os, select, socket, sys

path, abstract, portfile, log = sys.argv[1:5]
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.bind(path)
u.listen(16)
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.bind("\0" + abstract)
a.listen(16)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("127.0.0.1", 0))
t.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % t.getsockname()[1])
os.rename(portfile + ".tmp", portfile)
names = {u: "unix", a: "abstract", t: "tcp"}
while True:
    r, _, _ = select.select(list(names), [], [])
    for s in r:
        c, _ = s.accept()
        with open(log, "a") as f:
            f.write("connection on %s\n" % names[s])
        c.close()
