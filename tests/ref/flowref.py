#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""flowref.py: independent reference implementation of doc/SEMANTICS.md.

This is a second, deliberately plain implementation of the flowreport
contract.  It is meant to be obviously correct, not fast: every statistic is
computed with dicts, sets and sorted() straight from the wording of
SEMANTICS.md.  The tests compare its CSV files byte for byte with the ones
written by the C program.

Usage:
  flowref.py -o OUTDIR [--since T] [--until T] [--window W] [--top N]
             [--fields "f1 f2 ..."] [--now EPOCH] INPUT...

Writes windows.csv interfaces.csv gaps.csv top_talkers.csv top_rejected.csv
top_ports.csv and totals.json into OUTDIR (created when missing).
Exit status: 0 clean; 1 when any line was malformed or any input was
damaged/unreadable; 2 usage error (bad option, period with more than
1,000,000 windows).

Only the Python 3 standard library is used.

Where SEMANTICS.md leaves room, this implementation decides as follows (the C
program must do the same):
 - Action is looked at only on OK records (log-status OK or absent):
   accept/reject counts, accept/reject bytes and top_rejected ignore the action
   column of NODATA/SKIPDATA records.  A log-status of '-' counts as OK.
 - Line handling order: strip one trailing CR; longer than 1 MiB -> malformed;
   blank -> blank; a '{' line that parses as a JSON object with a string
   "message" -> that message replaces the line; a line starting with the
   CloudWatch prefix 'YYYY-MM-DDTHH:MM:SS[.mmm]Z ' (0 or exactly 3 fraction
   digits, one space, pattern only) -> the rest is a record (never a header;
   a prefix-only line is a 0-token record, malformed); otherwise header
   detection, then record.  The message of a {"message"} line is a record
   (length and blank checks, never a header).  Messages of events/logEvents
   take the line path minus the JSON unwrapping and the CloudWatch prefix:
   CR strip, length, blank, header detection, record.
 - A header token '${name}' becomes 'name' (only when it both starts with '${'
   and ends with '}').  Header detection looks at the first token after that.
 - Numbers: ASCII digits only, leading zeros allowed, range judged on the
   value (time values up to 2^63-1 before the ms division, and at most
   9999-12-31T23:59:59Z after it).
 - A field map naming a field twice: every column is validated, the last one
   is used.  Any name that is resource-type or starts with tgw- or
   packets-lost- (known or not) makes a record TGW.  Malformed beats TGW,
   TGW beats untimed.
 - Grouping uses address values (2001:DB8::1 and 2001:db8:0::1 are one).
   Output: IPv4-mapped (::ffff:0:0/96) prints as ::ffff:a.b.c.d; every other
   IPv6 address prints all-hex (so ::1.2.3.4 prints ::102:304, unlike glibc
   inet_ntop); the first longest run of >= 2 zero groups becomes '::'.
 - Windows cover [floor(S/W)*W, ceil(U/W)*W) where S is --since (else the
   earliest in-period start) and U is --until (else the latest in-period
   start + 1, i.e. the end of its window); empty
   windows are listed; window bounds are the aligned ones (not clipped to
   --since/--until).  With a bound but no record on the open side, there are
   no windows.  --until <= --since is a usage error.
 - Time options: epoch seconds, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z], or a
   duration N[smhdw] (--until: now - N; --since: --until - N, else now - N).
   --window: N[smhdw] or bare seconds, > 0.  --top: N >= 0 (0: headers only).
 - gzip: bytes after the last complete member that are not a gzip member
   are damage (reported, exit 1) but all text decompressed so far is kept,
   an unterminated last line included.  A truncated or corrupt member
   (bad CRC included) keeps only the newline-terminated lines decompressed
   before the error (for a bad CRC: every complete line of the member); the
   cut line is not a record (flowreport counts it as malformed).
 - A whole-file JSON document whose events/logEvents entry is not an object
   with a string message counts that event as malformed.
