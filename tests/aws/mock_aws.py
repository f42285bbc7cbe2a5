#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mock_aws.py: a loopback stand-in for the AWS services flowreport talks to.

One threaded HTTP/1.1 server on 127.0.0.1 serves CloudWatch Logs (JSON 1.1),
S3 (path-style REST/XML), STS (query API), container credentials and IMDSv2.
Every signed request is re-signed independently with botocore and rejected
with AWS's error shapes when the signature does not match.  Faults (throttling,
5xx, resets mid-body, truncated bodies, slow replies, AccessDenied, objects
that change under a resumed download) come from a JSON file that is re-read
on every request.  Every request is logged as one JSON line; secrets and
session tokens are never logged.  See tests/aws/README.md for the details.
"""

import argparse
import base64
import calendar
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import socket
import string
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
DEFAULT_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
DEFAULT_ACCOUNT_ID = "123456789012"
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
# The JSON keys of `aws ec2 describe-network-interfaces` whose lists have
# another name in the Query API's XML (the others add "Set").
EC2_SET_NAMES = {"Groups": "groupSet",
                 "PrivateIpAddresses": "privateIpAddressesSet",
                 "Ipv6Addresses": "ipv6AddressesSet",
                 "Ipv4Prefixes": "ipv4PrefixSet",
                 "Ipv6Prefixes": "ipv6PrefixSet"}

DEFAULT_CONFIG = {
    "region": "us-east-1",
    "check_clock": True,
    "logs_page_size": 50,
    "logs_empty_every": 3,
    "logs_empty_first": True,
    "logs_streams_page_size": 5,
    "s3_page_size": 7,
    "ec2_page_size": 1000,
    "issued_lifetime_seconds": None,
    "accounts": {
        "AKIDEXAMPLE": {"secret": DEFAULT_SECRET, "token": None},
    },
    "roles": {
        "arn:aws:iam::123456789012:role/flowreport-test": {
            "source_akid": None,
            "external_id": None,
            "web_identity_token": "fake-web-identity-token",
        },
    },
    "container": {"authorization": None},
    "imds": {"role": "flowreport-test-role", "region": "us-east-1"},
}


def now_iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def xml_escape(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&apos;"))


def ec2_xml(name, v):
    """One value of the CLI's JSON as the EC2 Query API's XML element."""
    if isinstance(v, dict):
        inner = []
        for k, x in v.items():
            if x is None:
                continue
            if isinstance(x, list):
                tag = EC2_SET_NAMES.get(k, k[:1].lower() + k[1:] + "Set")
                inner.append("<%s>%s</%s>" % (tag, "".join(
                    ec2_xml("item", i) for i in x), tag) if x else
                    "<%s/>" % tag)
            else:
                inner.append(ec2_xml(k[:1].lower() + k[1:], x))
        return "<%s>%s</%s>" % (name, "".join(inner), name)
    if isinstance(v, bool):
        v = "true" if v else "false"
    if v == "":
        return "<%s/>" % name
    return "<%s>%s</%s>" % (name, xml_escape(v), name)


def new_request_id():
    return secrets.token_hex(16)


def split_query(raw, plus_is_space):
    """Returns [(name, value)] decoded, in wire order."""
    out = []
    if not raw:
        return out
    dec = urllib.parse.unquote_plus if plus_is_space else urllib.parse.unquote
    for part in raw.split("&"):
        if part == "":
            continue
        k, _, v = part.partition("=")
        out.append((dec(k), dec(v)))
    return out


class Fault:
    def __init__(self, spec, key):
        self.spec = spec
        self.key = key
        self.kind = spec.get("fault", "")


class State:
    """Everything shared between request threads."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.data = args.data
        self.cfg = json.loads(json.dumps(DEFAULT_CONFIG))
        if args.config:
            with open(args.config) as f:
                user = json.load(f)
            for k, v in user.items():
                if k == "accounts":
                    continue
                if isinstance(v, dict) and isinstance(self.cfg.get(k), dict) \
                        and k != "roles":
                    self.cfg[k].update(v)
                else:
                    self.cfg[k] = v
            self._merge_accounts(user.get("accounts"))
        if args.accounts:
            if args.accounts.lstrip().startswith("{"):
                self._merge_accounts(json.loads(args.accounts))
            else:
                with open(args.accounts) as f:
                    self._merge_accounts(json.load(f))
        for opt, key in (("logs_page_size", "logs_page_size"),
                         ("s3_page_size", "s3_page_size"),
                         ("ec2_page_size", "ec2_page_size"),
                         ("logs_empty_every", "logs_empty_every")):
            v = getattr(args, opt)
            if v is not None:
                self.cfg[key] = v
        if args.no_clock_check:
            self.cfg["check_clock"] = False
        self.accounts = self.cfg["accounts"]
        self.fired = {}  # fault key -> times fired
        self.seen = {}  # fault key -> matching requests seen
        self.generation = {}  # (bucket, key) -> etag generation
        self.imds_tokens = {}  # token -> expiry
        self.seq = 0
        self.logf = open(args.log, "a", buffering=1) if args.log else None
        self.cache = {}

    def _merge_accounts(self, accts):
        if not accts:
            return
        for k, v in accts.items():
            if v is None:
                self.cfg["accounts"].pop(k, None)
            else:
                self.cfg["accounts"][k] = v

    def log(self, entry):
        with self.lock:
            self.seq += 1
            entry["n"] = self.seq
            if self.logf:
                self.logf.write(json.dumps(entry, sort_keys=True) + "\n")

    def issue(self, lifetime, source):
        akid = "ASIA" + "".join(random.choice(string.ascii_uppercase +
                                              string.digits) for _ in range(16))
        raw = secrets.token_bytes(30)
        secret = base64.b64encode(b"\xfb\xef" + raw).decode()[:40]
        token = base64.b64encode(b"\xfb\xff" + secrets.token_bytes(100)
                                 ).decode() + "=="
        token = token.rstrip("=") + "/+=="
        if self.cfg.get("issued_lifetime_seconds"):
            lifetime = int(self.cfg["issued_lifetime_seconds"])
        exp = int(time.time()) + lifetime
        with self.lock:
            self.accounts[akid] = {"secret": secret, "token": token,
                                   "expires": exp, "issued_by": source}
        return akid, secret, token, exp

    def pick_fault(self, info):
        """Returns the first fault of the faults file matching this request
        that still has firings left, counting it as fired."""
        path = self.args.faults
        if not path:
            return None
        try:
            with open(path) as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        specs = json.loads(text)
        if isinstance(specs, dict):
            specs = specs.get("faults", [])
        for i, spec in enumerate(specs):
            m = spec.get("match", {})
            ok = True
            for field in ("service", "op", "akid"):
                if field in m and not re.fullmatch(m[field],
                                                   info.get(field) or ""):
                    ok = False
            if "path" in m and not re.search(m["path"], info.get("path", "")):
                ok = False
            if "target" in m and not re.search(m["target"],
                                               info.get("target", "")):
                ok = False
            if not ok:
                continue
            key = spec.get("id") or json.dumps(spec, sort_keys=True)
            with self.lock:
                seen = self.seen.get(key, 0)
                self.seen[key] = seen + 1
                if seen < int(spec.get("skip", 0)):
                    continue
                count = spec.get("count", 1)
                fired = self.fired.get(key, 0)
                if count is not None and count >= 0 and fired >= count:
                    continue
                self.fired[key] = fired + 1
            f = Fault(spec, key)
            f.id = spec.get("id", "#%d" % i)
            return f
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, state):
        self.state = state
        self.reset_socks = set()
        self.reset_lock = threading.Lock()
        super().__init__(addr, handler)

    def shutdown_request(self, request):
        with self.reset_lock:
            reset = id(request) in self.reset_socks
            self.reset_socks.discard(id(request))
        if reset:
            # SO_LINGER 0 was set: close() now sends a RST, not a FIN.
            try:
                request.close()
            except OSError:
                pass
            return
        super().shutdown_request(request)


