#!/bin/bash
# The strict JSON parser behind import-oci (and learn): hostile and
# non-conforming documents are refused with a located error, valid edge
# cases are accepted.
. "$(dirname "$0")/lib/tap.sh"
require_root
TOOL="$VJ_BUILD/vmjail-policy"
[ -x "$TOOL" ] || bail "$TOOL not built (make)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# bad NAME LINE:COL REGEX  (document on stdin)
bad() {
	local out rc
	cat >"$T/$1.json"
	out=$("$TOOL" import-oci "$T/$1.json" 2>&1 >/dev/null); rc=$?
	is "$rc" 1 "$1: refused"
	like "$out" "$1.json:$2: error: $3" "$1: error at $2"
}
pre='{"defaultAction": "SCMP_ACT_ALLOW", "x": '
bad trailing-comma 1:50 "expected a string key" <<<"$pre"'{"a": 1,}}'
bad comment 1:1 "unexpected character" <<<'// c
{}'
bad leading-zero 1:43 "trailing data|expected ','" <<<"$pre"'012}'
bad bad-escape 1:44 "bad escape" <<<"$pre"'"\q"}'
bad lone-low-surrogate 1:49 "lone low surrogate" <<<"$pre"'"\udc00"}'
bad lone-high-surrogate 1:49 "lone high surrogate" <<<"$pre"'"\ud800x"}'
bad nul-escape 1:49 "NUL in string" <<<"$pre"'"\u0000"}'
bad invalid-utf8 1:43 "invalid UTF-8" < <(printf '%s"\377"}' "$pre")
bad overlong-utf8 1:43 "invalid UTF-8" < <(printf '%s"\300\200"}' "$pre")
bad utf8-surrogate 1:43 "invalid UTF-8" < <(printf '%s"\355\240\200"}' "$pre")
bad control-in-string 1:44 "control character" < <(printf '%s"a\tb"}' "$pre")
bad unterminated 1:42 "unterminated string" <<<"$pre"'"abc'
bad duplicate-key 1:37 "duplicate key" <<<'{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "x"}'
bad trailing-garbage 2:1 "trailing data" <<<'{}
x'
bad nan 1:42 "unexpected character" <<<"$pre"'NaN}'
bad bad-fraction 1:44 "bad fraction" <<<"$pre"'1.}'
bad bad-exponent 1:44 "bad exponent" <<<"$pre"'1e}'
bad truncated 1:42 "unexpected end of input" < <(printf '%s' "$pre")
python3 -c 'print("[" * 100000 + "]" * 100000)' 2>/dev/null >"$T/deep.json" ||
	perl -e 'print "[" x 100000, "]" x 100000' >"$T/deep.json"
out=$("$TOOL" import-oci "$T/deep.json" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "deep nesting: refused"
like "$out" "nested too deeply" "deep nesting: bounded recursion"

# Valid edge cases: escapes, surrogate pairs, exponents, nulls, BOM-free UTF-8.
cat >"$T/ok.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "comment": "\u00e9\ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t",
 "n": [-0, 1e5, 2.5E-3, -1.0e+2], "z": null, "t": true, "f": false, "syscalls": null}
EOF
out=$("$TOOL" import-oci "$T/ok.json"); rc=$?
is "$rc" 0 "valid edge cases accepted"
like "$out" $'\nseccomp default allow' "valid document imported"
done_testing