"""

import ipaddress
import json
import os
import re
import sys
import time
import zlib

# --------------------------------------------------------------------------
# Field registry (FORMATS.md section 2 and 7)

VPC_FIELDS = [
    # v2
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport",
    "dstport", "protocol", "packets", "bytes", "start", "end", "action",
    "log-status",
    # v3
    "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr",
    "pkt-dstaddr",
    # v4
    "region", "az-id", "sublocation-type", "sublocation-id",
    # v5
    "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction",
    "traffic-path",
    # v7
    "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
    "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
    "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
    # v8 .. v10
    "reject-reason", "resource-id", "encryption-status",
    # v11
    "instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2",
    "asg-tag", "asg-tag-2", "interface-type", "next-hop-interface-id",
    "next-hop-subnet-id", "next-hop-az-id", "next-hop-vpc-id",
    "next-hop-interface-type",
]

TGW_FIELDS = [
    "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id",
    "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id",
    "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni",
    "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id",
    "packets-lost-no-route", "packets-lost-blackhole",
    "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
]

KNOWN_FIELDS = set(VPC_FIELDS) | set(TGW_FIELDS)

DEFAULT_FIELDS = ("version account-id interface-id srcaddr dstaddr srcport "
                  "dstport protocol packets bytes start end action "
                  "log-status").split()

# value kinds (the table in SEMANTICS.md "Records")
KIND = {}
for _n in ("version", "protocol", "tcp-flags", "traffic-path",
           "encryption-status"):
    KIND[_n] = "u8"
for _n in ("srcport", "dstport"):
    KIND[_n] = "port"
for _n in ("packets", "bytes", "packets-lost-no-route",
           "packets-lost-blackhole", "packets-lost-mtu-exceeded",
           "packets-lost-ttl-expired"):
    KIND[_n] = "counter"
for _n in ("start", "end"):
    KIND[_n] = "time"
for _n in ("srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"):
    KIND[_n] = "addr"
ENUMS = {
    "action": ("ACCEPT", "REJECT"),
    "log-status": ("OK", "NODATA", "SKIPDATA"),
    "flow-direction": ("ingress", "egress"),
}
for _n in ENUMS:
    KIND[_n] = "enum"

MAX_LINE = 1024 * 1024           # a line this long or longer is malformed
MAX_ID = 128                     # a longer interface-id or account-id is malformed
FUTURE_SLACK = 86400             # a time later than now + this is malformed
MAX_HEADER_FIELDS = 128          # a header with more names is refused
MAX_WINDOWS = 1000000
INT63_MAX = 2 ** 63 - 1
MS_THRESHOLD = 100000000000      # time values >= this are milliseconds
MAX_TIME = 253402300799          # 9999-12-31T23:59:59Z, after the ms division
MAX_DURATION = 86400
MALFORMED_SAMPLES = 10           # per file

DIGITS = re.compile(r"[0-9]+\Z")
TOKEN_SPLIT = re.compile(r"[ \t]+")
CWL_PREFIX = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z ")


class UsageError(Exception):
    pass


def is_tgw_field(name):
    """True for the Transit Gateway field names that make a record TGW."""
    return (name == "resource-type" or name.startswith("tgw-")
            or name.startswith("packets-lost-"))


def strip_placeholder(tok):
    """'${name}' -> 'name'; anything else unchanged."""
    if len(tok) >= 3 and tok.startswith("${") and tok.endswith("}"):
        return tok[2:-1]
    return tok


def split_tokens(text):
    """Tokens separated by runs of spaces and tabs (nothing else)."""
    return [t for t in TOKEN_SPLIT.split(text) if t != ""]


def is_blank(text):
    return text.strip(" \t") == ""


# --------------------------------------------------------------------------
# Addresses

def parse_addr(text):
    """Return an ipaddress object, or None when the text is not an address.

    IPv4: dotted quad only.  IPv6: RFC 4291 text; zone ids ('%eth0') are not
    addresses (inet_pton rejects them), so they are refused here too.
    """
    if not text.isascii():
        return None
    if ":" in text:
        if "%" in text:
            return None
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def addr_key(a):
    """Sort key: every IPv4 address before every IPv6 address, then numeric."""
    return (a.version, int(a))


def format_addr(a):
    """Canonical text: dotted quad, or RFC 5952 for IPv6.

    IPv4-mapped addresses (::ffff:0:0/96) print in mixed notation
    (::ffff:192.0.2.1), RFC 5952 section 5.  Everything else is all-hex with
    the first longest run (>= 2) of zero groups compressed, lower case.
    """
    if a.version == 4:
        return str(a)
    n = int(a)
    if n >> 32 == 0xFFFF:
        return "::ffff:" + str(ipaddress.IPv4Address(n & 0xFFFFFFFF))
    groups = [(n >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
    best_start, best_len = -1, 0
    i = 0
    while i < 8:
        if groups[i] == 0:
            j = i
            while j < 8 and groups[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_len < 2:
        return ":".join("%x" % g for g in groups)
    head = ":".join("%x" % g for g in groups[:best_start])
    tail = ":".join("%x" % g for g in groups[best_start + best_len:])
    return head + "::" + tail


# --------------------------------------------------------------------------
# Times

def days_to_civil(days):
    """Days since 1970-01-01 -> (year, month, day), proleptic Gregorian."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return y, m, d


def civil_to_days(y, m, d):
    """(year, month, day) -> days since 1970-01-01."""
    if m <= 2:
        y -= 1
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def iso(t):
    """Unix seconds -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC)."""
    days, secs = divmod(t, 86400)
    y, m, d = days_to_civil(days)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        y, m, d, secs // 3600, secs // 60 % 60, secs % 60)


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
RE_DURATION = re.compile(r"([0-9]+)([smhdw])\Z")
RE_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
RE_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z?\Z")


def _days_in_month(y, m):
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    return 30 if m in (4, 6, 9, 11) else 31


