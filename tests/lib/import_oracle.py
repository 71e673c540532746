#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential oracle for vmjail-policy's importers.

Reads a source filter (Firecracker's seccompiler JSON, a minijail .policy
file or an OCI seccomp profile such as Docker's) with its own, independent reading of that format's meaning, makes
probes for every rule (each condition's boundary values, high bits on
arguments the kernel reads as 32-bit), and asks the imported policy's
compiled program for its verdict (vmjail-policy simulate --batch).  Every
verdict must equal the source's, except:
  - a syscall the importer wrote a "# note: NAME ... dropped|made
    unconditional" for may answer with the default or one of its own refusing
    actions where the source differs (fail closed, and said);
    allowing where the source refuses is never accepted, except execve when
    the note says it was added (the VMM's own start, with exec-once);
  - on an argument the kernel reads as 32-bit, the kernel sees the low 32
    bits only: the verdict must be the source's for that value zero- or
    sign-extended (what a caller passing it would have been judged on).
Prints one line per mismatch and a summary; exit 1 on any mismatch.

An OCI profile is read for a jailed VMM on x86_64 with no capabilities on
this kernel: an entry is kept when its includes hold (arches name amd64 or
x86_64, no caps, minKernel not above the running kernel) and its excludes do
not (arches); every matching entry counts, so where entries with different
actions match one call the profile does not say which wins (libseccomp does
not promise an order): any of their actions is accepted there, and counted.
The importer's "# vmjail floor:" and "# conflict:" notes excuse a refusal
(never an allow) for the syscalls they name.

usage: import_oracle.py firecracker SRC.json THREAD POLICY TOOL ARGWIDTH.c
       import_oracle.py oci SRC.json POLICY TOOL ARGWIDTH.c
       import_oracle.py minijail SRC.policy POLICY TOOL ARGWIDTH.c
                        [--constants C.json] [--include-dir D] [--default A]
"""
import errno
import fcntl
import json
import mmap
import os
import re
import signal
import socket
import subprocess
import sys
import termios

M64 = (1 << 64) - 1
ALLOW, LOG, TRAP, KILL_T, KILL_P = 0x7FFF0000, 0x7FFC0000, 0x00030000, 0, 0x80000000


def errno_ret(n):
    return 0x00050000 | n


ENOSYS = errno_ret(38)  # trace/user-notify with no tracer/listener


AF_MAX = 46  # Linux 5.15 to 6.18: AF_MCTP (45) is the last family


def refusing(r):
    return r not in (ALLOW, LOG)


def arg32_table(path):
    """{syscall: set of 32-bit argument indexes} from policies/lang/argwidth.c."""
    t = {}
    for name, body in re.findall(r'\{"([a-z0-9_]+)",\s*([^}]*)\}', open(path).read()):
        t[name] = {int(i) for i in re.findall(r"A\((\d)\)", body)}
    return t


# ---------------------------------------------------------------- sources
def fc_action(a):
    if isinstance(a, str):
        return {"allow": ALLOW, "trap": TRAP, "kill_thread": KILL_T, "kill_process": KILL_P,
                "kill": KILL_P, "log": LOG}[a]
    if "errno" in a:
        return errno_ret(a["errno"])
    if "trace" in a:
        return ENOSYS
    raise ValueError(a)


def fc_holds(c, v):
    op, val = c["op"], c["val"]
    if isinstance(op, dict):
        return v & op["masked_eq"] == val
    if op == "eq":
        return (v & 0xFFFFFFFF if c["type"] == "dword" else v) == val
    return {"ne": v != val, "lt": v < val, "le": v <= val, "gt": v > val, "ge": v >= val}[op]


def load_firecracker(path, thread):
    d = json.load(open(path))
    names = list(d) if thread == "all" else [thread]
    rules = {}  # syscall -> [ [conds], ...]  (conds: list of (arg, holds(v), boundary values))
    dflt = match = None
    for t in names:
        f = d[t]
        dflt = fc_action(f.get("default_action", f.get("mismatch_action")))
        match = fc_action(f.get("filter_action", f.get("match_action")))
        for ent in f["filter"]:
            conds = []
            for c in ent.get("args") or []:
                conds.append((c["index"], (lambda c: lambda v: fc_holds(c, v))(c),
                              fc_bounds(c)))
            rules.setdefault(ent["syscall"], []).append((conds, match))
    return rules, dflt


def fc_bounds(c):
    op, val = c["op"], c["val"]
    if isinstance(op, dict):
        m = op["masked_eq"]
        return [val, val ^ low(m), val | low(~m & M64), 0, M64]
    return [val - 1, val, val + 1, val | 1 << 32, 0, M64]


def low(x):
    return x & -x if x else 0


PY_CONSTS = {}
for mod in (os, mmap, socket, errno, signal, fcntl, termios):
    for k in dir(mod):
        v = getattr(mod, k)
        if k.isupper() and isinstance(v, int):
            PY_CONSTS.setdefault(k, int(v))


def mj_value(toks, consts):
    """value = term { '|' term }; term = ['~'] ( '(' value ')' | NUMBER | NAME )"""
    v = 0
    while True:
        neg = toks and toks[0] == "~"
        if neg:
            toks.pop(0)
        t = toks.pop(0)
        if t == "(":
            x = mj_value(toks, consts)
            assert toks.pop(0) == ")"
        elif re.fullmatch(r"-?(0[xX][0-9a-fA-F]+|[0-9]+)", t):
            x = int(t, 0) if not re.fullmatch(r"-?0[0-7]+", t) else int(t, 8)
        else:
            x = consts[t] if t in consts else PY_CONSTS[t]
        x &= M64
        v |= (~x & M64) if neg else x
        if not toks or toks[0] != "|":
            return v
        toks.pop(0)


MJ_OPS = {
    "==": lambda v, x: v == x, "!=": lambda v, x: v != x, "<": lambda v, x: v < x,
    "<=": lambda v, x: v <= x, ">": lambda v, x: v > x, ">=": lambda v, x: v >= x,
    "&": lambda v, x: v & x != 0, "in": lambda v, x: v & ~x & M64 == 0,
}


def mj_bounds(op, x):
    if op == "&":
        bits = [1 << b for b in range(64) if x >> b & 1][:8]
        return [0, ~x & M64] + bits
    if op == "in":
        return [x, x | low(~x & M64), 0, M64]
    return [x - 1, x, x + 1, x | 1 << 32, 0, M64]


def mj_action(toks, consts):
    t = toks.pop(0)
    if t in ("1", "allow"):
        return ALLOW
    if t == "return":
        return errno_ret(mj_value(toks, consts))
    return {"kill": KILL_P, "kill-process": KILL_P, "kill-thread": KILL_T, "trap": TRAP,
            "log": LOG, "trace": ENOSYS, "user-notify": ENOSYS}[t]


TOKEN = re.compile(r"\s*(\|\||&&|==|!=|<=|>=|[:;,~(){}|&<>]|[A-Za-z_][A-Za-z0-9_-]*|-?\w+)")


def load_minijail(path, consts, incdir, default):
    rules = {}
    dflt = [None]
    denylist = [False]  # ChromeOS: compiled with --denylist, everything else allowed

    def read(p):
        text = open(p).read().replace("\\\n", " ")
        for line in text.split("\n"):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("@include"):
                read(os.path.join(incdir or os.path.dirname(p), os.path.basename(line.split()[1])))
                continue
            if line.startswith("@frequency"):
                continue
            if line == "@denylist":
                denylist[0] = True
                continue
            if line.startswith("@default"):
                dflt[0] = mj_action(line.split()[1:], consts)
                continue
            toks = TOKEN.findall(line)
            names = []
            if toks[0] == "{":
                while toks.pop(0) != "}":
                    names.append(toks.pop(0))
            else:
                names.append(toks.pop(0))
            assert toks.pop(0) == ":"
            filters = []
            braced = toks[0] == "{"
            if braced:
                toks.pop(0)
            while True:
                if toks[0].startswith("arg"):
                    clauses = [[]]
                    while True:
                        a = int(toks.pop(0)[3:])
                        op = toks.pop(0)
                        x = mj_value(toks, consts)
                        clauses[-1].append((a, (lambda op, x: lambda v: MJ_OPS[op](v, x))(op, x),
                                            mj_bounds(op, x)))
                        if toks and toks[0] == "&&":
                            toks.pop(0)
                        elif toks and toks[0] == "||":
                            toks.pop(0)
                            clauses.append([])
                        else:
                            break
                    act = ALLOW
                    if toks and toks[0] == ";":
                        toks.pop(0)
                        act = mj_action(toks, consts)
                    filters += [(c, act) for c in clauses]
                else:
                    filters.append(([], mj_action(toks, consts)))
                if braced and toks and toks[0] == ",":
                    toks.pop(0)
                    continue
                break
            for n in names:
                rules.setdefault(n, []).extend(filters)

    read(path)
    d = {"kill": KILL_P, "kill-process": KILL_P, "kill-thread": KILL_T, "trap": TRAP}
    if default:
        return rules, d[default]
    if dflt[0] is not None:
        return rules, dflt[0]
    return rules, ALLOW if denylist[0] else KILL_P


OCI_ACT = {"SCMP_ACT_ALLOW": ALLOW, "SCMP_ACT_LOG": LOG, "SCMP_ACT_TRAP": TRAP,
           "SCMP_ACT_KILL": KILL_T, "SCMP_ACT_KILL_THREAD": KILL_T,
           "SCMP_ACT_KILL_PROCESS": KILL_P, "SCMP_ACT_TRACE": ENOSYS, "SCMP_ACT_NOTIFY": ENOSYS}


def oci_action(name, ret, dflt_ret=1):
    if name == "SCMP_ACT_ERRNO":
        return errno_ret(dflt_ret if ret is None else ret)
    return OCI_ACT[name]


def kernel_at_least(want):
    have = [int(x) for x in re.findall(r"\d+", os.uname().release)[:2]]
    need = [int(x) for x in re.findall(r"\d+", want)[:2]]
    return have >= need


def oci_kept(ent):
    inc, exc = ent.get("includes") or {}, ent.get("excludes") or {}
    x86 = {"amd64", "x86_64"}
    if inc.get("arches") and not x86 & set(inc["arches"]):
        return False
    if inc.get("caps"):
        return False  # the jailed VMM holds no capability
    if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]):
        return False
    return not (exc.get("arches") and x86 & set(exc["arches"]))


OCI_OPS = {
    "SCMP_CMP_EQ": lambda v, c: v == c["value"], "SCMP_CMP_NE": lambda v, c: v != c["value"],
    "SCMP_CMP_LT": lambda v, c: v < c["value"], "SCMP_CMP_LE": lambda v, c: v <= c["value"],
    "SCMP_CMP_GT": lambda v, c: v > c["value"], "SCMP_CMP_GE": lambda v, c: v >= c["value"],
    "SCMP_CMP_MASKED_EQ": lambda v, c: v & c["value"] == c.get("valueTwo", 0),
}


def oci_bounds(c):
    x = c["value"]
    if c["op"] == "SCMP_CMP_MASKED_EQ":
        d = c.get("valueTwo", 0)
        return [d, d ^ low(x), d | low(~x & M64), 0, M64]
    # an ordering test on a small value (socket families, personality) is
    # probed at every value below it too, so a rewrite into a list of values
    # is checked value by value, not only at the edges
    inside = list(range(x + 2)) if c["op"] in ("SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT",
                                                "SCMP_CMP_GE") and x <= 256 else []
    return [x - 1, x, x + 1, x | 1 << 32, 0, M64] + inside


def load_oci(path):
    d = json.load(open(path))
    dflt_ret = d.get("defaultErrnoRet")
    dflt = oci_action(d["defaultAction"], dflt_ret)
    rules = {}
    for ent in d.get("syscalls") or []:
        if not oci_kept(ent):
            continue
        act = oci_action(ent["action"], ent.get("errnoRet"))
        conds = [(c["index"], (lambda c: lambda v: OCI_OPS[c["op"]](v, c))(c), oci_bounds(c))
                 for c in ent.get("args") or []]
        for n in ent["names"]:
            rules.setdefault(n, []).append((conds, act))
    return rules, dflt


# ---------------------------------------------------------------- verdicts
def source_verdict(rules, dflt, name, args):
    """First rule (in source order) whose conditions all hold decides."""
    for conds, act in rules.get(name, []):
        if all(h(args[a]) for a, h, _ in conds):
            return act
    return dflt


def oci_verdicts(rules, dflt, name, args):
    """Every matching entry's action (the profile gives no order), else the default."""
    acts = {act for conds, act in rules.get(name, []) if all(h(args[a]) for a, h, _ in conds)}
    return acts or {dflt}


def probes(rules, a32):
    out = []
    for name, rs in rules.items():
        out.append((name, [0] * 6))
        out.append((name, [M64] * 6))
        for conds, _ in rs:
            base = [0] * 6
            for a, h, bounds in conds:
                for b in bounds:
                    if h(b & M64):
                        base[a] = b & M64
                        break
            out.append((name, list(base)))
            for a, _, bounds in conds:
                for b in bounds:
                    p = list(base)
                    p[a] = b & M64
                    out.append((name, p))
                    if a in a32.get(name, ()):
                        q = list(p)
                        q[a] = (p[a] & 0xFFFFFFFF) | 0x5A5A5A5A00000000
                        out.append((name, q))
    for name in ("ptrace", "kexec_load", "bpf", "mount", "execve"):
        if name not in rules:
            out.append((name, [0] * 6))
    return out


def extensions(name, args, a32):
    """The argument vectors a caller could have passed for what the kernel sees."""
    idx = a32.get(name, set())
    if not idx:
        return [args]
    z, s = list(args), list(args)
    for i in idx:
        lo = args[i] & 0xFFFFFFFF
        z[i] = lo
        s[i] = lo | (0xFFFFFFFF00000000 if lo & 0x80000000 else 0)
    return [z, s]


def main():
    kind = sys.argv[1]
    verdicts = lambda n, a: {source_verdict(rules, dflt, n, a)}
    if kind == "firecracker":
        src, thread, pol, tool, aw = sys.argv[2:7]
        rules, dflt = load_firecracker(src, thread)
    elif kind == "oci":
        src, pol, tool, aw = sys.argv[2:6]
        rules, dflt = load_oci(src)
        verdicts = lambda n, a: oci_verdicts(rules, dflt, n, a)
    else:
        src, pol, tool, aw = sys.argv[2:6]
        opt = dict(zip(sys.argv[6::2], sys.argv[7::2]))
        consts = json.load(open(opt["--constants"]))["constants"] if "--constants" in opt else {}
        rules, dflt = load_minijail(src, consts, opt.get("--include-dir"), opt.get("--default"))
    a32 = arg32_table(aw)
    text = open(pol).read()
    # only a note that says a rule was dropped or widened into a refusal
    # excuses a stricter verdict; an exact rewrite ("rewritten as") must match
    noted = set(re.findall(r"^# note: (\S+) .*(?:dropped|made unconditional)", text, re.M))
    # import-oci: its floors (namespace flags, clone3, setns, AF_VSOCK) and
    # the rules its conflict resolution dropped may only refuse
    floors = set(re.findall(r"^# vmjail floor: (\S+)", text, re.M))
    floors |= set(re.findall(r"^# conflict: (\S+) has rules", text, re.M))
    floors |= set(re.findall(r"^# conflict: \S+ (\S+) if ", text, re.M))
    # "arg0 > AF_X" rewritten as the families it admits: a family the kernel
    # does not have (AF_MAX and up, negative) is refused by the filter
    # instead of by socket() itself
    enumerated = set(re.findall(r"^# (\S+) if arg0 [<>]=? AF_\S+: rewritten as the list of the "
                                r"values it admits \(families from AF_MAX up", text, re.M))
    added = set(re.findall(r"^# note: (\S+) \(added\)", text, re.M))
    ps = probes(rules, a32)
    # names x86_64 does not have: the importer dropped them with a note
    unknown = set(re.findall(r"^# note: (\S+) \([^)]*\): \S+: not an x86_64 syscall", text, re.M))
    unknown |= set(re.findall(r"^# skipped: '([^']+)' is not an x86_64 syscall", text, re.M))
    known = [p for p in ps if p[0] not in unknown]
    q = "".join("%s %s\n" % (n, " ".join("0x%x" % v for v in a)) for n, a in known)
    r = subprocess.run([tool, "simulate", "--json", "--batch", pol], input=q,
                       capture_output=True, text=True)
    lines = r.stdout.splitlines()
    if r.returncode not in (0, 1) or len(lines) != len(known):
        print("simulate failed (rc %d): %s" % (r.returncode, r.stderr.strip()[:400]))
        return 1
    bad = fenced = exec_added = floored = ambiguous = no_family = 0
    for (name, args), line in zip(known, lines):
        got = int(json.loads(line)["compiled_ret"], 16)
        want = set()
        for a in extensions(name, args, a32):
            want |= verdicts(name, a)
        if got in want:
            ambiguous += len(want) > 1
            continue
        if name in floors and refusing(got):
            floored += 1
            continue
        if name in enumerated and refusing(got) and args[0] & 0xFFFFFFFF >= AF_MAX:
            no_family += 1
            continue
        if name in added and got == ALLOW:
            exec_added += 1
            continue
        # a noted syscall may answer with the default or with one of its
        # own refusing actions (the one the importer kept), nothing else
        if name in noted and got in {dflt} | {act for _, act in rules.get(name, [])
                                              if refusing(act)}:
            fenced += 1
            continue
        bad += 1
        if bad <= 20:
            print("MISMATCH %s(%s): imported 0x%08x, source %s" % (
                name, ", ".join("0x%x" % v for v in args), got,
                "/".join("0x%08x" % w for w in sorted(want))))
    print("rules %d, probes %d, mismatches %d, refused-with-note %d, execve-added %d, "
          "noted syscalls %s" % (sum(len(v) for v in rules.values()), len(known), bad, fenced,
                                 exec_added, ",".join(sorted(noted)) or "-"))
    if kind == "oci":
        print("vmjail floors/conflicts refused %d (%s), families from AF_MAX up refused %d, "
              "calls where entries disagree %d" % (floored, ",".join(sorted(floors)) or "-",
                                                   no_family, ambiguous))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
