#!/usr/bin/python3
# elf-second-interp.py IN OUT PATH...: copy an x86_64 ELF and turn its PT_NOTE
# program headers, in order, into PT_INTERP headers naming each PATH (the
# strings are appended to the file); existing PT_INTERPs stay first.  The
# kernel loads the first PT_INTERP only, so a reader that takes the last one
# sees the last PATH.  For a static-pie IN, a first PATH naming the file
# itself (its path in the jail) makes the kernel load it as its own
# interpreter, so it runs with no loader at all.
import struct, sys

src, dst, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
b = bytearray(open(src, "rb").read())
assert b[:4] == b"\x7fELF" and b[4] == 2, "not a 64-bit ELF"
phoff, = struct.unpack_from("<Q", b, 0x20)
phentsize, phnum = struct.unpack_from("<HH", b, 0x36)
PT_INTERP, PT_NOTE = 3, 4
types = [struct.unpack_from("<I", b, phoff + i * phentsize)[0] for i in range(phnum)]
last = max([i for i, t in enumerate(types) if t == PT_INTERP], default=-1)
notes = [i for i, t in enumerate(types) if t == PT_NOTE and i > last]
if len(notes) < len(paths):
    sys.exit("not enough PT_NOTE headers after the PT_INTERP to reuse")
for i, path in zip(notes, paths):
    s = path.encode() + b"\0"
    off = len(b)
    b += s
    # p_type p_flags p_offset p_vaddr p_paddr p_filesz p_memsz p_align
    struct.pack_into("<IIQQQQQQ", b, phoff + i * phentsize, PT_INTERP, 4, off, 0, 0, len(s), len(s), 1)
open(dst, "wb").write(b)