def parse_abs_time(text):
    """Absolute time: epoch seconds, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z].

    Returns Unix seconds or None.
    """
    if DIGITS.match(text):
        return int(text)
    m = RE_DATE.match(text) or RE_DATETIME.match(text)
    if not m:
        return None
    parts = [int(x) for x in m.groups()]
    y, mo, d = parts[0], parts[1], parts[2]
    hh, mi, ss = (parts[3], parts[4], parts[5]) if len(parts) == 6 else (0, 0, 0)
    if not (1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)
            and hh <= 23 and mi <= 59 and ss <= 59):
        return None
    return civil_to_days(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss


def parse_duration(text):
    m = RE_DURATION.match(text)
    if not m:
        return None
    return int(m.group(1)) * DURATION_UNITS[m.group(2)]


def parse_size(text):
    """'1G' -> 2**30 bytes; K, M, G, T are powers of 1024 (as --max-memory)."""
    m = re.match(r"^([0-9]+)([KMGT]?)$", text)
    if not m:
        raise UsageError("bad size %r" % text)
    return int(m.group(1)) * 1024 ** " KMGT".index(m.group(2) or " ")


def parse_window(text):
    """--window: N[smhdw], a bare number is seconds; must be > 0."""
    if DIGITS.match(text):
        w = int(text)
    else:
        w = parse_duration(text)
    if w is None or w <= 0:
        raise UsageError("bad --window value: %r" % text)
    return w


def resolve_period(since_arg, until_arg, now):
    """Turn the --since/--until texts into Unix seconds (None = absent).

    A duration (90m, 24h, 7d) for --until means now minus it; for --since it
    means --until minus it when --until is given, else now minus it.
    """
    until = None
    if until_arg is not None:
        d = parse_duration(until_arg)
        until = now - d if d is not None else parse_abs_time(until_arg)
        if until is None:
            raise UsageError("bad --until value: %r" % until_arg)
    since = None
    if since_arg is not None:
        d = parse_duration(since_arg)
        if d is not None:
            since = (until if until is not None else now) - d
        else:
            since = parse_abs_time(since_arg)
        if since is None:
            raise UsageError("bad --since value: %r" % since_arg)
    if since is not None and until is not None and until <= since:
        raise UsageError("--until must be after --since")
    return since, until


# --------------------------------------------------------------------------
# Reading inputs

def collect_inputs(args):
    """Expand directories (recursively, skipping dot-names); sort by bytes.

    Each directory is walked once (by device and inode: symlink loops end);
    inside directories only regular files are inputs; a file reached by
    several names is read once, under its first name in byte order.
    """
    out = []
    walked = set()

    def ident(p):
        try:
            st = os.stat(p)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def walk(d):
        key = ident(d)
        if key in walked:
            return
        walked.add(key)
        try:
            names = os.listdir(d)
        except OSError as e:
            out.append((d, "unreadable directory: %s" % e.strerror))
            return
        for name in names:
            if name.startswith(".") or name == "aws-logs-write-test":
                continue
            p = os.path.join(d, name)
            if os.path.isdir(p):
                walk(p)
            elif os.path.isfile(p) or not os.path.exists(p):
                out.append((p, None))  # a dangling link stays: it is an error

    for a in args:
        if a != "-" and os.path.isdir(a):
            walk(a)
        else:
            out.append((a, None))
    out.sort(key=lambda e: os.fsencode(e[0]))
    kept, seen_files, seen_paths = [], set(), set()
    for path, err in out:
        if path in seen_paths:
            continue
        seen_paths.add(path)
        key = ident(path) if path != "-" and err is None else None
        if key is not None and key in seen_files:
            continue
        if key is not None:
            seen_files.add(key)
        kept.append((path, err))
    return kept


def gunzip(data):
    """Decompress concatenated gzip members.

    Returns (bytes, error, clean_end).  On damage, the bytes are everything
    that could be decompressed before the damage and error describes it (with
    the uncompressed offset).  clean_end is True when every member ended
    properly (then only trailing bytes that are not a gzip member are wrong).
    """
    out = bytearray()
    pos = 0
    n = len(data)
    while True:
        d = zlib.decompressobj(wbits=31)
        while not d.eof:
            if pos >= n:
                return bytes(out), ("truncated gzip data at uncompressed "
                                    "offset %d" % len(out)), False
            piece = data[pos:pos + 65536]
            saved = d.copy()
            try:
                out += d.decompress(piece)
                pos += len(piece) - len(d.unused_data)
                continue
            except zlib.error:
                pass
            # redo this piece byte by byte so that every byte decompressed
            # before the damage is kept
            d = saved
            for k in range(len(piece)):
                try:
                    out += d.decompress(piece[k:k + 1])
                except zlib.error as e:
                    return bytes(out), ("corrupt gzip data at uncompressed "
                                        "offset %d (%s)" % (len(out), e)), False
                if d.eof:
                    pos += k + 1
                    break
            else:
                pos += len(piece)
        if pos >= n:
            return bytes(out), None, True
        if data[pos:pos + 2] != b"\x1f\x8b":
            return bytes(out), ("trailing garbage after the last gzip member "
                                "at uncompressed offset %d" % len(out)), True


class FileStats:
    def __init__(self, path):
        self.path = path
        self.lines = 0
        self.blank = 0
        self.header_lines = 0
        self.malformed = 0
        self.malformed_samples = []
        self.tgw_records = 0
        self.untimed = 0
        self.vpc_timed = 0
        self.error = None


class Record:
    """One valid VPC record: only the fields the statistics use."""
    __slots__ = ("start", "end", "iface", "account", "status", "action",
                 "src", "dst", "protocol", "dstport", "packets", "bytes")


class Reader:
    def __init__(self, default_map):
        self.default_map = default_map
        self.records = []          # valid timed VPC records (all of them)
        self.latest = MAX_TIME     # main sets now + FUTURE_SLACK
        self.unknown_fields = set()
        self.files = []

    # -- per line -----------------------------------------------------
    def malformed(self, fs, pos, reason):
        fs.malformed += 1
        if len(fs.malformed_samples) < MALFORMED_SAMPLES:
            fs.malformed_samples.append("%s:%s: %s" % (fs.path, pos, reason))

    def handle_line(self, fs, line, pos, is_message):
        """Process one text line, or one JSON message (is_message).

        A message goes through the same steps as a line except the JSON
        unwrapping and the CloudWatch-export prefix.
        """
        if line.endswith("\r"):
            line = line[:-1]
        if len(line) >= MAX_LINE:
            self.malformed(fs, pos, "line too long")
            return
        if is_blank(line):
            fs.blank += 1
            return
        if not is_message and line.lstrip(" \t").startswith("{"):
            msg = json_message_line(line)
            if msg is not None:
                # a {"message": ...} line is a record, never a header
                if len(msg) >= MAX_LINE:
                    self.malformed(fs, pos, "line too long")
                elif is_blank(msg):
                    fs.blank += 1
                else:
                    self.handle_record(fs, split_tokens(msg), pos)
                return
        if not is_message:
            m = CWL_PREFIX.match(line)
            if m:
                # "the rest is the record": no header detection
                self.handle_record(fs, split_tokens(line[m.end():]), pos)
                return
        tokens = split_tokens(line)
        if tokens and strip_placeholder(tokens[0]) in KNOWN_FIELDS:
            names = [strip_placeholder(t) for t in tokens]
            # a header that cannot be applied is refused (malformed); the
            # map in force stays
            if len(names) > MAX_HEADER_FIELDS:
                self.malformed(fs, pos, "header with more than %d names"
                               % MAX_HEADER_FIELDS)
                return
            canon = [n.replace("_", "-") if n.replace("_", "-") in KNOWN_FIELDS
                     else n for n in names]
            if len(set(canon)) != len(canon):
                self.malformed(fs, pos, "header with a name twice")
                return
            fs.header_lines += 1
            self.fmap = names
            for n in self.fmap:
                if n not in KNOWN_FIELDS:
                    self.unknown_fields.add(n)
            return
        self.handle_record(fs, tokens, pos)

    def handle_record(self, fs, tokens, pos):
        fmap = self.fmap
        if len(tokens) != len(fmap):
            self.malformed(fs, pos, "expected %d fields, got %d"
                           % (len(fmap), len(tokens)))
            return
        values = {}
        for name, tok in zip(fmap, tokens):
            if tok == "-":
                values[name] = None
                continue
            kind = KIND.get(name, "text")
            v = tok
            if kind in ("u8", "port", "counter", "time"):
                if not DIGITS.match(tok):
                    self.malformed(fs, pos, "bad %s: %s" % (name, tok))
                    return
                v = int(tok)
                limit = {"u8": 255, "port": 65535, "counter": INT63_MAX,
                         "time": INT63_MAX}[kind]
                if v > limit:
                    self.malformed(fs, pos, "bad %s: %s" % (name, tok))
                    return
                if kind == "time" and v >= MS_THRESHOLD:
                    v = v // 1000
                if kind == "time" and v > MAX_TIME:
                    self.malformed(fs, pos, "bad %s: %s" % (name, tok))
                    return
                if kind == "time" and v > self.latest:
                    self.malformed(fs, pos, "%s in the future: %s" % (name, tok))
                    return
            elif kind == "addr":
                v = parse_addr(tok)
                if v is None:
                    self.malformed(fs, pos, "bad %s: %s" % (name, tok))
                    return
            elif kind == "enum":
                if tok not in ENUMS[name]:
                    self.malformed(fs, pos, "bad %s: %s" % (name, tok))
                    return
            if name in ("interface-id", "account-id") and len(tok) > MAX_ID:
                self.malformed(fs, pos, "%s longer than %d bytes" % (name, MAX_ID))
                return
            # a repeated name (only possible with --fields): the last wins
            values[name] = v
        start = values.get("start")
        end = values.get("end")
        if start is not None and end is not None:
            if end < start:
                self.malformed(fs, pos, "end before start")
                return
            if end - start > MAX_DURATION:
                self.malformed(fs, pos, "implausible duration")
                return
        if any(is_tgw_field(n) for n in fmap):
            fs.tgw_records += 1
            return
        if start is None:
            fs.untimed += 1
            return
        r = Record()
        r.start = start
        r.end = end
        r.iface = values.get("interface-id")
        r.account = values.get("account-id")
        r.status = values.get("log-status") or "OK"
        r.action = values.get("action")
        r.src = values.get("srcaddr")
        r.dst = values.get("dstaddr")
        r.protocol = values.get("protocol")
        r.dstport = values.get("dstport")
        r.packets = values.get("packets")
        r.bytes = values.get("bytes")
        fs.vpc_timed += 1
        self.records.append(r)

    # -- per file -----------------------------------------------------
    def read_file(self, path, walk_error):
        fs = FileStats(path)
        self.files.append(fs)
        self.fmap = list(self.default_map)
        if walk_error:
            fs.error = walk_error
            return
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as f:
                    data = f.read()
        except OSError as e:
            fs.error = "unreadable: %s" % e.strerror
            return
        damaged = False
        if data[:2] == b"\x1f\x8b":
            data, err, clean_end = gunzip(data)
            if err:
                fs.error = err
                damaged = not clean_end
        if damaged:
            # keep only the complete lines before the damage (after complete
            # members followed by garbage, the text ended cleanly: keep all)
            cut = data.rfind(b"\n")
            data = data[:cut + 1] if cut >= 0 else b""
        if data[:3] == b"\xef\xbb\xbf":
            data = data[3:]                # a UTF-8 byte order mark
        events = json_events(data)
        if events is not None:
            for i, ev in enumerate(events, 1):
                pos = "event %d" % i
                fs.lines += 1
                if isinstance(ev, dict) and isinstance(ev.get("message"), str):
                    self.handle_line(fs, json_text(ev["message"]), pos, True)
                else:
                    self.malformed(fs, pos, "event without a message")
            return
        text = data.decode("latin-1")
        # CRLF, LF and a lone CR each end a line
        lines = re.split("\r\n|\r|\n", text)
        if lines and lines[-1] == "":
            lines.pop()
        for i, line in enumerate(lines, 1):
            fs.lines += 1
            self.handle_line(fs, line, i, False)


def json_text(s):
    """A JSON string -> the same bytes as a latin-1 str (byte semantics)."""
    return s.encode("utf-8", "surrogatepass").decode("latin-1")


def json_events(data):
    """The events/logEvents list of a whole-file JSON document, else None."""
    if not data.lstrip(b" \t\r\n").startswith(b"{"):
        return None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    for key in ("events", "logEvents"):
        if isinstance(doc.get(key), list):
            return doc[key]
    return None


def json_message_line(line):
    """The message of a '{"message": "..."}' line, else None."""
    try:
        doc = json.loads(line.encode("latin-1").decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(doc, dict) and isinstance(doc.get("message"), str):
        return json_text(doc["message"])
    return None


# --------------------------------------------------------------------------
# Statistics

def new_counters():
    return {"records": 0, "ok_records": 0, "nodata_records": 0,
            "skipdata_records": 0, "accept_records": 0, "reject_records": 0,
            "packets": 0, "bytes": 0, "accept_bytes": 0, "reject_bytes": 0}


def count(c, r):
    """Add record r to counter dict c (SEMANTICS.md 'Statistics')."""
    c["records"] += 1
    if r.status == "OK":
        c["ok_records"] += 1
        b = r.bytes or 0
        c["packets"] += r.packets or 0
        c["bytes"] += b
        # the action is only looked at on OK records: NODATA/SKIPDATA
        # records have none, whatever the column holds
        if r.action == "ACCEPT":
            c["accept_records"] += 1
            c["accept_bytes"] += b
        elif r.action == "REJECT":
            c["reject_records"] += 1
            c["reject_bytes"] += b
    elif r.status == "NODATA":
        c["nodata_records"] += 1
    elif r.status == "SKIPDATA":
        c["skipdata_records"] += 1


def prorate_parts(value, start, end, window):
    """--prorate: (window start, part) of value over [start, end): window k
    gets floor(V*C_k/D) - floor(V*C_(k-1)/D), C_k the span's seconds up to
    the end of window k, D = end - start.  The parts add up to value."""
    d = end - start
    out = []
    prev = 0
    ws = (start // window) * window
    while ws < end:
        upto = min(ws + window, end)
        cum = value * (upto - start) // d
        out.append((ws, cum - prev))
        prev = cum
        ws += window
    return out


def compute(records, since, until, window, top, audit=None, prorate=False):
    """Returns (tables, info).  tables maps file name -> (header, rows)."""
    # period membership
    inp = []
    excluded = 0
    for r in records:
        if (since is not None and r.start < since) or \
           (until is not None and r.start >= until):
            excluded += 1
        else:
            inp.append(r)

    # window range [first, last) aligned to the epoch
    if since is not None:
        first = (since // window) * window
    elif inp:
        first = (min(r.start for r in inp) // window) * window
    else:
        first = None
    if until is not None:
        last = -((-until) // window) * window      # ceil(until / W) * W
    elif inp:
        last = (max(r.start for r in inp) // window) * window + window
    else:
        last = None
    if first is None or last is None:
        nwin = 0
    else:
        nwin = (last - first) // window
    if nwin > MAX_WINDOWS:
        raise UsageError("period holds %d windows (more than %d)"
                         % (nwin, MAX_WINDOWS))

    # windows.csv
    wins = {}
    wifaces = {}
    for k in range(nwin):
        ws = first + k * window
        wins[ws] = new_counters()
        wifaces[ws] = set()
    for r in inp:
        ws = (r.start // window) * window
        end = r.end if r.end is not None else r.start
        split = prorate and r.status == "OK" and end > r.start and \
            (end - 1) // window * window != ws
        if not split:
            count(wins[ws], r)
        else:
            # the record counts in its start window; its numbers are split
            pk, by = r.packets, r.bytes
            r.packets = r.bytes = 0
            count(wins[ws], r)
            r.packets, r.bytes = pk, by
            lastw = first + (nwin - 1) * window
            for (w, part) in prorate_parts(pk or 0, r.start, end, window):
                wins[min(w, lastw)]["packets"] += part
            for (w, part) in prorate_parts(by or 0, r.start, end, window):
                c = wins[min(w, lastw)]
                c["bytes"] += part
                if r.action == "ACCEPT":
                    c["accept_bytes"] += part
                elif r.action == "REJECT":
                    c["reject_bytes"] += part
        if r.iface is not None:
            wifaces[ws].add(r.iface)
    wrows = []
    for ws in sorted(wins):
        c = wins[ws]
        wrows.append([iso(ws), iso(ws + window), c["records"], c["ok_records"],
                      c["accept_records"], c["reject_records"],
                      c["nodata_records"], c["skipdata_records"], c["packets"],
                      c["bytes"], c["accept_bytes"], c["reject_bytes"],
                      len(wifaces[ws])])

    # interfaces.csv
    ifs = {}
    for r in inp:
        if r.iface is None:
            continue
        e = ifs.get(r.iface)
        if e is None:
            e = {"c": new_counters(), "accounts": set(), "first": r.start,
                 "last": r.start}
            ifs[r.iface] = e
        count(e["c"], r)
        if r.account is not None:
            e["accounts"].add(r.account)
        e["first"] = min(e["first"], r.start)
        e["last"] = max(e["last"], r.end if r.end is not None else r.start)
    irows = []
    for name in sorted(ifs, key=lambda s: s.encode("latin-1")):
        e = ifs[name]
        c = e["c"]
        acct = min(e["accounts"], key=lambda s: s.encode("latin-1")) \
            if e["accounts"] else ""
        irows.append([name, acct, iso(e["first"]), iso(e["last"]),
                      c["records"], c["ok_records"], c["nodata_records"],
                      c["skipdata_records"], c["accept_records"],
                      c["reject_records"], c["packets"], c["bytes"]])

    # gaps.csv
    intervals = {}
    for r in inp:
        if r.iface is None or r.status not in ("NODATA", "SKIPDATA"):
            continue
        end = r.end if r.end is not None else r.start
        intervals.setdefault((r.iface, r.status), []).append((r.start, end))
    gaps = []
    for (iface, kind), ivs in intervals.items():
        ivs.sort()
        cur = None
        for s, e in ivs:
            if cur is not None and s <= cur[1]:
                cur[1] = max(cur[1], e)
                cur[2] += 1
            else:
                if cur is not None:
                    gaps.append((iface, kind, cur[0], cur[1], cur[2]))
                cur = [s, e, 1]
        gaps.append((iface, kind, cur[0], cur[1], cur[2]))
    gaps.sort(key=lambda g: (g[0].encode("latin-1"), g[2],
                             0 if g[1] == "NODATA" else 1))
    grows = [[g[0], g[1], iso(g[2]), iso(g[3]), g[3] - g[2], g[4]]
             for g in gaps]

    # the audit layer: coverage, silent stretches, findings
    if audit is not None:
        ps = since if since is not None else first
        pe = until if until is not None else last
        if ps is None:
            ps = pe = 0
        cov_if, silent, wcov = coverage(inp, ps, pe, first, window, nwin,
                                        audit["silent_gap"])
        for name in cov_if:
            cov_if[name]["skipdata_records"] = ifs[name]["c"]["skipdata_records"]
        frows, maxsev = findings(
            inp, ps, pe,
            [(first + k * window, wrow[5], wrow[11], first + (k + 1) * window)
             for k, wrow in enumerate(wrows)],
            cov_if, gaps, audit)
        if audit["columns"]:
            for k, wrow in enumerate(wrows):
                wrow.extend(wcov[k])
            for row in irows:
                c = cov_if[row[0]]
                row.extend([c["covered"], c["nodata"], c["skipdata"], c["silent"],
                            pct(c["any"], pe - ps), c["edges"]])
            allg = [(g[0], g[2], 0 if g[1] == "NODATA" else 1, list(g) + [""])
                    for g in gaps]
            allg += [(n, a, 2, [n, "SILENT", a, b, 0, edge]) for n, a, b, edge in silent]
            allg.sort(key=lambda x: (x[0].encode("latin-1"), x[1], x[2]))
            grows[:] = [[g[0], g[1], iso(g[2]), iso(g[3]), g[3] - g[2], g[4], g[5]]
                        for _, _, _, g in allg]

    # top tables
    talk = {}
    rej = {}
    ports = {}
    for r in inp:
        if r.status == "OK" and r.src is not None and r.dst is not None:
            key = (addr_key(r.src), addr_key(r.dst))
            e = talk.setdefault(key, {"src": r.src, "dst": r.dst,
                                      "records": 0, "packets": 0, "bytes": 0})
            e["records"] += 1
            e["packets"] += r.packets or 0
            e["bytes"] += r.bytes or 0
        if r.status == "OK" and r.action == "REJECT" and r.src is not None:
            key = addr_key(r.src)
            e = rej.setdefault(key, {"src": r.src, "records": 0, "packets": 0,
                                     "bytes": 0})
            e["records"] += 1
            e["packets"] += r.packets or 0
            e["bytes"] += r.bytes or 0
        if r.status == "OK" and r.protocol is not None and \
                r.dstport is not None:
            key = (r.protocol, r.dstport)
            e = ports.setdefault(key, {"records": 0, "accept": 0, "reject": 0,
                                       "packets": 0, "bytes": 0})
            e["records"] += 1
            if r.action == "ACCEPT":
                e["accept"] += 1
            elif r.action == "REJECT":
                e["reject"] += 1
            e["packets"] += r.packets or 0
            e["bytes"] += r.bytes or 0

    trows = []
    for rank, key in enumerate(sorted(talk, key=lambda k: (-talk[k]["bytes"], k))[:top], 1):
        e = talk[key]
        trows.append([rank, format_addr(e["src"]), format_addr(e["dst"]),
                      e["records"], e["packets"], e["bytes"]])
    rrows = []
    for rank, key in enumerate(sorted(rej, key=lambda k: (-rej[k]["records"], k))[:top], 1):
        e = rej[key]
        rrows.append([rank, format_addr(e["src"]), e["records"], e["packets"],
                      e["bytes"]])
    prows = []
    for rank, key in enumerate(sorted(ports, key=lambda k: (-ports[k]["bytes"], k))[:top], 1):
        e = ports[key]
        prows.append([rank, key[0], key[1], e["records"], e["accept"],
                      e["reject"], e["packets"], e["bytes"]])

    tables = {
        "windows.csv": ("window_start,window_end,records,ok_records,"
                        "accept_records,reject_records,nodata_records,"
                        "skipdata_records,packets,bytes,accept_bytes,"
                        "reject_bytes,interfaces", wrows),
        "interfaces.csv": ("interface_id,account_id,first_start,last_end,"
                           "records,ok_records,nodata_records,"
                           "skipdata_records,accept_records,reject_records,"
                           "packets,bytes", irows),
        "gaps.csv": ("interface_id,kind,gap_start,gap_end,seconds,records",
                     grows),
        "top_talkers.csv": ("rank,srcaddr,dstaddr,records,packets,bytes",
                            trows),
        "top_rejected.csv": ("rank,srcaddr,records,packets,bytes", rrows),
        "top_ports.csv": ("rank,protocol,dstport,records,accept_records,"
                          "reject_records,packets,bytes", prows),
    }
    if audit is not None:
        tables["findings.csv"] = (
            "rule,severity,interface_id,srcaddr,dstaddr,protocol,dstport,"
            "first_seen,last_seen,records,packets,bytes,detail", frows)
        if audit["columns"]:
            h, rows_ = tables["windows.csv"]
            tables["windows.csv"] = (h + ",coverage_pct,skipdata_interfaces", rows_)
            h, rows_ = tables["interfaces.csv"]
            tables["interfaces.csv"] = (
                h + ",covered_seconds,nodata_seconds,skipdata_seconds,"
                "silent_seconds,coverage_pct,silent_edge", rows_)
            h, rows_ = tables["gaps.csv"]
            tables["gaps.csv"] = (h + ",edge", rows_)
    info = {
        "records": len(inp),
        "excluded": excluded,
        "windows": nwin,
        "period_start": iso(first) if nwin else None,
        "period_end": iso(last) if nwin else None,
        "interfaces": len(ifs),
        "max_severity": maxsev if audit is not None else 0,
    }
    return tables, info


# --------------------------------------------------------------------------
# The audit layer (SEMANTICS.md "Coverage and silent gaps", "Findings")

U64_MAX = 2 ** 64 - 1
ADMIN_PORTS = "22,23,3389,5900,445,3306,5432,1433,6379,9200,27017,2375,2379"
INTERNAL_NETS = [ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
    "127.0.0.0/8", "169.254.0.0/16", "::1/128", "fe80::/10", "fc00::/7")]


def is_internal(a, vpc):
    return any(a.version == n.version and a in n for n in INTERNAL_NETS + vpc)


def union(ivs):
    """Sorted union of [s, e) intervals; touching ones (and points) join."""
    out = []
    for s, e in sorted(ivs):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def length(ivs):
    return sum(e - s for s, e in ivs)


def pct(num, den):
    if den == 0:
        return ""
    t = num * 1000 // den
    return "%d.%d" % (t // 10, t % 10)


def coverage(inp, ps, pe, first, window, nwin, gap):
    """Per interface: the coverage numbers and silent stretches; per window:
    covered interface-seconds and SKIPDATA interfaces."""
    per = {}
    for r in inp:
        if r.iface is None:
            continue
        s = max(r.start, ps)
        e = min(r.end if r.end is not None else r.start, pe)
        if s >= pe:
            continue
        per.setdefault(r.iface, {"OK": [], "NODATA": [], "SKIPDATA": []})[
            r.status].append((s, max(s, e)))
    ifaces = {}
    silent = []
    wcov = [0] * nwin
    for name in per:
        ivs = per[name]
        skip = length(union(ivs["SKIPDATA"]))
        os_ = length(union(ivs["SKIPDATA"] + ivs["OK"]))
        allu = union(ivs["SKIPDATA"] + ivs["OK"] + ivs["NODATA"])
        total = length(allu)
        # stretches without a record: before, between and after the union
        bounds = [(ps, ps)] + [tuple(x) for x in allu] + [(pe, pe)]
        sil = []
        edges = set()
        for i in range(len(bounds) - 1):
            a = bounds[i][1]
            b = bounds[i + 1][0]
            if b - a > gap:
                edge = "start" if i == 0 else "end" if i == len(bounds) - 2 else ""
                sil.append((a, b, edge))
                if edge:
                    edges.add(edge)
        silent.extend((name, a, b, edge) for a, b, edge in sil)
        ifaces[name] = {
            "covered": os_ - skip, "nodata": total - os_, "skipdata": skip,
            "silent": sum(b - a for a, b, _ in sil), "any": total,
            "edges": "+".join(e for e in ("start", "end") if e in edges),
            "silent_list": sil,
        }
        for s, e in allu:
            for k in range(nwin):
                ws = first + k * window
                lo, hi = max(s, ws), min(e, ws + window)
                if hi > lo:
                    wcov[k] += hi - lo
    wskip = [set() for _ in range(nwin)]
    for r in inp:
        if r.iface is not None and r.status == "SKIPDATA":
            wskip[(r.start - first) // window].add(r.iface)
    wrows = []
    for k in range(nwin):
        ws = first + k * window
        lo, hi = max(ws, ps), min(ws + window, pe)
        den = max(0, hi - lo) * len(per)
        wrows.append((pct(wcov[k], den), len(wskip[k])))
    return ifaces, silent, wrows


def findings(inp, ps, pe, wrows_reject, ifaces, gaps, opts):
    vpc = opts["vpc"]
    admin_ports = opts["admin_ports"]
    subj = {"admin": {}, "egress": {}, "scan": {}, "sweep": {}}

    def bump(kind, key, r, value):
        e = subj[kind].setdefault(key, {"first": r.start, "last": None,
                                        "records": 0, "packets": 0,
                                        "bytes": 0, "values": set()})
        end = r.end if r.end is not None else r.start
        e["first"] = min(e["first"], r.start)
        e["last"] = end if e["last"] is None else max(e["last"], end)
        e["records"] += 1
        e["packets"] += r.packets or 0
        e["bytes"] += r.bytes or 0
        if value is not None:
            e["values"].add(value)

    for r in inp:
        if r.status != "OK" or r.src is None or r.dst is None:
            continue
        iface = r.iface if r.iface is not None else ""
        if r.action == "ACCEPT":
            si, di = is_internal(r.src, vpc), is_internal(r.dst, vpc)
            if not si and r.dstport is not None and r.protocol in (6, 17) \
                    and r.dstport in admin_ports:
                bump("admin", (iface, addr_key(r.dst), r.protocol, r.dstport), r,
                     addr_key(r.src))
            if si and not di:
                bump("egress", iface, r, None)
        elif r.action == "REJECT":
            bump("sweep", addr_key(r.src), r, addr_key(r.dst))
            if r.dstport is not None:
                bump("scan", (addr_key(r.src), addr_key(r.dst)), r, r.dstport)

    NOADDR = (0, 0)
    rows = []   # (sev, rule, iface, src, dst, proto, port, first, last, rec, pk, by, detail)

    def stats(e):
        return [e["first"], e["last"], e["records"], min(e["packets"], U64_MAX),
                min(e["bytes"], U64_MAX)]

    for (iface, dst, proto, port), e in subj["admin"].items():
        rows.append([3, "public-admin-port-accepted", iface, NOADDR, dst, proto, port]
                    + stats(e) + ["%d distinct public sources" % len(e["values"])])
    for iface, e in subj["egress"].items():
        b = min(e["bytes"], U64_MAX)
        if b > opts["egress"]:
            rows.append([2, "egress-volume", iface, NOADDR, NOADDR, 0, None] + stats(e)
                        + ["%d bytes from internal to public addresses (threshold %d)"
                           % (b, opts["egress"])])
    for (src, dst), e in subj["scan"].items():
        if len(e["values"]) >= opts["scan"]:
            rows.append([2, "port-scan", "", src, dst, 0, None] + stats(e)
                        + ["%d distinct destination ports rejected" % len(e["values"])])
    for src, e in subj["sweep"].items():
        if len(e["values"]) >= opts["sweep"]:
            rows.append([2, "host-sweep", "", src, NOADDR, 0, None] + stats(e)
                        + ["%d distinct destinations rejected" % len(e["values"])])
    for name, c in ifaces.items():
        sk = [g for g in gaps if g[0] == name and g[1] == "SKIPDATA"]
        if c["skipdata_records"]:
            rows.append([2, "data-lost", name, NOADDR, NOADDR, 0, None,
                         min(g[2] for g in sk), max(g[3] for g in sk),
                         c["skipdata_records"], 0, 0,
                         "%d SKIPDATA records in %d intervals, %d s of the period"
                         % (c["skipdata_records"], len(sk), c["skipdata"])])
        sil = c["silent_list"]
        if sil:
            d = "silent for %d s in %d stretches, the longest %d s" % (
                c["silent"], len(sil), max(b - a for a, b, _ in sil))
            if "start" in c["edges"]:
                d += "; from the period's start (new?)"
            if "end" in c["edges"]:
                d += "; until the period's end (deleted?)"
            rows.append([2, "silent-interface", name, NOADDR, NOADDR, 0, None,
                         sil[0][0], sil[-1][1], 0, 0, 0, d])
    if wrows_reject:
        rej = sorted(w[1] for w in wrows_reject)
        median = rej[(len(rej) - 1) // 2]
        for ws, n, nbytes, we in wrows_reject:
            if n > median * opts["spike"] and n - median >= 1000:
                rows.append([1, "reject-spike", "", NOADDR, NOADDR, 0, None, ws, we, n, 0,
                             min(nbytes, U64_MAX),
                             "%d rejected records in the window; the median window has %d"
                             % (n, median)])

    def order(row):
        return (-row[0], row[1], row[2].encode("latin-1"), row[3], row[4], row[5],
                row[6] if row[6] is not None else 0, row[7] or 0)
    rows.sort(key=order)

    def addr_text(k):
        if k == NOADDR:
            return ""
        return format_addr(ipaddress.ip_address(k[1]) if k[0] == 4
                           else ipaddress.IPv6Address(k[1]))
    out = []
    for row in rows:
        sev, rule, iface, src, dst, proto, port, f, l, rec, pk, by, detail = row
        has_port = port is not None
        out.append([rule, {3: "high", 2: "medium", 1: "low"}[sev], iface,
                    addr_text(src), addr_text(dst), proto if has_port else "",
                    port if has_port else "",
                    iso(f) if (f or l) else "", iso(l) if (f or l) else "",
                    rec, pk, by, detail])
    return out, max((row[0] for row in rows), default=0)


# --------------------------------------------------------------------------
# Output

def csv_field(v):
    if isinstance(v, int) and v > U64_MAX:
        v = U64_MAX     # flowreport's sums stop at 2^64-1 (SEMANTICS.md)
    s = str(v)
    if any(ch in s for ch in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def write_csv(path, header, rows):
    out = [header]
    for row in rows:
        out.append(",".join(csv_field(v) for v in row))
    with open(path, "wb") as f:
        f.write(("\n".join(out) + "\n").encode("latin-1"))


def usage(msg=None):
    if msg:
        sys.stderr.write("flowref.py: %s\n" % msg)
    sys.stderr.write(
        "usage: flowref.py -o OUTDIR [--since T] [--until T] [--window W] "
        "[--top N] [--fields \"f1 f2 ...\"] [--now EPOCH] INPUT...\n")
    sys.exit(2)


def parse_args(argv):
    opts = {"o": None, "since": None, "until": None, "window": "1h",
            "top": "20", "fields": None, "now": None,
            "silent_gap": "20m", "admin_ports": ADMIN_PORTS,
            "egress_threshold": "1G", "scan_ports": "100", "sweep_hosts": "50",
            "spike_factor": "5", "fail_on": None, "vpc_cidr": [],
            "audit_columns": True, "prorate": False}
    inputs = []
    i = 0
    names = {"-o": "o", "--since": "since", "--until": "until",
             "--window": "window", "--top": "top", "--fields": "fields",
             "--now": "now", "--silent-gap": "silent_gap",
             "--admin-ports": "admin_ports",
             "--egress-threshold": "egress_threshold",
             "--scan-ports": "scan_ports", "--sweep-hosts": "sweep_hosts",
             "--spike-factor": "spike_factor", "--fail-on": "fail_on",
             "--vpc-cidr": "vpc_cidr"}
    while i < len(argv):
        a = argv[i]
        if a == "--":
            inputs.extend(argv[i + 1:])
            break
        if a == "--prorate":
            opts["prorate"] = True
            i += 1
            continue
        if a == "--audit-columns":
            # the coverage columns in windows/interfaces/gaps.csv: the
            # default now; the flag is kept for old scripts
            opts["audit_columns"] = True
            i += 1
            continue
        key = None
        val = None
        if a in names:
            key = names[a]
            if i + 1 >= len(argv):
                usage("option %s needs a value" % a)
            val = argv[i + 1]
            i += 2
        elif a.startswith("--") and "=" in a and a.split("=", 1)[0] in names:
            key = names[a.split("=", 1)[0]]
            val = a.split("=", 1)[1]
            i += 1
        elif a.startswith("-") and a != "-":
            usage("unknown option %s" % a)
        else:
            inputs.append(a)
            i += 1
            continue
        if key == "vpc_cidr":
            opts[key].append(val)
            continue
        opts[key] = val
    if opts["o"] is None:
        usage("-o OUTDIR is required")
    if not inputs:
        usage("no input")
    return opts, inputs


def main(argv):
    opts, inputs = parse_args(argv)
    try:
        window = parse_window(opts["window"])
        if not DIGITS.match(opts["top"]):
            raise UsageError("bad --top value: %r" % opts["top"])
        top = int(opts["top"])
        if opts["now"] is not None:
            if not DIGITS.match(opts["now"]):
                raise UsageError("bad --now value")
            now = int(opts["now"])
        else:
            now = int(time.time())
        since, until = resolve_period(opts["since"], opts["until"], now)
        audit = {
            "silent_gap": parse_duration(opts["silent_gap"]),
            "admin_ports": set(int(x) for x in opts["admin_ports"].split(",")),
            "egress": parse_size(opts["egress_threshold"]),
            "scan": int(opts["scan_ports"]), "sweep": int(opts["sweep_hosts"]),
            "spike": int(opts["spike_factor"]),
            "vpc": [ipaddress.ip_network(c, strict=False) for c in opts["vpc_cidr"]],
            "columns": opts["audit_columns"],
        }
        fail_on = {None: 0, "low": 1, "medium": 2, "high": 3}[opts["fail_on"]]
        if opts["fields"] is not None:
            fmap = [strip_placeholder(t) for t in split_tokens(opts["fields"])]
            if not fmap:
                raise UsageError("empty --fields")
        else:
            fmap = list(DEFAULT_FIELDS)
    except UsageError as e:
        usage(str(e))

    rd = Reader(fmap)
    rd.latest = now + FUTURE_SLACK
    if opts["fields"] is not None:
        for n in fmap:
            if n not in KNOWN_FIELDS:
                rd.unknown_fields.add(n)
    for path, err in collect_inputs(inputs):
        rd.read_file(path, err)

    try:
        tables, info = compute(rd.records, since, until, window, top, audit,
                               opts["prorate"])
    except UsageError as e:
        usage(str(e))

    outdir = opts["o"]
    os.makedirs(outdir, exist_ok=True)
    for name, (header, rows) in tables.items():
        write_csv(os.path.join(outdir, name), header, rows)

    fsl = rd.files
    totals = {
        "files": len(fsl),
        "lines": sum(f.lines for f in fsl),
        "blank": sum(f.blank for f in fsl),
        "header_lines": sum(f.header_lines for f in fsl),
        "malformed": sum(f.malformed for f in fsl),
        "tgw_records": sum(f.tgw_records for f in fsl),
        "untimed": sum(f.untimed for f in fsl),
        "vpc_timed": sum(f.vpc_timed for f in fsl),
        "excluded": info["excluded"],
        "records": info["records"],
        "interfaces": info["interfaces"],
        "windows": info["windows"],
        "period_start": info["period_start"],
        "period_end": info["period_end"],
        "window_seconds": window,
        "since": iso(since) if since is not None else None,
        "until": iso(until) if until is not None else None,
        "unknown_fields": sorted(rd.unknown_fields),
        "errors": {f.path: f.error for f in fsl if f.error},
        "per_file": {
            f.path: {"lines": f.lines, "blank": f.blank,
                     "header_lines": f.header_lines,
                     "malformed": f.malformed, "tgw_records": f.tgw_records,
                     "untimed": f.untimed, "vpc_timed": f.vpc_timed}
            for f in fsl},
        "malformed_samples": [s for f in fsl for s in f.malformed_samples],
    }
    with open(os.path.join(outdir, "totals.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(totals, f, indent=1, sort_keys=True, ensure_ascii=True)
        f.write("\n")

    for s in totals["malformed_samples"]:
        sys.stderr.write(s + "\n")
    for path, err in sorted(totals["errors"].items()):
        sys.stderr.write("%s: %s\n" % (path, err))
    if fail_on and info["max_severity"] >= fail_on:
        return 4
    if totals["malformed"] or totals["errors"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
