#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mkbad.py: damaged copies of a state file for tests/state/refuse.sh, made
from the format of doc/STATE.md (32-byte header: magic, u32le version,
u32le flags, u64le plain body length, u64le deflated body length; the
deflated body; SHA-256 of header and body) with Python's zlib and hashlib.

  mkbad.py info IN               prints: size, body start, body end
  mkbad.py flip IN OUT OFFSET    byte OFFSET xor 0x20, nothing recomputed
  mkbad.py cut IN OUT LEN        the first LEN bytes
  mkbad.py trail IN OUT          the file plus 7 bytes of garbage
  mkbad.py version IN OUT V      version field V, SHA-256 recomputed
  mkbad.py body IN OUT KIND [S]  the plain body changed as KIND says, then
                                 deflated again with a header and SHA-256
                                 that match it, so only parsing can refuse:
      inputs+1000   the count of inputs 1000 larger than the rows that follow
      ports+9       the count of admin ports 9 larger than the ports given
      creator-long  the creator string's length beyond its limit
      window0       a window of 0 s
      half          the plain body cut in half
      short1        the plain body without its last byte
      extra         3 bytes appended to the plain body
      random        S (a seed) random bytes changed (may still be valid)
  mkbad.py plain IN OUT          the inflated body alone (fuzzing seeds)
  mkbad.py v1 IN OUT             a version-2 state written as version 1
                                 (its interval lists with absolute start
                                 and end), SHA-256 recomputed
"""

import hashlib
import random
import struct
import sys
import zlib

MAGIC = b"\x89FRSTATE"


def parse(data):
    assert data[:8] == MAGIC, "not a state file"
    version, flags, raw_len, z_len = struct.unpack("<IIQQ", data[8:32])
    body = data[32:32 + z_len]
    assert len(data) == 32 + z_len + 32
    assert hashlib.sha256(data[:32 + z_len]).digest() == data[32 + z_len:]
    plain = zlib.decompress(body)
    assert len(plain) == raw_len
    return version, flags, plain


def build(version, flags, plain):
    z = zlib.compress(plain, 6)
    head = MAGIC + struct.pack("<IIQQ", version, flags, len(plain), len(z))
    return head + z + hashlib.sha256(head + z).digest()


def varint(b, i):
    """(value, next index) of the LEB128 varint at b[i]."""
    v = s = 0
    while True:
        c = b[i]
        v |= (c & 0x7F) << s
        i += 1
        s += 7
        if not c & 0x80:
            return v, i


def enc(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def head_fields(p):
    """Offsets (start, end) of the head's fields used here."""
    off = {}
    n, i = varint(p, 0)
    off["creator_len"] = (0, i)
    i += n
    off["window"] = (i, varint(p, i)[1])
    i = off["window"][1]
    for _ in range(8):  # since flag, since, until flag, until, prorate, time flag, min, max
        i = varint(p, i)[1]
    np_, j = varint(p, i)
    off["ports"] = (i, j)
    i = j
    for _ in range(np_):
        i = varint(p, i)[1]
    nc, i = varint(p, i)
    for _ in range(nc):
        i = varint(p, i)[1] + 16
        i = varint(p, i)[1]
    i = varint(p, i)[1]  # exact flag
    i = varint(p, i)[1]  # reserved
    off["inputs"] = (i, varint(p, i)[1])
    return off


def unzig(v):
    return (v >> 1) ^ -(v & 1)


def zig(v):
    return 2 * v if v >= 0 else -2 * v - 1


def skip(p, i, *kinds):
    """The index after fields of the given kinds ("u", "str", "opt", a
    byte count) from p[i]."""
    for k in kinds:
        if k == "u":
            i = varint(p, i)[1]
        elif k == "str":
            n, i = varint(p, i)
            i += n
        elif k == "opt":
            f, i = varint(p, i)
            if f:
                i = skip(p, i, "str")
        else:
            i += k
    return i