class AwsError(Exception):
    def __init__(self, status, code, message, extra=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "mock-aws"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet: we have our own log
        pass

    @property
    def st(self):
        return self.server.state

    # ---------------------------------------------------------------- entry

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        self.t0 = time.time()
        raw_path, _, raw_query = self.path.partition("?")
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.entry = {"method": self.command, "path": raw_path,
                      "query": raw_query, "service": None, "op": None,
                      "status": None, "fault": None, "signed": "no",
                      "akid": None}
        self.fault = None
        self.sent_status = None
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.body = self.read_chunked()
        else:
            self.body = self.rfile.read(n) if n > 0 else b""
        try:
            self.route()
        except AwsError as e:
            self.send_error_shape(e)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # a bug in the mock: say so loudly
            sys.stderr.write("mock_aws: internal error: %r\n" % (e,))
            self.entry["internal_error"] = repr(e)
            try:
                self.send_error_shape(AwsError(500, "InternalError",
                                               "mock internal error"))
            except OSError:
                pass
        self.entry["ms"] = int((time.time() - self.t0) * 1000)
        self.st.log(self.entry)

    def read_chunked(self):
        out = b""
        while True:
            line = self.rfile.readline()
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    def route(self):
        m = self.command
        p = self.raw_path
        if p == "/latest/api/token" or p.startswith("/latest/"):
            self.entry["service"] = "imds"
            return self.imds()
        if p.startswith("/container"):
            self.entry["service"] = "container"
            return self.container()
        target = self.headers.get("X-Amz-Target")
        if m == "POST" and target:
            self.entry["service"] = "logs"
            self.entry["target"] = target
            self.entry["op"] = target.rpartition(".")[2]
            return self.logs(target)
        if m == "POST" and p == "/":
            form = dict(urllib.parse.parse_qsl(
                self.body.decode("utf-8", "replace"), keep_blank_values=True))
            if form.get("Action") == "DescribeNetworkInterfaces":
                self.entry["service"] = "ec2"
                self.entry["op"] = form["Action"]
                return self.ec2(form)
            self.entry["service"] = "sts"
            return self.sts()
        if m in ("GET", "HEAD", "PUT"):
            self.entry["service"] = "s3"
            return self.s3()
        self.entry["service"] = "s3"
        raise AwsError(405, "MethodNotAllowed",
                       "The specified method is not allowed here.")

    # ------------------------------------------------------------ responses

    def error_body(self, e):
        svc = self.entry["service"]
        rid = new_request_id()
        if svc == "logs":
            body = {"__type": e.code, "message": e.message}
            body.update(e.extra)
            return ("application/x-amz-json-1.1",
                    json.dumps(body).encode(), rid)
        if svc == "sts":
            typ = "Receiver" if e.status >= 500 else "Sender"
            x = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s'
                 '</Code><Message>%s</Message></Error><RequestId>%s'
                 '</RequestId></ErrorResponse>' % (STS_NS, typ, e.code,
                                                   xml_escape(e.message), rid))
            return "text/xml", x.encode(), rid
        if svc == "ec2":
            x = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors>'
                 '<Error><Code>%s</Code><Message>%s</Message></Error>'
                 '</Errors><RequestID>%s</RequestID></Response>'
                 % (e.code, xml_escape(e.message), rid))
            return "text/xml;charset=UTF-8", x.encode(), rid
        if svc in ("container", "imds"):
            return ("application/json",
                    json.dumps({"code": e.code,
                                "message": e.message}).encode(), rid)
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s'
                 '</Code><Message>%s</Message>' % (e.code,
                                                   xml_escape(e.message))]
        for k, v in e.extra.items():
            parts.append("<%s>%s</%s>" % (k, xml_escape(v), k))
        parts.append("<RequestId>%s</RequestId><HostId>mock</HostId>"
                     "</Error>" % rid)
        return "application/xml", "".join(parts).encode(), rid

    def send_error_shape(self, e):
        ctype, body, rid = self.error_body(e)
        self.entry["error"] = e.code
        hdrs = {"Content-Type": ctype}
        if self.entry["service"] == "logs" or self.entry["service"] == "sts":
            hdrs["x-amzn-RequestId"] = rid
        else:
            hdrs["x-amz-request-id"] = rid
        if "Region" in e.extra:
            hdrs["x-amz-bucket-region"] = e.extra["Region"]
        self.reply(e.status, hdrs, body, apply_body_faults=False)

    def reply(self, status, headers, body, apply_body_faults=True,
              content_length=None):
        """Sends a response; honours reset/truncate faults on the body."""
        f = self.fault if apply_body_faults else None
        self.send_response(status)
        self.entry["status"] = status
        for k, v in headers.items():
            self.send_header(k, v)
        total = len(body) if content_length is None else content_length
        self.send_header("Content-Length", str(total))
        self.send_header("Date", email.utils.formatdate(usegmt=True))
        if f is not None and f.kind in ("reset", "truncate"):
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            self.entry["bytes"] = 0
            return
        if f is not None and f.kind in ("reset", "truncate"):
            cut = f.spec.get("bytes")
            if cut is None:
                cut = len(body) // 2
            cut = max(0, min(int(cut), max(len(body) - 1, 0)))
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.entry["bytes"] = cut
            self.close_connection = True
            if f.kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET,
                                           socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                with self.server.reset_lock:
                    self.server.reset_socks.add(id(self.connection))
            return
        self.wfile.write(body)
        self.entry["bytes"] = len(body)

    # --------------------------------------------------------------- faults

    def apply_fault(self):
        """Picks a fault for the current request.  Error faults raise
        AwsError; 'slow' sleeps; body faults are remembered for reply()."""
        info = {"service": self.entry["service"], "op": self.entry["op"],
                "path": self.raw_path + ("?" + self.raw_query
                                         if self.raw_query else ""),
                "akid": self.entry["akid"],
                "target": self.entry.get("target", "")}
        f = self.st.pick_fault(info)
        if f is None:
            return None
        self.entry["fault"] = f.kind
        self.entry["fault_id"] = f.id
        svc = self.entry["service"]
        k = f.kind
        if k == "slow":
            time.sleep(int(f.spec.get("ms", 1000)) / 1000.0)
            return None
        if k in ("reset", "truncate", "object_changed"):
            self.fault = f
            return f
        if svc == "ec2" and k in ("throttle", "unavailable", "internal",
                                  "access_denied", "expired_token"):
            raise AwsError(*{
                "throttle": (503, "RequestLimitExceeded",
                             "Request limit exceeded."),
                "unavailable": (503, "Unavailable", "The server is "
                                "overloaded and can't handle the request."),
                "internal": (500, "InternalError", "An internal error has "
                             "occurred."),
                "access_denied": (403, "UnauthorizedOperation", "You are not "
                                  "authorized to perform this operation."),
                "expired_token": (400, "RequestExpired", "Request has "
                                  "expired."),
            }[k])
        if k == "throttle":
            if svc == "s3":
                raise AwsError(503, "SlowDown", "Please reduce your request "
                               "rate.")
            if svc == "sts":
                raise AwsError(400, "Throttling", "Rate exceeded")
            raise AwsError(400, "ThrottlingException", "Rate exceeded")
        if k == "unavailable":
            if svc == "s3":
                raise AwsError(503, "ServiceUnavailable", "Service is unable "
                               "to handle request.")
            raise AwsError(500, "ServiceUnavailableException",
                           "The service cannot complete the request.")
        if k == "internal":
            if svc == "s3":
                raise AwsError(500, "InternalError", "We encountered an "
                               "internal error. Please try again.")
            raise AwsError(500, "ServiceUnavailableException",
                           "The service cannot complete the request.")
        if k == "access_denied":
            if svc == "s3":
                raise AwsError(403, "AccessDenied", "Access Denied")
            if svc == "sts":
                raise AwsError(403, "AccessDenied", "User is not authorized "
                               "to perform: sts:AssumeRole")
            raise AwsError(400, "AccessDeniedException", "User is not "
                           "authorized to perform: logs:%s"
                           % (self.entry["op"] or "?"))
        if k == "expired_token":
            if svc == "s3":
                raise AwsError(400, "ExpiredToken", "The provided token has "
                               "expired.")
            raise AwsError(400, "ExpiredTokenException", "The security token "
                           "included in the request is expired")
        if k == "status":
            raise AwsError(int(f.spec.get("status", 500)),
                           f.spec.get("code", "InternalError"),
                           f.spec.get("message", "injected error"))
        raise AwsError(500, "InternalError", "unknown fault kind %r" % k)

    # ------------------------------------------------------------ signature

    def verify(self, service):
        """Checks the SigV4 signature of the current request with botocore.
        Returns the akid; raises AwsError with the service's shape."""
        auth = self.headers.get("Authorization")
        svc = self.entry["service"]
        if not auth:
            self.entry["signed"] = "no"
            if svc == "logs":
                raise AwsError(400, "MissingAuthenticationTokenException",
                               "Missing Authentication Token")
            if svc == "sts":
                raise AwsError(403, "MissingAuthenticationToken",
                               "Request is missing Authentication Token")
            if svc == "ec2":
                raise AwsError(401, "AuthFailure", "AWS was not able to "
                               "validate the provided access credentials")
            raise AwsError(403, "AccessDenied", "Access Denied")
        self.entry["signed"] = "bad"
        m = re.fullmatch(r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/"
                         r"([^/,\s]+)/([^/,\s]+)/aws4_request\s*,\s*"
                         r"SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)",
                         auth.strip())
        if not m:
            self.fail_sig("IncompleteSignature",
                          "Authorization header is malformed")
        akid, date, region, scope_svc, signed, sig = m.groups()
        self.entry["akid"] = akid
        acct = self.st.accounts.get(akid)
        if acct is None:
            if svc == "logs":
                raise AwsError(400, "UnrecognizedClientException",
                               "The security token included in the request "
                               "is invalid.")
            if svc == "sts":
                raise AwsError(403, "InvalidClientTokenId",
                               "The security token included in the request "
                               "is invalid.")
            if svc == "ec2":
                raise AwsError(401, "AuthFailure", "AWS was not able to "
                               "validate the provided access credentials")
            raise AwsError(403, "InvalidAccessKeyId", "The AWS Access Key Id "
                           "you provided does not exist in our records.",
                           {"AWSAccessKeyId": akid})
        if scope_svc != service:
            self.fail_sig("IncompleteSignature",
                          "Credential should be scoped to correct service: "
                          "'%s'." % service)
        if service != "sts" and region != self.st.cfg["region"]:
            if svc == "s3":
                raise AwsError(400, "AuthorizationHeaderMalformed",
                               "The authorization header is malformed; the "
                               "region '%s' is wrong; expecting '%s'"
                               % (region, self.st.cfg["region"]),
                               {"Region": self.st.cfg["region"]})
            self.fail_sig("InvalidSignatureException",
                          "Credential should be scoped to a valid region.")
        amzdate = self.headers.get("X-Amz-Date")
        signed_list = signed.split(";")
        if not amzdate or "x-amz-date" not in signed_list:
            self.fail_sig("IncompleteSignature",
                          "X-Amz-Date must be present and signed")
        if "host" not in signed_list:
            self.fail_sig("IncompleteSignature", "host must be signed")
        if amzdate[:8] != date:
            self.fail_sig("SignatureDoesNotMatch", "Date in Credential scope "
                          "does not match YYYYMMDD from X-Amz-Date")
        try:
            ts = calendar.timegm(time.strptime(amzdate, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            self.fail_sig("IncompleteSignature", "X-Amz-Date is malformed")
        if self.st.cfg.get("check_clock") and abs(ts - time.time()) > 900:
            if svc == "s3":
                raise AwsError(403, "RequestTimeTooSkewed", "The difference "
                               "between the request time and the current "
                               "time is too large.")
            self.fail_sig("InvalidSignatureException", "Signature expired: "
                          "%s is now earlier or later than the allowed "
                          "window" % amzdate)
        token = acct.get("token")
        sent_token = self.headers.get("X-Amz-Security-Token")
        if token:
            if sent_token is None or "x-amz-security-token" not in \
                    signed_list:
                if svc == "logs":
                    raise AwsError(400, "UnrecognizedClientException",
                                   "The security token included in the "
                                   "request is invalid.")
                if svc == "sts":
                    raise AwsError(403, "InvalidClientTokenId",
                                   "The security token included in the "
                                   "request is invalid.")
                raise AwsError(403, "InvalidAccessKeyId", "The AWS Access "
                               "Key Id you provided does not exist in our "
                               "records.", {"AWSAccessKeyId": akid})
            if not hmac.compare_digest(sent_token.encode(), token.encode()):
                if svc == "s3":
                    raise AwsError(400, "InvalidToken", "The provided token "
                                   "is malformed or otherwise invalid.")
                if svc == "sts":
                    raise AwsError(403, "InvalidClientTokenId",
                                   "The security token included in the "
                                   "request is invalid.")
                raise AwsError(400, "UnrecognizedClientException",
                               "The security token included in the request "
                               "is invalid.")
        elif sent_token is not None:
            if svc == "s3":
                raise AwsError(400, "InvalidToken", "The provided token is "
                               "malformed or otherwise invalid.")
            raise AwsError(400 if svc == "logs" else 403,
                           "UnrecognizedClientException"
                           if svc == "logs" else "InvalidClientTokenId",
                           "The security token included in the request is "
                           "invalid.")
        exp = acct.get("expires")
        if exp is not None and time.time() > exp:
            if svc == "s3":
                raise AwsError(400, "ExpiredToken", "The provided token has "
                               "expired.")
            raise AwsError(400 if svc == "logs" else 403,
                           "ExpiredTokenException" if svc == "logs"
                           else "ExpiredToken",
                           "The security token included in the request is "
                           "expired")
        # The payload hash header, when present, must be signed and true.
        sha_hdr = self.headers.get("X-Amz-Content-SHA256")
        body_hash = hashlib.sha256(self.body).hexdigest()
        if service == "s3":
            if sha_hdr is None or "x-amz-content-sha256" not in signed_list:
                raise AwsError(400, "InvalidRequest", "Missing required "
                               "header for this request: "
                               "x-amz-content-sha256")
        if sha_hdr is not None:
            ok = sha_hdr == body_hash or (service == "s3" and
                                          sha_hdr == "UNSIGNED-PAYLOAD")
            if not ok:
                if svc == "s3":
                    raise AwsError(400, "XAmzContentSHA256Mismatch",
                                   "The provided 'x-amz-content-sha256' "
                                   "header does not match what was "
                                   "computed.")
                self.fail_sig("InvalidSignatureException",
                              "x-amz-content-sha256 does not match the body")
        # Rebuild the request with only the signed headers.
        if service == "s3":
            canon_path = urllib.parse.quote(
                urllib.parse.unquote(self.raw_path), safe="/~")
            params = split_query(self.raw_query, plus_is_space=True)
        else:
            canon_path = self.raw_path
            params = split_query(self.raw_query, plus_is_space=False)
        host = self.headers.get("Host", "")
        req = AWSRequest(method=self.command,
                         url="http://" + host + canon_path,
                         data=self.body)
        for name in list(req.headers.keys()):
            del req.headers[name]
        for name in signed_list:
            vals = self.headers.get_all(name) or []
            if not vals:
                self.fail_sig("SignatureDoesNotMatch", "signed header %s is "
                              "missing" % name)
            for v in vals:
                req.headers[name] = v
        req.params = params
        req.context["timestamp"] = amzdate
        creds = Credentials(akid, acct["secret"], token)
        signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(
            creds, service, region)
        canon = signer.canonical_request(req)
        sts = signer.string_to_sign(req, canon)
        want = signer.signature(sts, req)
        their_signed = ";".join(sorted(signed_list))
        if their_signed != signer.signed_headers(
                signer.headers_to_sign(req)):
            self.fail_sig("SignatureDoesNotMatch",
                          "SignedHeaders list not usable (sorted: %s)"
                          % their_signed, canon, sts)
        if not hmac.compare_digest(want, sig):
            self.fail_sig("SignatureDoesNotMatch", "The request signature we "
                          "calculated does not match the signature you "
                          "provided.", canon, sts)
        self.entry["signed"] = "yes"
        if acct.get("deny"):
            raise AwsError(403 if svc != "logs" else 400,
                           "AccessDenied" if svc != "logs"
                           else "AccessDeniedException",
                           "account is denied by the mock configuration")
        return akid

    def fail_sig(self, code, msg, canon=None, sts=None):
        svc = self.entry["service"]
        if svc == "ec2":
            raise AwsError(401, "AuthFailure", "AWS was not able to validate "
                           "the provided access credentials (%s)" % msg)
        if svc == "logs":
            if code == "SignatureDoesNotMatch":
                code = "InvalidSignatureException"
            text = msg
            if canon is not None:
                text += ("\n\nThe Canonical String for this request should "
                         "have been\n'%s'\n\nThe String-to-Sign should have "
                         "been\n'%s'\n" % (canon, sts))
            raise AwsError(400, code, text)
        if svc == "sts":
            text = msg
            if canon is not None:
                text += ("\n\nThe Canonical String for this request should "
                         "have been\n'%s'\n\nThe String-to-Sign should have "
                         "been\n'%s'\n" % (canon, sts))
            raise AwsError(403, "SignatureDoesNotMatch"
                           if code != "IncompleteSignature" else code, text)
        extra = {}
        if canon is not None:
            extra = {"StringToSign": sts, "CanonicalRequest": canon}
        raise AwsError(403, "SignatureDoesNotMatch"
                       if code != "IncompleteSignature" else "AccessDenied",
                       msg, extra)

    # ----------------------------------------------------------------- logs

    def logs(self, target):
        op = self.entry["op"]
        self.verify("logs")
        try:
            req = json.loads(self.body or b"{}")
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            raise AwsError(400, "SerializationException",
                           "the request body is not a JSON object")
        self.entry["req"] = {k: v for k, v in req.items()
                             if k != "nextToken"}
        if "nextToken" in req:
            self.entry["req"]["nextToken"] = "sha256:" + hashlib.sha256(
                str(req["nextToken"]).encode()).hexdigest()[:12]
        if not target.startswith("Logs_20140328."):
            raise AwsError(400, "UnknownOperationException",
                           "unknown target prefix")
        self.apply_fault()
        if op == "FilterLogEvents":
            out = self.filter_log_events(req)
        elif op == "DescribeLogStreams":
            out = self.describe_log_streams(req)
        else:
            raise AwsError(400, "UnknownOperationException",
                           "operation %s is not served by the mock" % op)
        body = json.dumps(out).encode()
        self.reply(200, {"Content-Type": "application/x-amz-json-1.1",
                         "x-amzn-RequestId": new_request_id()}, body)

    def group_name(self, req):
        name = req.get("logGroupName")
        ident = req.get("logGroupIdentifier")
        if name is not None and ident is not None:
            raise AwsError(400, "InvalidParameterException",
                           "LogGroup name and LogGroup ARN are mutually "
                           "exclusive parameters.")
        if name is None and ident is None:
            raise AwsError(400, "InvalidParameterException",
                           "Either logGroupName or logGroupIdentifier must "
                           "be given")
        if ident is not None:
            m = re.fullmatch(r"arn:aws[a-z-]*:logs:[^:]*:\d*:log-group:"
                             r"(.+?)(:\*)?", ident)
            name = m.group(1) if m else ident
        if not isinstance(name, str) or not re.fullmatch(r"[\.\-_/#A-Za-z0-9]"
                                                         r"{1,512}", name):
            raise AwsError(400, "InvalidParameterException",
                           "invalid log group name")
        return name

    def load_group(self, name):
        """Returns {stream: [(ts, ingest, lineno, message)]} or None."""
        gdir = os.path.join(self.st.data, "logs",
                            urllib.parse.quote(name, safe=""))
        if not os.path.isdir(gdir):
            return None
        files = sorted(f for f in os.listdir(gdir) if f.endswith(".jsonl"))
        sig = tuple((f, os.stat(os.path.join(gdir, f)).st_mtime_ns,
                     os.stat(os.path.join(gdir, f)).st_size) for f in files)
        with self.st.lock:
            hit = self.st.cache.get(gdir)
        if hit and hit[0] == sig:
            return hit[1]
        streams = {}
        for f in files:
            sname = urllib.parse.unquote(f[:-len(".jsonl")])
            evs = []
            with open(os.path.join(gdir, f)) as fh:
                for i, line in enumerate(fh):
                    if not line.strip():
                        continue
                    e = json.loads(line)
                    ts = int(e["timestamp"])
                    evs.append((ts, int(e.get("ingestionTime", ts + 60000)),
                                i, e["message"]))
            streams[sname] = evs
        with self.st.lock:
            self.st.cache[gdir] = (sig, streams)
        return streams

    def make_token(self, kind, state):
        raw = json.dumps(state, sort_keys=True).encode()
        return kind + "/" + base64.b64encode(b"\xfb\xff" + raw).decode() \
            + "+=="

    def read_token(self, kind, tok):
        try:
            if not tok.startswith(kind + "/") or not tok.endswith("+=="):
                raise ValueError
            raw = base64.b64decode(tok[len(kind) + 1:-3], validate=True)
            if raw[:2] != b"\xfb\xff":
                raise ValueError
            return json.loads(raw[2:])
        except (ValueError, TypeError):
            return None

    def filter_log_events(self, req):
        name = self.group_name(req)
        streams = self.load_group(name)
        if streams is None:
            raise AwsError(400, "ResourceNotFoundException",
                           "The specified log group does not exist.")
        names = req.get("logStreamNames")
        prefix = req.get("logStreamNamePrefix")
        if names is not None and prefix is not None:
            raise AwsError(400, "InvalidParameterException",
                           "logStreamNames and logStreamNamePrefix are "
                           "mutually exclusive")
        if req.get("filterPattern"):
            raise AwsError(400, "InvalidParameterException",
                           "the mock does not implement filterPattern")
        limit = req.get("limit", 10000)
        if not isinstance(limit, int) or not 1 <= limit <= 10000:
            raise AwsError(400, "InvalidParameterException",
                           "limit must be between 1 and 10000")
        start = req.get("startTime")
        end = req.get("endTime")
        for v in (start, end):
            if v is not None and (not isinstance(v, int) or v < 0):
                raise AwsError(400, "InvalidParameterException",
                               "startTime/endTime must be non-negative "
                               "integers (ms)")
        query = {"g": name, "s": start, "e": end, "p": prefix, "n": names}
        qhash = hashlib.sha256(json.dumps(query, sort_keys=True).encode()
                               ).hexdigest()[:16]
        pos, page = 0, 0
        if "nextToken" in req:
            t = self.read_token("fle", req["nextToken"] or "")
            if t is None or t.get("q") != qhash:
                raise AwsError(400, "InvalidParameterException",
                               "The specified nextToken is invalid.")
            pos, page = t["o"], t["k"]
        evs = []
        for sname, lst in streams.items():
            if names is not None and sname not in names:
                continue
            if prefix is not None and not sname.startswith(prefix):
                continue
            for ts, ing, ln, msg in lst:
                if start is not None and ts < start:
                    continue
                if end is not None and ts > end:
                    continue
                evs.append((ts, ing, sname, ln, msg))
        evs.sort()
        cfg = self.st.cfg
        every = int(cfg.get("logs_empty_every") or 0)
        empty = (page == 0 and cfg.get("logs_empty_first")) or \
            (every > 0 and page % every == every - 1)
        size = min(limit, int(cfg["logs_page_size"]))
        out_evs = []
        if not empty:
            for ts, ing, sname, ln, msg in evs[pos:pos + size]:
                out_evs.append({"logStreamName": sname, "timestamp": ts,
                                "message": msg, "ingestionTime": ing,
                                "eventId": "%020d%s%06d" % (
                                    ts, hashlib.md5(sname.encode())
                                    .hexdigest()[:8], ln)})
            pos += len(out_evs)
        out = {"events": out_evs, "searchedLogStreams": []}
        if pos < len(evs) or (empty and page == 0):
            out["nextToken"] = self.make_token("fle", {"q": qhash, "o": pos,
                                                       "k": page + 1})
        self.entry["events"] = len(out_evs)
        self.entry["next_token"] = "nextToken" in out
        return out

    def describe_log_streams(self, req):
        name = self.group_name(req)
        streams = self.load_group(name)
        if streams is None:
            raise AwsError(400, "ResourceNotFoundException",
                           "The specified log group does not exist.")
        prefix = req.get("logStreamNamePrefix") or ""
        if req.get("orderBy") == "LastEventTime" and prefix:
            raise AwsError(400, "InvalidParameterException",
                           "Cannot order by LastEventTime with a "
                           "logStreamNamePrefix.")
        limit = req.get("limit", 50)
        if not isinstance(limit, int) or not 1 <= limit <= 50:
            raise AwsError(400, "InvalidParameterException",
                           "limit must be between 1 and 50")
        names = sorted(s for s in streams if s.startswith(prefix))
        if req.get("descending"):
            names.reverse()
        pos = 0
        if "nextToken" in req:
            t = self.read_token("dls", req["nextToken"] or "")
            if t is None:
                raise AwsError(400, "InvalidParameterException",
                               "The specified nextToken is invalid.")
            pos = t["o"]
        size = min(limit, int(self.st.cfg["logs_streams_page_size"]))
        out_streams = []
        for s in names[pos:pos + size]:
            lst = streams[s]
            first = min((e[0] for e in lst), default=None)
            last = max((e[0] for e in lst), default=None)
            ing = max((e[1] for e in lst), default=None)
            d = {"logStreamName": s, "creationTime": first or 0,
                 "arn": "arn:aws:logs:%s:%s:log-group:%s:log-stream:%s"
                 % (self.st.cfg["region"], DEFAULT_ACCOUNT_ID, name, s),
                 "storedBytes": 0}
            if first is not None:
                d.update({"firstEventTimestamp": first,
                          "lastEventTimestamp": last,
                          "lastIngestionTime": ing})
            out_streams.append(d)
        pos += len(out_streams)
        out = {"logStreams": out_streams}
        if pos < len(names):
            out["nextToken"] = self.make_token("dls", {"o": pos})
        return out

    # ------------------------------------------------------------------- s3

    def s3(self):
        path = urllib.parse.unquote(self.raw_path)
        if not path.startswith("/") or path == "/":
            self.entry["op"] = "ListBuckets"
            self.verify("s3")
            raise AwsError(501, "NotImplemented", "ListBuckets is not served "
                           "by the mock")
        bucket, _, key = path[1:].partition("/")
        params = dict(split_query(self.raw_query, plus_is_space=True))
        if key == "":
            if "list-type" in params:
                self.entry["op"] = "ListObjectsV2"
            elif "location" in params:
                self.entry["op"] = "GetBucketLocation"
            else:
                self.entry["op"] = "ListObjects"
        else:
            self.entry["op"] = {"HEAD": "HeadObject", "PUT": "PutObject"}.get(
                self.command, "GetObject")
            self.entry["key"] = key
        self.verify("s3")
        bdir = os.path.join(self.st.data, "s3", bucket)
        if not bucket or "/" in bucket or bucket in (".", "..") or \
                not os.path.isdir(bdir):
            raise AwsError(404, "NoSuchBucket", "The specified bucket does "
                           "not exist", {"BucketName": bucket})
        self.apply_fault()
        if self.entry["op"] == "ListObjectsV2":
            return self.list_objects_v2(bucket, bdir, params)
        if self.entry["op"] == "GetBucketLocation":
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<LocationConstraint xmlns="%s">%s</LocationConstraint>'
                    % (S3_NS, "" if self.st.cfg["region"] == "us-east-1"
                       else self.st.cfg["region"])).encode()
            return self.reply(200, {"Content-Type": "application/xml"}, body)
        if self.entry["op"] == "ListObjects":
            raise AwsError(501, "NotImplemented", "ListObjects (v1) is not "
                           "served by the mock; use list-type=2")
        if self.command == "PUT":
            if key == "":
                raise AwsError(501, "NotImplemented", "only PutObject is "
                               "served by the mock")
            return self.put_object(bucket, bdir, key)
        return self.get_object(bucket, bdir, key)

    def put_object(self, bucket, bdir, key):
        """PutObject: the body becomes DIR/s3/BUCKET/KEY (written to a
        temporary file, then renamed), so later GETs and lists see it."""
        full = os.path.normpath(os.path.join(bdir, key))
        if not full.startswith(os.path.normpath(bdir) + os.sep) or \
                key.endswith("/") or os.path.isdir(full):
            raise AwsError(400, "InvalidArgument", "unusable key for the "
                           "mock: %s" % key)
        self.entry["key"] = key
        self.entry["content_sha256"] = self.headers.get("X-Amz-Content-SHA256")
        self.entry["put_bytes"] = len(self.body)
        cl = self.headers.get("Content-Length")
        if cl is None:
            raise AwsError(411, "MissingContentLength", "You must provide "
                           "the Content-Length HTTP header.")
        md5 = self.headers.get("Content-MD5")
        if md5 is not None and md5 != base64.b64encode(
                hashlib.md5(self.body).digest()).decode():
            raise AwsError(400, "BadDigest", "The Content-MD5 you specified "
                           "did not match what we received.")
        os.makedirs(os.path.dirname(full), exist_ok=True)
        tmp = "%s.mock-put.%d" % (full, threading.get_ident())
        with open(tmp, "wb") as f:
            f.write(self.body)
        os.replace(tmp, full)
        with self.st.lock:
            self.st.generation.pop((bucket, key), None)
        self.reply(200, {"ETag": self.etag(bucket, key, full),
                         "x-amz-request-id": new_request_id()}, b"")

    # ------------------------------------------------------------------ ec2

    def ec2(self, form):
        """DescribeNetworkInterfaces (Query API): the interfaces of
        DIR/ec2/network-interfaces.json (the JSON `aws ec2
        describe-network-interfaces` prints) as EC2 XML, in pages of
        min(MaxResults, ec2_page_size) chained by NextToken."""
        self.verify("ec2")
        self.apply_fault()
        if form.get("Version") != "2016-11-15":
            raise AwsError(400, "InvalidParameterValue", "unexpected Version "
                           "%r" % form.get("Version"))
        try:
            max_results = int(form.get("MaxResults", "1000"))
            if not 5 <= max_results <= 1000:
                raise ValueError
        except ValueError:
            raise AwsError(400, "InvalidParameterValue", "MaxResults must "
                           "be between 5 and 1000")
        path = os.path.join(self.st.data, "ec2", "network-interfaces.json")
        try:
            with open(path) as f:
                nis = json.load(f).get("NetworkInterfaces", [])
        except FileNotFoundError:
            nis = []
        start = 0
        tok = form.get("NextToken")
        if tok is not None:
            t = self.read_token("ni", tok)
            if t is None or not isinstance(t.get("o"), int):
                raise AwsError(400, "InvalidParameterValue", "The "
                               "NextToken is not valid")
            start = t["o"]
        n = min(max_results, int(self.st.cfg["ec2_page_size"]))
        page = nis[start:start + n]
        nxt = self.make_token("ni", {"o": start + n}) \
            if start + n < len(nis) else None
        self.entry["interfaces"] = len(page)
        self.entry["next_token"] = nxt is not None
        self.entry["max_results"] = max_results
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<DescribeNetworkInterfacesResponse xmlns="%s">'
                 '<requestId>%s</requestId><networkInterfaceSet>'
                 % (EC2_NS, new_request_id())]
        for ni in page:
            parts.append(ec2_xml("item", ni))
        parts.append("</networkInterfaceSet>")
        if nxt is not None:
            parts.append("<nextToken>%s</nextToken>" % xml_escape(nxt))
        parts.append("</DescribeNetworkInterfacesResponse>")
        self.reply(200, {"Content-Type": "text/xml;charset=UTF-8"},
                   "".join(parts).encode())

    def all_keys(self, bdir):
        keys = []
        for root, dirs, files in os.walk(bdir):
            for f in files:
                full = os.path.join(root, f)
                keys.append(os.path.relpath(full, bdir).replace(os.sep, "/"))
        keys.sort(key=lambda k: k.encode())
        return keys

    def list_objects_v2(self, bucket, bdir, p):
        prefix = p.get("prefix", "")
        delim = p.get("delimiter", "")
        try:
            max_keys = int(p.get("max-keys", "1000"))
            if max_keys < 0:
                raise ValueError
        except ValueError:
            raise AwsError(400, "InvalidArgument", "Provided max-keys not an "
                           "integer or within integer range")
        after = p.get("start-after", "")
        ctok = p.get("continuation-token")
        if ctok is not None:
            t = self.read_token("ct", ctok)
            if t is None or t.get("b") != bucket:
                raise AwsError(400, "InvalidArgument", "The continuation "
                               "token provided is incorrect",
                               {"ArgumentName": "continuation-token"})
            after = max(after, t["a"], key=lambda s: s.encode())
        enc = p.get("encoding-type")
        if enc is not None and enc != "url":
            raise AwsError(400, "InvalidArgument", "Invalid Encoding Method "
                           "specified in Request")
        items = []  # (sortkey, kind, value)
        seen_prefixes = set()
        for k in self.all_keys(bdir):
            if not k.startswith(prefix):
                continue
            if delim:
                rest = k[len(prefix):]
                i = rest.find(delim)
                if i >= 0:
                    cp = prefix + rest[:i + len(delim)]
                    if cp not in seen_prefixes:
                        seen_prefixes.add(cp)
                        items.append((cp, "p", cp))
                    continue
            items.append((k, "k", k))
        items = [it for it in items if it[0].encode() > after.encode()]
        size = min(max_keys, int(self.st.cfg["s3_page_size"]))
        page = items[:size]
        truncated = len(items) > len(page)

        def e(s):
            return xml_escape(urllib.parse.quote(s, safe="/") if enc else s)

        x = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult '
             'xmlns="%s"><Name>%s</Name><Prefix>%s</Prefix>'
             % (S3_NS, xml_escape(bucket), e(prefix))]
        if ctok is not None:
            x.append("<ContinuationToken>%s</ContinuationToken>"
                     % xml_escape(ctok))
        if "start-after" in p:
            x.append("<StartAfter>%s</StartAfter>" % e(p["start-after"]))
        x.append("<KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys>"
                 % (len(page), max_keys))
        if delim:
            x.append("<Delimiter>%s</Delimiter>" % e(delim))
        if enc:
            x.append("<EncodingType>url</EncodingType>")
        x.append("<IsTruncated>%s</IsTruncated>"
                 % ("true" if truncated else "false"))
        if truncated:
            tok = self.make_token("ct", {"b": bucket, "a": page[-1][0]})
            x.append("<NextContinuationToken>%s</NextContinuationToken>"
                     % xml_escape(tok))
        for _, kind, v in page:
            if kind == "p":
                x.append("<CommonPrefixes><Prefix>%s</Prefix>"
                         "</CommonPrefixes>" % e(v))
                continue
            full = os.path.join(bdir, v)
            stt = os.stat(full)
            etag = self.etag(bucket, v, full)
            lm = time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                               time.gmtime(stt.st_mtime))
            x.append("<Contents><Key>%s</Key><LastModified>%s</LastModified>"
                     "<ETag>%s</ETag><Size>%d</Size><StorageClass>STANDARD"
                     "</StorageClass></Contents>"
                     % (e(v), lm, xml_escape(etag), stt.st_size))
        x.append("</ListBucketResult>")
        self.entry["keys"] = len(page)
        self.entry["truncated"] = truncated
        self.reply(200, {"Content-Type": "application/xml",
                         "x-amz-request-id": new_request_id()},
                   "".join(x).encode())

    def etag(self, bucket, key, full):
        with open(full, "rb") as f:
            md5 = hashlib.md5(f.read())
        gen = self.st.generation.get((bucket, key), 0)
        if gen:
            md5.update(b"generation %d" % gen)
        return '"%s"' % md5.hexdigest()

    def get_object(self, bucket, bdir, key):
        full = os.path.normpath(os.path.join(bdir, key))
        if not full.startswith(os.path.normpath(bdir) + os.sep) or \
                not os.path.isfile(full) or key.endswith("/"):
            raise AwsError(404, "NoSuchKey", "The specified key does not "
                           "exist.", {"Key": key})
        with open(full, "rb") as f:
            data = f.read()
        etag = self.etag(bucket, key, full)
        lm = email.utils.formatdate(os.stat(full).st_mtime, usegmt=True)
        hdrs = {"ETag": etag, "Last-Modified": lm,
                "Content-Type": "application/octet-stream",
                "Accept-Ranges": "bytes",
                "x-amz-request-id": new_request_id()}
        im = self.headers.get("If-Match")
        if im is not None:
            self.entry["if_match"] = im
            wanted = [t.strip() for t in im.split(",")]
            if "*" not in wanted and etag not in wanted:
                raise AwsError(412, "PreconditionFailed", "At least one of "
                               "the pre-conditions you specified did not "
                               "hold", {"Condition": "If-Match"})
        inm = self.headers.get("If-None-Match")
        if inm is not None and etag in [t.strip() for t in inm.split(",")]:
            self.send_response(304)
            self.entry["status"] = 304
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        rng = self.headers.get("Range")
        if rng is not None:
            self.entry["range"] = rng
            m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", rng)
            if not m or (m.group(1) == "" and m.group(2) == ""):
                m = None
            if m:
                a, b = m.group(1), m.group(2)
                n = len(data)
                if a == "":
                    first, last = max(0, n - int(b)), n - 1
                else:
                    first = int(a)
                    last = n - 1 if b == "" else min(int(b), n - 1)
                if first >= n or first > last:
                    raise AwsError(416, "InvalidRange", "The requested range "
                                   "is not satisfiable",
                                   {"RangeRequested": rng,
                                    "ActualObjectSize": str(n)})
                hdrs["Content-Range"] = "bytes %d-%d/%d" % (first, last, n)
                data = data[first:last + 1]
                status = 206
        f = self.fault
        if f is not None and f.kind == "object_changed":
            # Serve part of this reply, then the object "changes": its ETag
            # is different from now on, so an If-Match resume gets 412.
            with self.st.lock:
                self.st.generation[(bucket, key)] = \
                    self.st.generation.get((bucket, key), 0) + 1
            f.kind = "reset"
        self.reply(status, hdrs, data)

    # ------------------------------------------------------------------ sts

    def sts(self):
        form = dict(urllib.parse.parse_qsl(self.body.decode("utf-8",
                                                            "replace"),
                                           keep_blank_values=True))
        action = form.get("Action", "")
        self.entry["op"] = action
        if action == "AssumeRoleWithWebIdentity":
            self.entry["signed"] = "no"
            if self.headers.get("Authorization"):
                self.entry["signed"] = "unexpected"
            self.apply_fault()
            return self.assume_role(form, web=True, src_akid=None)
        akid = self.verify("sts")
        self.apply_fault()
        if action == "AssumeRole":
            return self.assume_role(form, web=False, src_akid=akid)
        if action == "GetCallerIdentity":
            x = ('<GetCallerIdentityResponse xmlns="%s"><GetCallerIdentity'
                 'Result><Arn>arn:aws:iam::%s:user/mock</Arn><UserId>%s'
                 '</UserId><Account>%s</Account></GetCallerIdentityResult>'
                 '<ResponseMetadata><RequestId>%s</RequestId>'
                 '</ResponseMetadata></GetCallerIdentityResponse>'
                 % (STS_NS, DEFAULT_ACCOUNT_ID, akid, DEFAULT_ACCOUNT_ID,
                    new_request_id()))
            return self.reply(200, {"Content-Type": "text/xml"}, x.encode())
        raise AwsError(400, "InvalidAction", "Could not find operation %s"
                       % action)

    def assume_role(self, form, web, src_akid):
        arn = form.get("RoleArn", "")
        session = form.get("RoleSessionName", "")
        self.entry["role_arn"] = arn
        if form.get("Version") != "2011-06-15":
            raise AwsError(400, "InvalidAction", "Version must be 2011-06-15")
        if not re.fullmatch(r"[\w+=,.@-]{2,64}", session):
            raise AwsError(400, "ValidationError", "1 validation error "
                           "detected: Value at 'roleSessionName' failed to "
                           "satisfy constraint")
        try:
            dur = int(form.get("DurationSeconds", "3600"))
        except ValueError:
            dur = -1
        if not 900 <= dur <= 43200:
            raise AwsError(400, "ValidationError", "1 validation error "
                           "detected: Value at 'durationSeconds' failed to "
                           "satisfy constraint")
        role = self.st.cfg["roles"].get(arn)
        if web:
            tok = form.get("WebIdentityToken", "")
            want = (role or {}).get("web_identity_token")
            if role is None or not want:
                raise AwsError(403, "AccessDenied", "Not authorized to "
                               "perform sts:AssumeRoleWithWebIdentity")
            if not hmac.compare_digest(tok.encode(), want.encode()):
                raise AwsError(400, "InvalidIdentityToken", "The web "
                               "identity token that was passed could not be "
                               "validated by AWS.")
        else:
            ok = role is not None and "source_akid" in role
            if ok and role["source_akid"] is not None:
                srcs = role["source_akid"]
                srcs = [srcs] if isinstance(srcs, str) else srcs
                ok = src_akid in srcs
            if ok and role.get("external_id") is not None:
                ok = form.get("ExternalId") == role["external_id"]
            if not ok:
                raise AwsError(403, "AccessDenied", "User: %s is not "
                               "authorized to perform: sts:AssumeRole on "
                               "resource: %s" % (src_akid, arn))
        akid, secret, token, exp = self.st.issue(dur, "sts:" + arn)
        self.entry["issued_akid"] = akid
        res = "AssumeRoleWithWebIdentity" if web else "AssumeRole"
        rname = arn.rpartition("/")[2]
        x = ('<%sResponse xmlns="%s"><%sResult><Credentials><AccessKeyId>%s'
             '</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>'
             '<SessionToken>%s</SessionToken><Expiration>%s</Expiration>'
             '</Credentials><AssumedRoleUser><AssumedRoleId>AROAMOCK:%s'
             '</AssumedRoleId><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>'
             '</AssumedRoleUser></%sResult><ResponseMetadata><RequestId>%s'
             '</RequestId></ResponseMetadata></%sResponse>'
             % (res, STS_NS, res, akid, xml_escape(secret),
                xml_escape(token), now_iso(exp), xml_escape(session),
                DEFAULT_ACCOUNT_ID, xml_escape(rname), xml_escape(session),
                res, new_request_id(), res))
        self.reply(200, {"Content-Type": "text/xml"}, x.encode())

    # ---------------------------------------------- container credentials

    def container(self):
        self.entry["op"] = "GetCredentials"
        if self.command != "GET":
            raise AwsError(405, "MethodNotAllowed", "GET only")
        want = self.st.cfg["container"].get("authorization")
        got = self.headers.get("Authorization")
        self.entry["authorization"] = "present" if got else "absent"
        if want is not None and (got is None or not hmac.compare_digest(
                got.encode(), want.encode())):
            raise AwsError(401, "Unauthorized", "authorization header "
                           "missing or wrong")
        self.apply_fault()
        akid, secret, token, exp = self.st.issue(3600, "container")
        self.entry["issued_akid"] = akid
        body = json.dumps({"AccessKeyId": akid, "SecretAccessKey": secret,
                           "Token": token, "Expiration": now_iso(exp),
                           "RoleArn": "arn:aws:iam::%s:role/container"
                           % DEFAULT_ACCOUNT_ID}).encode()
        self.reply(200, {"Content-Type": "application/json"}, body)

    # ----------------------------------------------------------------- imds

    def imds(self):
        p = self.raw_path
        if p == "/latest/api/token":
            self.entry["op"] = "GetToken"
            if self.command != "PUT":
                raise AwsError(405, "MethodNotAllowed", "PUT only")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or \
                    not 1 <= int(ttl) <= 21600:
                raise AwsError(400, "BadRequest", "missing or invalid "
                               "X-aws-ec2-metadata-token-ttl-seconds")
            self.apply_fault()
            tok = base64.b64encode(secrets.token_bytes(42)).decode()
            with self.st.lock:
                self.st.imds_tokens[tok] = time.time() + int(ttl)
            return self.reply(200, {"Content-Type": "text/plain",
                                    "X-aws-ec2-metadata-token-ttl-seconds":
                                    ttl}, tok.encode())
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with self.st.lock:
            exp = self.st.imds_tokens.get(tok or "")
        self.entry["imds_token"] = "valid" if exp and exp > time.time() \
            else ("absent" if tok is None else "invalid")
        if self.command != "GET":
            raise AwsError(405, "MethodNotAllowed", "GET only")
        if self.entry["imds_token"] != "valid":
            self.entry["op"] = "Metadata"
            raise AwsError(401, "Unauthorized", "IMDSv2 token required")
        role = self.st.cfg["imds"]["role"]
        base = "/latest/meta-data/iam/security-credentials/"
        if p == "/latest/meta-data/placement/region":
            self.entry["op"] = "GetRegion"
            self.apply_fault()
            return self.reply(200, {"Content-Type": "text/plain"},
                              self.st.cfg["imds"]["region"].encode())
        if p in (base, base[:-1]):
            self.entry["op"] = "ListRoles"
            self.apply_fault()
            return self.reply(200, {"Content-Type": "text/plain"},
                              role.encode())
        if p == base + role:
            self.entry["op"] = "GetRoleCredentials"
            self.apply_fault()
            akid, secret, token, exp = self.st.issue(21600, "imds")
            self.entry["issued_akid"] = akid
            body = json.dumps({"Code": "Success",
                               "LastUpdated": now_iso(time.time()),
                               "Type": "AWS-HMAC", "AccessKeyId": akid,
                               "SecretAccessKey": secret, "Token": token,
                               "Expiration": now_iso(exp)}, indent=2)
            return self.reply(200, {"Content-Type": "text/plain"},
                              body.encode())
        self.entry["op"] = "Metadata"
        raise AwsError(404, "NotFound", "no such metadata path")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="served content (DIR/s3, "
                    "DIR/logs)")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", help="one JSON line per request")
    ap.add_argument("--faults", help="faults JSON file, re-read per request")
    ap.add_argument("--config", help="JSON config file (see README.md)")
    ap.add_argument("--accounts", help="JSON object or file: akid -> "
                    "{secret, token}")
    ap.add_argument("--logs-page-size", type=int)
    ap.add_argument("--logs-empty-every", type=int)
    ap.add_argument("--s3-page-size", type=int)
    ap.add_argument("--ec2-page-size", type=int)
    ap.add_argument("--no-clock-check", action="store_true")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = ap.parse_args()
    state = State(args)
    srv = Server(("127.0.0.1", 0), Handler, state)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # A client that refuses the certificate fails the handshake in
        # accept(); socketserver drops that connection and goes on.
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    port = srv.server_address[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