def to_v1(p):
    """The plain body p (version 2) with its interval lists re-encoded as
    version 1: u count, then per interval s start, s end, u records (in
    version 2: s first start, then u distance from the end before, u
    length, u records)."""
    i = head_fields(p)["inputs"][0]
    n_in, i = varint(p, i)
    for _ in range(n_in):
        i = skip(p, i, "str", "opt", "u", "u", 32, "u", "u", "opt", "u", "u", "u", "u", "u",
                 "u", "u", "u", "u", "u", "u")
        n_ex, i = varint(p, i)
        for _ in range(n_ex):
            i = skip(p, i, "u", "str")
        n_re, i = varint(p, i)
        for _ in range(n_re):
            i = skip(p, i, "str", "u")
        i = skip(p, i, "u", "opt")
    n_unk, i = varint(p, i)
    for _ in range(n_unk):
        i = skip(p, i, "str")
    i = skip(p, i, "u", "u", "u")  # records seen, earliest, latest
    n_w, i = varint(p, i)
    for _ in range(n_w):
        i = skip(p, i, *["u"] * 11)
    n_if, i = varint(p, i)
    out = bytearray(p[:i])
    for _ in range(n_if):
        j = skip(p, i, "str", "opt", *["u"] * 10)
        out += p[i:j]
        i = j
        for _ in range(3):
            n, i = varint(p, i)
            out += enc(n)
            end = 0
            for k in range(n):
                if k:
                    gap, i = varint(p, i)
                    start = end + gap
                else:
                    z, i = varint(p, i)
                    start = unzig(z)
                length, i = varint(p, i)
                rec, i = varint(p, i)
                end = start + length
                out += enc(zig(start)) + enc(zig(end)) + enc(rec)
    return bytes(out + p[i:])


def replace_varint(p, span, f):
    a, b = span
    v, _ = varint(p, a)
    return p[:a] + enc(f(v)) + p[b:]


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    data = open(a[1], "rb").read()
    if cmd == "info":
        z_len = struct.unpack("<Q", data[24:32])[0]
        print(len(data), 32, 32 + z_len)
        return
    out = a[2]
    if cmd == "flip":
        b = bytearray(data)
        b[int(a[3])] ^= 0x20
        res = bytes(b)
    elif cmd == "cut":
        res = data[:int(a[3])]
    elif cmd == "trail":
        res = data + b"garbage"
    elif cmd == "version":
        _, flags, plain = parse(data)
        res = build(int(a[3]), flags, plain)
        assert res[8:12] == struct.pack("<I", int(a[3]))
    elif cmd == "v1":
        version, flags, plain = parse(data)
        assert version == 2, "not a version-2 state"
        res = build(1, flags, to_v1(plain))
    elif cmd == "plain":
        res = parse(data)[2]
    elif cmd == "body":
        version, flags, p = parse(data)
        kind = a[3]
        off = head_fields(p)
        if kind == "inputs+1000":
            p = replace_varint(p, off["inputs"], lambda v: v + 1000)
        elif kind == "ports+9":
            p = replace_varint(p, off["ports"], lambda v: v + 9)
        elif kind == "creator-long":
            p = replace_varint(p, off["creator_len"], lambda v: 1 << 30)
        elif kind == "window0":
            p = replace_varint(p, off["window"], lambda v: 0)
        elif kind == "half":
            p = p[:len(p) // 2]
        elif kind == "short1":
            p = p[:-1]
        elif kind == "extra":
            p = p + b"\x01\x02\x03"
        elif kind == "random":
            rng = random.Random(int(a[4]))
            b = bytearray(p)
            for _ in range(rng.randrange(1, 5)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            p = bytes(b)
        else:
            sys.exit("unknown body change " + kind)
        res = build(version, flags, p)
    else:
        sys.exit(__doc__)
    open(out, "wb").write(res)


if __name__ == "__main__":
    main()
