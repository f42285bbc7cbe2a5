#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Parser conformance test: every file of the shared conformance corpus, dumped
through tests/fr-dump, must produce exactly the records, malformed lines and
per-file summary stated below (rules: doc/SEMANTICS.md).

Environment:
  FR_DUMP             the dump program (default ./tests/fr-dump)
  FR_CONFORMANCE_DIR  the corpus (default $SHARED_DIR/conformance, SHARED_DIR
                      defaulting to /work/shared; read in place, never copied)

Output: one line per corpus file, "PASS name" or "FAIL name: detail".
Exit status (automake): 0 all pass, 1 any failure, 77 corpus or fr-dump absent.
See README.md next to this file for what each check asserts.
"""

import calendar
import json
import os
import re
import subprocess
import sys
import tempfile

CONF = os.environ.get("FR_CONFORMANCE_DIR") or os.path.join(
    os.environ.get("SHARED_DIR") or "/work/shared", "conformance")
FR_DUMP = os.environ.get("FR_DUMP", "./tests/fr-dump")

# ---------------------------------------------------------------------------
# Field maps (names in the order the tokens appear).  Sources: FORMATS.md §2
# (v2..v5 table order, ECS fields), §7 (TGW default order), the files' own
# header lines and the conformance README.

V2 = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
      "start end action log-status")
# AWS TCP-flag example (21 fields)
TCPF21 = ("version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr "
          "srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action "
          "tcp-flags log-status")
# AWS NAT gateway example (no version)
NAT6 = "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr"
# AWS transit-gateway example, VPC side (17 fields)
TGWVPC17 = ("version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport "
            "dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status")
# AWS service-name / traffic-path / flow-direction example (29 fields, non-table order)
SVC29 = ("version srcaddr dstaddr srcport dstport protocol start end type packets bytes "
         "account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type "
         "sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service "
         "pkt-dst-aws-service traffic-path flow-direction log-status")
# all v2..v5 fields in table order (29)
V5ALL29 = (V2 + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region "
           "az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service "
           "flow-direction traffic-path")
ECS_TABLE = ("ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn "
             "ecs-container-instance-id ecs-container-id ecs-second-container-id "
             "ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id")
ECS39 = V5ALL29 + " " + ECS_TABLE            # elastic 39-token layout
V8_40 = ECS39 + " reject-reason"             # elastic 40-token layout
OTECS24 = V2 + " " + ECS_TABLE               # OTel ECS header
# TGW default format (36 fields, FORMATS.md §7)
TGW36 = ("version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "
         "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id "
         "tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id "
         "tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start "
         "end log-status type packets-lost-no-route packets-lost-blackhole "
         "packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction "
         "pkt-src-aws-service pkt-dst-aws-service")
TGW35 = TGW36.split(" ", 1)[1]               # the same without version (beats v6 case)
# OTel TGW header (31 fields) and its CloudWatch message without packets-lost-* (27)
TGWOT31 = ("version account-id tgw-id tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id "
           "tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id "
           "tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol "
           "packets bytes packets-lost-no-route packets-lost-blackhole "
           "packets-lost-mtu-exceeded packets-lost-ttl-expired start end log-status type "
           "tcp-flags flow-direction region")
TGWCW27 = re.sub(r" packets-lost-\S+", "", TGWOT31)
CUSTOM4 = "version interface-id srcaddr dstaddr"
# flowlogs-reader headers (alphabetical)
FLR_V3 = ("account-id bytes dstaddr dstport end instance-id packets pkt-dstaddr pkt-srcaddr "
          "protocol srcaddr srcport start subnet-id tcp-flags type version vpc-id")
FLR_V4 = FLR_V3 + " region az-id sublocation-type sublocation-id"
FLR_V5 = ("account-id action az-id bytes dstaddr dstport end flow-direction instance-id "
          "interface-id log-status packets pkt-dst-aws-service pkt-dstaddr pkt-src-aws-service "
          "pkt-srcaddr protocol region srcaddr srcport start sublocation-id sublocation-type "
          "subnet-id tcp-flags traffic-path type version vpc-id")
FLR_V6 = ("resource-type tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id "
          "tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni "
          "tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id packets-lost-no-route "
          "packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired")
# beats v7 case: ECS fields in the AWS blog's order
V7ECS24 = (V2 + " ecs-task-id ecs-task-arn ecs-task-definition-arn ecs-cluster-name "
           "ecs-cluster-arn ecs-container-instance-id ecs-container-instance-arn "
           "ecs-container-id ecs-second-container-id ecs-service-name")

# Value kinds as fr-dump prints them (JSON numbers); everything else is a string.
INT_FIELDS = {"version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
              "tcp-flags", "traffic-path", "encryption-status", "packets-lost-no-route",
              "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired"}


# ---------------------------------------------------------------------------
# Expectation language.
#   R(line, FORMAT, v1, v2, ...)  a record; values follow FORMAT's names, None = absent
#   M(line, reason)               a malformed line with exactly this reason
#   Spec(file, rows, fields=--fields format, headers=, blank=, tgw=, error=)
# records/malformed/tgw counts of the summary follow from the rows.

def R(line, fmt, *values):
    names = fmt.split()
    if len(names) != len(values):
        raise SystemExit("spec error: line %d has %d values for %d fields" %
                         (line, len(values), len(names)))
    return ("rec", line, {n: v for n, v in zip(names, values) if v is not None})


def M(line, reason):
    return ("bad", line, reason)


class Spec:
    def __init__(self, name, rows, fields=None, headers=0, blank=0, tgw=False, error=None):
        self.name, self.rows, self.fields = name, rows, fields
        self.headers, self.blank, self.tgw, self.error = headers, blank, tgw, error

# ---------------------------------------------------------------------------
# What fr-dump must print for each corpus input file, line by line.

SPECS = [
    # AWS doc examples, default format, no header: ACCEPT/REJECT, NODATA, SKIPDATA, ICMP, IPv6.
    Spec("aws-docs/default-format-examples.log", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(4, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(6, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "203.0.113.12", 0, 0,
          1, 4, 336, 1432917094, 1432917142, "REJECT", "OK"),
        R(7, V2, 2, "123456789010", "eni-1235b8ca123456789",
          "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071",
          34892, 22, 6, 54, 8855, 1477913708, 1477913820, "ACCEPT", "OK"),
    ]),
    # Header without a version field; the two lines carrying a doc '#comment' have too many tokens.
    Spec("aws-docs/nat-gateway.log", headers=1, rows=[
        R(2, NAT6, None, "eni-1235b8ca123456789", "10.0.1.5", "10.0.0.220", "10.0.1.5",
          "203.0.113.5"),
        R(3, NAT6, None, "eni-1235b8ca123456789", "10.0.0.220", "203.0.113.5", "10.0.0.220",
          "203.0.113.5"),
        R(4, NAT6, None, "eni-1235b8ca123456789", "203.0.113.5", "10.0.0.220", "203.0.113.5",
          "10.0.0.220"),
        R(5, NAT6, None, "eni-1235b8ca123456789", "10.0.0.220", "10.0.1.5", "203.0.113.5",
          "10.0.1.5"),
        M(6, "expected 6 fields, got 16"),
        M(7, "expected 6 fields, got 17"),
    ]),
    # v5 header in non-table order; traffic-path 8 only on the egress record.
    Spec("aws-docs/service-name-traffic-path-flow-direction.log", headers=1, rows=[
        R(2, SVC29, 5, "52.95.128.179", "10.0.0.71", 80, 34210, 6, 1616729292, 1616729349, "IPv4",
          14, 15044, "123456789012", "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678",
          "i-0c50d5961bcb2d47b", "eni-1235b8ca123456789", "ap-southeast-2", "apse2-az3", None,
          None, "ACCEPT", 19, "52.95.128.179", "10.0.0.71", "S3", None, None, "ingress", "OK"),
        R(3, SVC29, 5, "10.0.0.71", "52.95.128.179", 34210, 80, 6, 1616729292, 1616729349, "IPv4",
          7, 471, "123456789012", "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678",
          "i-0c50d5961bcb2d47b", "eni-1235b8ca123456789", "ap-southeast-2", "apse2-az3", None,
          None, "ACCEPT", 3, "10.0.0.71", "52.95.128.179", None, "S3", 8, "egress", "OK"),
    ]),
    # v3 header; the last line has a double space, which is one separator.
    Spec("aws-docs/tcp-flag-sequence.log", headers=1, rows=[
        R(2, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43416,
          5001, "52.213.180.42", "10.0.0.62", 6, 568, 8, 1566848875, 1566848933, "ACCEPT", 2, "OK"),
        R(3, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43416, "10.0.0.62", "52.213.180.42", 6, 376, 7, 1566848875, 1566848933, "ACCEPT", 18,
          "OK"),
        R(4, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43418,
          5001, "52.213.180.42", "10.0.0.62", 6, 100701, 70, 1566848875, 1566848933, "ACCEPT", 2,
          "OK"),
        R(5, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43418, "10.0.0.62", "52.213.180.42", 6, 632, 12, 1566848875, 1566848933, "ACCEPT", 18,
          "OK"),
        R(6, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43418, "10.0.0.62", "52.213.180.42", 6, 63388, 1219, 1566848933, 1566849113, "ACCEPT", 1,
          "OK"),
        R(7, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43418,
          5001, "52.213.180.42", "10.0.0.62", 6, 23294588, 15774, 1566848933, 1566849113, "ACCEPT",
          1, "OK"),
        R(8, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43638,
          5001, "52.213.180.42", "10.0.0.62", 6, 1260, 17, 1566933133, 1566933193, "ACCEPT", 3,
          "OK"),
        R(9, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43638, "10.0.0.62", "52.213.180.42", 6, 967, 14, 1566933133, 1566933193, "ACCEPT", 19,
          "OK"),
    ]),
    # VPC-side records of a TGW path (not TGW records); the doc's '...' line is malformed.
    Spec("aws-docs/transit-gateway-vpc-side.log", headers=1, rows=[
        R(2, TGWVPC17, 3, "eni-33333333333333333", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", "i-01234567890123456", "10.20.33.164", "10.40.2.236", 39812,
          80, 6, 3, "IPv4", "10.20.33.164", "10.40.2.236", "ACCEPT", "OK"),
        M(3, "expected 17 fields, got 1"),
        R(4, TGWVPC17, 3, "eni-33333333333333333", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", "i-01234567890123456", "10.40.2.236", "10.20.33.164", 80,
          39812, 6, 19, "IPv4", "10.40.2.236", "10.20.33.164", "ACCEPT", "OK"),
        R(5, TGWVPC17, 3, "eni-11111111111111111", "123456789010", "vpc-abcdefab012345678",
          "subnet-11111111aaaaaaaaa", None, "10.40.1.175", "10.40.2.236", 39812, 80, 6, 3, "IPv4",
          "10.20.33.164", "10.40.2.236", "ACCEPT", "OK"),
        R(6, TGWVPC17, 3, "eni-22222222222222222", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", None, "10.40.2.236", "10.40.2.31", 80, 39812, 6, 19, "IPv4",
          "10.40.2.236", "10.20.33.164", "ACCEPT", "OK"),
    ]),
    Spec("elastic-beats/module-aws-vpcflow-test/accept-reject-traffic.log", headers=1, rows=[
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "78.24.182.42", "158.109.0.1", 20641,
          22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", "78.24.182.42", "158.109.0.1", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(4, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "203.0.113.12", 0, 0,
          1, 4, 336, 1432917094, 1432917142, "REJECT", "OK"),
    ]),
    # Not a flow log line at all.
    Spec("elastic-beats/module-aws-vpcflow-test/bad.log", rows=[
        M(1, "expected 14 fields, got 4"),
    ]),
    # Header starting with instance-id.
    Spec("elastic-beats/module-aws-vpcflow-test/custom-nat-gateway.log", headers=1, rows=[
        R(2, NAT6, None, "eni-1235b8ca123456789", "10.0.1.5", "10.0.0.220", "10.0.1.5",
          "203.0.113.5"),
        R(3, NAT6, "i-01234567890123456", "eni-1111aaaa2222bbbb3", "10.0.1.5", "203.0.113.5",
          "10.0.1.5", "203.0.113.5"),
    ]),
    # Headerless 17-field record: needs --fields.
    Spec("elastic-beats/module-aws-vpcflow-test/custom-transit-gateway.log", fields=TGWVPC17, rows=[
        R(1, TGWVPC17, 3, "eni-33333333333333333", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", "i-01234567890123456", "10.20.33.164", "10.40.2.236", 39812,
          80, 6, 3, "IPv4", "10.20.33.164", "10.40.2.236", "ACCEPT", "OK"),
    ]),
    Spec("elastic-beats/module-aws-vpcflow-test/ipv6.log", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789",
          "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071",
          34892, 22, 6, 54, 8855, 1477913708, 1477913820, "ACCEPT", "OK"),
    ]),
    Spec("elastic-beats/module-aws-vpcflow-test/no-data-skip-data.log", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(2, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
    ]),
    # Header repeated mid-file and an empty line (blank); custom-format SKIPDATA/NODATA.
    Spec("elastic-beats/module-aws-vpcflow-test/tcp-flag-sequence-skip-data.log", headers=2, blank=1, rows=[
        R(2, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", None, None, None, None, None, None, None, None,
          None, None, 1566848875, 1566848933, None, None, "SKIPDATA"),
        R(5, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", None, None, None, None, None, None, None, None,
          None, None, 1566848875, 1566848933, None, None, "NODATA"),
    ]),
    Spec("elastic-beats/module-aws-vpcflow-test/tcp-flag-sequence.log", headers=1, rows=[
        R(2, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43416,
          5001, "52.213.180.42", "10.0.0.62", 6, 568, 8, 1566848875, 1566848933, "ACCEPT", 2, "OK"),
    ]),
    # Default format over a file mixing 14-, 39- and 36-token lines; the corrupted ENI id is plain text.
    Spec("elastic-integrations/deploy-tf-files/test-extra-samples.log", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789",
          "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6",
          34892, 22, 6, 54, 8855, 1477913708, 1477913820, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(3, V2, 2, "123456789010", "eni-89.160.20.1561aaaaaaaaa", None, None, None, None, None,
          None, None, 1431280876, 1431280934, None, "SKIPDATA"),
        R(4, V2, 2, "123456789010", "eni-1235b8ca123456789", "89.160.20.156", "89.160.20.156",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "89.160.20.156", "89.160.20.156",
          49761, 3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(6, V2, 2, "123456789010", "eni-1235b8ca123456789", "89.160.20.156", "172.31.16.139", 0,
          0, 1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(7, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "89.160.20.156", 0,
          0, 1, 4, 336, 1432917094, 1432917142, "REJECT", "OK"),
        M(8, "expected 14 fields, got 39"),
        M(9, "expected 14 fields, got 36"),
    ]),
    # Headerless v2-v5 + ECS (39 fields); synthetic NODATA/SKIPDATA records keep their action and counters.
    Spec("elastic-integrations/test-ecs-samples.log", fields=ECS39, rows=[
        R(1, ECS39, 3, "000000000000", None, "1.128.0.0", "2a02:cf40::", 64072, 22, 17, 46, 14927,
          1755678619, 1755678641, "REJECT", "OK", None, None, None, None, None, None, None, None,
          None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/frontend-cluster", "frontend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/frontend-cluster/i-82bfd814a3c34e21a",
          "i-82bfd814a3c34e21a", "574fc0af-908", "816bc224-160", "payments-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/backend:3",
          "arn:aws:ecs:us-east-1:000000000000:task/frontend-cluster/6adbd0d6-211", "6adbd0d6-211"),
        R(2, ECS39, 3, "000000000000", None, "175.16.199.0", "67.43.156.0", 63715, 3306, 6, 6,
          1515, 1755678634, 1755678662, "ACCEPT", "NODATA", None, None, None, None, None, None,
          None, None, None, None, None, None, None, "egress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/orders-cluster", "orders-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/orders-cluster/i-1cb81722735e4bcfa",
          "i-1cb81722735e4bcfa", "7a93be1b-d3f", "b20d4561-ebb", "orders-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/backend:3",
          "arn:aws:ecs:us-east-1:000000000000:task/orders-cluster/b42ecfbe-17f", "b42ecfbe-17f"),
        R(3, ECS39, 3, "000000000000", None, "216.160.83.56", "89.160.20.128", 29034, 80, 17, 65,
          21349, 1755678649, 1755678705, "ACCEPT", "SKIPDATA", None, None, None, None, None, None,
          None, None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/frontend-cluster", "frontend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/frontend-cluster/i-f3f7cae399904a028",
          "i-f3f7cae399904a028", "212459c4-064", "cff1c25a-463", "frontend-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/payments:7",
          "arn:aws:ecs:us-east-1:000000000000:task/frontend-cluster/ae629347-4b3", "ae629347-4b3"),
        R(4, ECS39, 3, "000000000000", None, "81.2.69.142", "89.160.20.112", 27556, 80, 17, 97,
          48448, 1755678664, 1755678675, "REJECT", "OK", None, None, None, None, None, None, None,
          None, None, None, None, None, None, "egress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/payments-cluster", "payments-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/payments-cluster/i-98621a74abda45c08",
          "i-98621a74abda45c08", "e1b0b179-c52", "1bcc4b5f-aa5", "backend-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/payments:7",
          "arn:aws:ecs:us-east-1:000000000000:task/payments-cluster/3e1593ad-498", "3e1593ad-498"),
        R(5, ECS39, 3, "000000000000", None, "81.2.69.144", "81.2.69.192", 63842, 80, 17, 59,
          43499, 1755678679, 1755678730, "ACCEPT", "OK", None, None, None, None, None, None, None,
          None, None, None, None, None, None, "egress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/frontend-cluster", "frontend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/frontend-cluster/i-917b943179c94ed18",
          "i-917b943179c94ed18", "6b212e03-7f5", "61717a95-f40", "payments-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/orders:12",
          "arn:aws:ecs:us-east-1:000000000000:task/frontend-cluster/66afe9a3-36f", "66afe9a3-36f"),
        R(6, ECS39, 3, "000000000000", None, "81.2.69.192", "81.2.69.144", 14797, 8080, 6, 35,
          28455, 1755678694, 1755678736, "ACCEPT", "OK", None, None, None, None, None, None, None,
          None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/payments-cluster", "payments-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/payments-cluster/i-74911fdc5ae144248",
          "i-74911fdc5ae144248", "f006614f-149", "baa46763-445", "backend-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/frontend:19",
          "arn:aws:ecs:us-east-1:000000000000:task/payments-cluster/546efe2c-008", "546efe2c-008"),
        R(7, ECS39, 3, "000000000000", None, "89.160.20.112", "81.2.69.142", 37855, 443, 6, 35,
          22598, 1755678709, 1755678733, "REJECT", "NODATA", None, None, None, None, None, None,
          None, None, None, None, None, None, None, "egress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/orders-cluster", "orders-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/orders-cluster/i-bbc31b27d85c4df6b",
          "i-bbc31b27d85c4df6b", "6d193c93-3e6", "f0a94533-dfa", "orders-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/frontend:19",
          "arn:aws:ecs:us-east-1:000000000000:task/orders-cluster/a55434f0-3ff", "a55434f0-3ff"),
        R(8, ECS39, 3, "000000000000", None, "89.160.20.128", "216.160.83.56", 50702, 22, 17, 12,
          43027, 1755678724, 1755678739, "REJECT", "SKIPDATA", None, None, None, None, None, None,
          None, None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/orders-cluster", "orders-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/orders-cluster/i-99bcaf339b1e48c9a",
          "i-99bcaf339b1e48c9a", "a68aa4bf-8af", "3b4913a9-8ab", "frontend-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/payments:7",
          "arn:aws:ecs:us-east-1:000000000000:task/orders-cluster/a2a7bad8-0df", "a2a7bad8-0df"),
        R(9, ECS39, 3, "000000000000", None, "67.43.156.0", "175.16.199.0", 10302, 443, 6, 11,
          40977, 1755678739, 1755678763, "REJECT", "NODATA", None, None, None, None, None, None,
          None, None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/frontend-cluster", "frontend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/frontend-cluster/i-d6a2499d931444a49",
          "i-d6a2499d931444a49", "4cd98d99-f22", "443408a8-306", "backend-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/frontend:19",
          "arn:aws:ecs:us-east-1:000000000000:task/frontend-cluster/28af8733-a61", "28af8733-a61"),
        R(10, ECS39, 3, "000000000000", None, "2a02:cf40::", "1.128.0.0", 42910, 80, 17, 51, 33615,
          1755678754, 1755678775, "REJECT", "NODATA", None, None, None, None, None, None, None,
          None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/backend-cluster", "backend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/backend-cluster/i-18de3682c033431da",
          "i-18de3682c033431da", "601a6500-efa", "dea79277-480", "payments-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/orders:12",
          "arn:aws:ecs:us-east-1:000000000000:task/backend-cluster/e504f037-35c", "e504f037-35c"),
    ]),
    # No trailing newline on the last line.
    Spec("elastic-integrations/test-extra-samples.log", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789",
          "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071",
          34892, 22, 6, 54, 8855, 1477913708, 1477913820, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(3, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
        R(4, V2, 2, "123456789010", "eni-1235b8ca123456789", "78.24.182.42", "158.109.0.1", 20641,
          22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "78.24.182.42", "158.109.0.1", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(6, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(7, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "203.0.113.12", 0, 0,
          1, 4, 336, 1432917094, 1432917142, "REJECT", "OK"),
    ]),
    # Header repeated before every record (concatenated S3 objects).
    Spec("elastic-integrations/test-tcp-flag-sequence.log", headers=3, rows=[
        R(2, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43416,
          5001, "52.213.180.42", "10.0.0.62", 6, 568, 8, 1566848875, 1566848933, "ACCEPT", 2, "OK"),
        R(4, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", None, None, None, None, None, None, None, None,
          None, None, 1566848875, 1566848933, None, None, "SKIPDATA"),
        R(6, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", None, None, None, None, None, None, None, None,
          None, None, 1566848875, 1566848933, None, None, "NODATA"),
    ]),
    # Headerless TGW default order (36 fields): every record is a TGW record.
    Spec("elastic-integrations/test-tgw-samples.log", fields=TGW36, tgw=True, rows=[
        R(1, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0789ijkl", None,
          None, "vpc-0jkl5678", "vpc-0ghi9012", None, None, "eni-0cc3dd4ee5f66aa7b",
          "eni-0cc3dd4ee5f66aa7b", None, None, None, "1.128.0.0", "2a02:cf40::", 39464, 22, 6, 49,
          8947, 1755592533, 1755592558, "SKIPDATA", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(2, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0456efgh", None,
          None, "vpc-0abc1234", "vpc-0ghi9012", None, None, "eni-0ee5f66aa7bcc89d0",
          "eni-0aa1bb2cc3dd4ee5f", None, None, None, "175.16.199.0", "67.43.156.0", 56846, 80, 17,
          45, 9771, 1755592543, 1755592598, "NODATA", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(3, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0123abcd", None,
          None, "vpc-0abc1234", "vpc-0def5678", None, None, "eni-0ee5f66aa7bcc89d0",
          "eni-0dd4ee5f66aa7bcc8", None, None, None, "216.160.83.56", "89.160.20.128", 36721, 8080,
          17, 13, 6842, 1755592553, 1755592580, "OK", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(4, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0789ijkl", None,
          None, "vpc-0ghi9012", "vpc-0def5678", None, None, "eni-0aa1bb2cc3dd4ee5f",
          "eni-0bb2cc3dd4ee5f66", None, None, None, "81.2.69.142", "1.128.0.0", 3147, 3389, 17, 48,
          5970, 1755592563, 1755592613, "SKIPDATA", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(5, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0123abcd", None,
          None, "vpc-0jkl5678", "vpc-0jkl5678", None, None, "eni-0bb2cc3dd4ee5f66",
          "eni-0cc3dd4ee5f66aa7b", None, None, None, "81.2.69.144", "89.160.20.112", 59410, 80, 17,
          3, 6949, 1755592573, 1755592617, "SKIPDATA", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(6, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0mno1234", None,
          None, "vpc-0abc1234", "vpc-0ghi9012", None, None, "eni-0cc3dd4ee5f66aa7b",
          "eni-0cc3dd4ee5f66aa7b", None, None, None, "81.2.69.192", "81.2.69.144", 51593, 80, 6,
          42, 3734, 1755592583, 1755592635, "SKIPDATA", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(7, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0789ijkl", None,
          None, "vpc-0def5678", "vpc-0jkl5678", None, None, "eni-0ee5f66aa7bcc89d0",
          "eni-0cc3dd4ee5f66aa7b", None, None, None, "89.160.20.112", "81.2.69.192", 42450, 443, 6,
          3, 5749, 1755592593, 1755592652, "OK", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(8, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0789ijkl", None,
          None, "vpc-0abc1234", "vpc-0def5678", None, None, "eni-0aa1bb2cc3dd4ee5f",
          "eni-0cc3dd4ee5f66aa7b", None, None, None, "89.160.20.128", "81.2.69.142", 40879, 3389,
          17, 43, 3803, 1755592603, 1755592635, "SKIPDATA", None, None, None, None, None, None,
          None, "ingress", None, None),
        R(9, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0mno1234", None,
          None, "vpc-0ghi9012", "vpc-0jkl5678", None, None, "eni-0dd4ee5f66aa7bcc8",
          "eni-0bb2cc3dd4ee5f66", None, None, None, "67.43.156.0", "216.160.83.56", 47415, 443, 6,
          42, 4534, 1755592613, 1755592634, "OK", None, None, None, None, None, None, None,
          "ingress", None, None),
        R(10, TGW36, 3, None, "748335378900", "tgw-0a12bc34de56f7890", "tgw-attach-0456efgh", None,
          None, "vpc-0ghi9012", "vpc-0abc1234", None, None, "eni-0dd4ee5f66aa7bcc8",
          "eni-0dd4ee5f66aa7bcc8", None, None, None, "2a02:cf40::", "175.16.199.0", 20385, 3389,
          17, 9, 7659, 1755592623, 1755592681, "SKIPDATA", None, None, None, None, None, None,
          None, "ingress", None, None),
    ]),
    # start 164000066 (1975) against end 1640000297: end - start > 86400.
    Spec("elastic-integrations/test-v5-all-fields.log", fields=V5ALL29, rows=[
        M(1, "implausible duration"),
    ]),
    # Headerless 40 fields: v2-v5, ECS, reject-reason.
    Spec("elastic-integrations/test-v8-samples.log", fields=V8_40, rows=[
        R(1, V8_40, 3, "000000000000", None, "2a02:cf40::", "1.128.0.0", 42910, 80, 17, 51, 33615,
          1755678754, 1755678775, "REJECT", "NODATA", None, None, None, None, None, None, None,
          None, None, None, None, None, None, "ingress", None,
          "arn:aws:ecs:us-east-1:000000000000:cluster/backend-cluster", "backend-cluster",
          "arn:aws:ecs:us-east-1:000000000000:container-instance/backend-cluster/i-18de3682c033431da",
          "i-18de3682c033431da", "601a6500-efa", "dea79277-480", "payments-service",
          "arn:aws:ecs:us-east-1:000000000000:task-definition/orders:12",
          "arn:aws:ecs:us-east-1:000000000000:task/backend-cluster/e504f037-35c", "e504f037-35c",
          "BPA"),
    ]),
    # A {"message": ...} JSON line yields its message.
    Spec("elastic-integrations/test-with-message-field.log", rows=[
        R(1, V2, 2, "428961148399", "eni-0e0bf7be352692297", None, None, None, None, None, None,
          None, 1671029698, 1671029728, None, "NODATA"),
    ]),
    # CloudWatch messages, one per line, default format.
    Spec("flowlogs-reader/V2_RECORDS.cwl-messages.txt", rows=[
        R(1, V2, 2, "123456789010", "eni-102010ab", "198.51.100.1", "192.0.2.1", 443, 49152, 6, 10,
          840, 1439387263, 1439387264, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-102010ab", "192.0.2.1", "198.51.100.1", 49152, 443, 6, 20,
          1680, 1439387264, 1439387265, "ACCEPT", "OK"),
        R(3, V2, 2, "123456789010", "eni-102010cd", "192.0.2.1", "198.51.100.1", 49152, 443, 6, 20,
          1680, 1439387263, 1439387266, "REJECT", "OK"),
        R(4, V2, 2, "123456789010", "eni-1a2b3c4d", None, None, None, None, None, None, None,
          1431280876, 1431280934, None, "NODATA"),
        R(5, V2, 2, "123456789010", "eni-4b118871", None, None, None, None, None, None, None,
          1431280876, 1431280934, None, "SKIPDATA"),
    ]),
    # Header in alphabetical order; no interface-id, action or log-status.
    Spec("flowlogs-reader/V3_FILE.log", headers=1, rows=[
        R(2, FLR_V3, "000000000000", 6392, "172.18.160.93", 47460, 1568300425, "i-06f9249b", 10,
          "172.18.160.93", "192.168.0.1", 6, "172.18.160.68", 443, 1568300367, "subnet-089e7569",
          19, "IPv4", 3, "vpc-0461a061"),
        R(3, FLR_V3, "000000000000", 1698, "172.18.160.68", 443, 1568300425, "i-06f9249b", 10,
          "192.168.0.1", "172.18.160.9", 6, "172.18.160.93", 8088, 1568300367, "subnet-089e7569",
          3, "IPv4", 3, "vpc-0461a061"),
    ]),
    Spec("flowlogs-reader/V4_FILE.log", headers=1, rows=[
        R(2, FLR_V4, "000000000000", 6392, "172.18.160.93", 47460, 1568300425, "i-06f9249b", 10,
          "172.18.160.93", "192.168.0.1", 6, "172.18.160.68", 443, 1568300367, "subnet-089e7569",
          19, "IPv4", 4, "vpc-0461a061", "us-east-1", "use1-az4", "wavelength", "wlid04"),
        R(3, FLR_V4, "000000000000", 1698, "172.18.160.68", 443, 1568300425, "i-06f9249b", 10,
          "192.168.0.1", "172.18.160.9", 6, "172.18.160.93", 8088, 1568300367, "subnet-089e7569",
          3, "IPv4", 4, "vpc-0461a061", "us-east-1", "use1-az4", "outpost", "outpostid04"),
    ]),
    # Alphabetical v5 header; the trailing 'bogus line' is malformed.
    Spec("flowlogs-reader/V5_FILE.log", headers=1, rows=[
        R(2, FLR_V5, "999999999999", "ACCEPT", "use2-az2", 4895, "192.0.2.156", 50318, 1614866511,
          "ingress", "i-00123456789abcdef", "eni-00123456789abcdef", "OK", 15, None, "192.0.2.156",
          "S3", "198.51.100.6", 6, "us-east-2", "198.51.100.7", 443, 1614866493, None, None,
          "subnet-0123456789abcdef", 19, None, "IPv4", 5, "vpc-04456ab739938ee3f"),
        R(3, FLR_V5, "999999999999", "ACCEPT", "use2-az2", 3015, "198.51.100.6", 443, 1614866511,
          "egress", "i-00123456789abcdef", "eni-00123456789abcdef", "OK", 16, "S3", "198.51.100.7",
          None, "192.0.2.156", 6, "us-east-2", "192.0.2.156", 50318, 1614866493, None, None,
          "subnet-0123456789abcdef", 7, 7, "IPv4", 5, "vpc-04456ab739938ee3f"),
        M(4, "expected 29 fields, got 2"),
    ]),
    # TGW-only header: a TGW record without version, start or end.
    Spec("flowlogs-reader/V6_FILE.log", headers=1, tgw=True, rows=[
        R(2, FLR_V6, "TransitGateway", "00000000", "00000001", "00000002", "00000003", "00000004",
          "00000005", "00000006", "00000007", "00000008", "00000009", "00000010", "00000011",
          "00000012", 13, 14, 15, 16),
    ]),
    # A one-token CloudWatch message.
    Spec("flowlogs-reader/bogus.cwl-message.txt", rows=[
        M(1, "expected 14 fields, got 1"),
    ]),
    # Parquet is not read: summary error only, nothing else.
    Spec("flowlogs-reader/flows.parquet", error="unsupported format: Parquet", rows=[]),
    # start/end in milliseconds become seconds.
    Spec("flowlogs-reader/millisecond-timestamps.cwl-message.txt", rows=[
        R(1, V2, 2, "123456789010", "eni-4b118871", None, None, None, None, None, None, None,
          1512564058, 1512564059, None, "SKIPDATA"),
    ]),
    # Subscription payload (logEvents) with a 27-field TGW message: needs --fields.
    Spec("opentelemetry-collector-contrib/valid_tgw_flow_cw.json", fields=TGWCW27, tgw=True, rows=[
        R(1, TGWCW27, 6, "123456789012", "tgw-0abc12345def67890", "tgw-attach-0abc12345def67890",
          "vpc-0abc12345def67890", "vpc-0def12345abc67890", "subnet-0abc12345def67890",
          "subnet-0def12345abc67890", "eni-0abc12345def67890", "eni-0def12345abc67890", "use1-az1",
          "use1-az2", "tgw-attach-0def12345abc67890", "10.0.0.1", "10.0.1.1", 12345, 443, 6, 10,
          1000, 1700000000, 1700000060, "OK", "IPv4", 2, "ingress", "us-east-1"),
    ]),
    # TGW header without resource-type; packets-lost-* before start/end.
    Spec("opentelemetry-collector-contrib/valid_tgw_flow_log.log", headers=1, tgw=True, rows=[
        R(2, TGWOT31, 6, "123456789012", "tgw-0abc12345def67890", "tgw-attach-0abc12345def67890",
          "vpc-0abc12345def67890", "vpc-0def12345abc67890", "subnet-0abc12345def67890",
          "subnet-0def12345abc67890", "eni-0abc12345def67890", "eni-0def12345abc67890", "use1-az1",
          "use1-az2", "tgw-attach-0def12345abc67890", "10.0.0.1", "10.0.1.1", 12345, 443, 6, 10,
          1000, 1, 2, 3, 4, 1700000000, 1700000060, "OK", "IPv4", 2, "ingress", "us-east-1"),
    ]),
    # Subscription payload: one record per logEvents[] entry, line = event index.
    Spec("opentelemetry-collector-contrib/valid_vpc_flow_cw.json", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
    ]),
    # Subscription payload in a 4-field custom format: needs --fields.
    Spec("opentelemetry-collector-contrib/valid_vpc_flow_cw_custom.json", fields=CUSTOM4, rows=[
        R(1, CUSTOM4, 2, "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21"),
        R(2, CUSTOM4, 2, "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12"),
    ]),
    Spec("opentelemetry-collector-contrib/valid_vpc_flow_log.log", headers=1, rows=[
        R(2, V2, 2, "12345678910", "eni-0eb1e4178af74336c", None, None, None, None, None, None,
          None, 1742570089, 1742570142, None, "NODATA"),
    ]),
    # Header with v2 + ECS fields; version value 5.
    Spec("opentelemetry-collector-contrib/valid_vpc_flow_log_ecs.log", headers=1, rows=[
        R(2, OTECS24, 5, "123456789012", "eni-0abc1234def567890", "10.0.1.100", "10.0.2.200",
          49152, 22, 6, 15, 3500, 1700000000, 1700000060, "ACCEPT", "OK",
          "arn:aws:ecs:us-east-1:123456789012:cluster/my-cluster", "my-cluster",
          "arn:aws:ecs:us-east-1:123456789012:container-instance/my-cluster/abcdef",
          "abcdef1234567890", "container-1", "container-2", "my-service",
          "arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:1",
          "arn:aws:ecs:us-east-1:123456789012:task/my-cluster/abcdef", "abcdef1234567890"),
    ]),
    # No trailing newline.
    Spec("opentelemetry-collector-contrib/valid_vpc_flow_log_multi.log", headers=1, rows=[
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
    ]),
    # 13 tokens for 14 fields.
    Spec("opentelemetry-collector-contrib/vpc_flow_log_too_few_fields.log", headers=1, rows=[
        M(2, "expected 14 fields, got 13"),
    ]),
    # 15 tokens for 14 fields.
    Spec("opentelemetry-collector-contrib/vpc_flow_log_too_many_fields.log", headers=1, rows=[
        M(2, "expected 14 fields, got 15"),
    ]),
    # gzip (by magic), v2 header.
    Spec("synthetic/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20150510T1800Z_fe123456.log.gz", headers=1, rows=[
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(3, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
    ]),
    # CreateExportTask lines: the ISO-8601 prefix is removed.
    Spec("synthetic/cwl-export-000000.txt", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(4, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
    ]),
    # FilterLogEvents page: events[], line = event index.
    Spec("synthetic/filterlogevents-response.json", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(4, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
    ]),
    # GetLogEvents page: events[], line = event index.
    Spec("synthetic/getlogevents-response.json", rows=[
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(4, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
    ]),
]

# Beats processor table (aws-vpc-flow-logs.yml): case (mode suffix removed) ->
# (the case's format, tgw, rows); line N = the case's N-th sample.
YAML_SPECS = {
    "default-v2-format": (V2, False, [
        R(1, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "172.31.16.21",
          20641, 22, 6, 20, 4249, 1418530010, 1418530070, "ACCEPT", "OK"),
        R(2, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.9.69", "172.31.9.12", 49761,
          3389, 6, 20, 4249, 1418530010, 1418530070, "REJECT", "OK"),
        R(3, V2, 2, "123456789010", "eni-1235b8ca123456789", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "NODATA"),
        R(4, V2, 2, "123456789010", "eni-11111111aaaaaaaaa", None, None, None, None, None, None,
          None, 1431280876, 1431280934, None, "SKIPDATA"),
        R(5, V2, 2, "123456789010", "eni-1235b8ca123456789", "203.0.113.12", "172.31.16.139", 0, 0,
          1, 4, 336, 1432917027, 1432917142, "ACCEPT", "OK"),
        R(6, V2, 2, "123456789010", "eni-1235b8ca123456789", "172.31.16.139", "203.0.113.12", 0, 0,
          1, 4, 336, 1432917094, 1432917142, "REJECT", "OK"),
        R(7, V2, 2, "123456789010", "eni-1235b8ca123456789",
          "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071",
          34892, 22, 6, 54, 8855, 1477913708, 1477913820, "ACCEPT", "OK"),
    ]),
    "tcp-flag-sequence": (TCPF21, False, [
        R(1, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43416,
          5001, "52.213.180.42", "10.0.0.62", 6, 568, 8, 1566848875, 1566848933, "ACCEPT", 2, "OK"),
        R(2, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43416, "10.0.0.62", "52.213.180.42", 6, 376, 7, 1566848875, 1566848933, "ACCEPT", 18,
          "OK"),
        R(3, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43418,
          5001, "52.213.180.42", "10.0.0.62", 6, 100701, 70, 1566848875, 1566848933, "ACCEPT", 2,
          "OK"),
        R(4, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43418, "10.0.0.62", "52.213.180.42", 6, 632, 12, 1566848875, 1566848933, "ACCEPT", 18,
          "OK"),
        R(5, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43418, "10.0.0.62", "52.213.180.42", 6, 63388, 1219, 1566848933, 1566849113, "ACCEPT", 1,
          "OK"),
        R(6, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43418,
          5001, "52.213.180.42", "10.0.0.62", 6, 23294588, 15774, 1566848933, 1566849113, "ACCEPT",
          1, "OK"),
        R(7, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "52.213.180.42", "10.0.0.62", 43638,
          5001, "52.213.180.42", "10.0.0.62", 6, 1260, 17, 1566933133, 1566933193, "ACCEPT", 3,
          "OK"),
        R(8, TCPF21, 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456",
          "eni-1235b8ca123456789", "123456789010", "IPv4", "10.0.0.62", "52.213.180.42", 5001,
          43638, "10.0.0.62", "52.213.180.42", 6, 967, 14, 1566933133, 1566933193, "ACCEPT", 19,
          "OK"),
    ]),
    "custom-nat-gateway": (NAT6, False, [
        R(1, NAT6, None, "eni-1235b8ca123456789", "10.0.1.5", "10.0.0.220", "10.0.1.5",
          "203.0.113.5"),
        R(2, NAT6, None, "eni-1235b8ca123456789", "10.0.0.220", "203.0.113.5", "10.0.0.220",
          "203.0.113.5"),
        R(3, NAT6, None, "eni-1235b8ca123456789", "203.0.113.5", "10.0.0.220", "203.0.113.5",
          "10.0.0.220"),
        R(4, NAT6, None, "eni-1235b8ca123456789", "10.0.0.220", "10.0.1.5", "203.0.113.5",
          "10.0.1.5"),
        R(5, NAT6, "i-01234567890123456", "eni-1111aaaa2222bbbb3", "10.0.1.5", "203.0.113.5",
          "10.0.1.5", "203.0.113.5"),
        R(6, NAT6, "i-01234567890123456", "eni-1111aaaa2222bbbb3", "203.0.113.5", "10.0.1.5",
          "203.0.113.5", "10.0.1.5"),
    ]),
    "transit-gateway": (TGWVPC17, False, [
        R(1, TGWVPC17, 3, "eni-33333333333333333", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", "i-01234567890123456", "10.20.33.164", "10.40.2.236", 39812,
          80, 6, 3, "IPv4", "10.20.33.164", "10.40.2.236", "ACCEPT", "OK"),
        R(2, TGWVPC17, 3, "eni-33333333333333333", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", "i-01234567890123456", "10.40.2.236", "10.20.33.164", 80,
          39812, 6, 19, "IPv4", "10.40.2.236", "10.20.33.164", "ACCEPT", "OK"),
        R(3, TGWVPC17, 3, "eni-11111111111111111", "123456789010", "vpc-abcdefab012345678",
          "subnet-11111111aaaaaaaaa", None, "10.40.1.175", "10.40.2.236", 39812, 80, 6, 3, "IPv4",
          "10.20.33.164", "10.40.2.236", "ACCEPT", "OK"),
        R(4, TGWVPC17, 3, "eni-22222222222222222", "123456789010", "vpc-abcdefab012345678",
          "subnet-22222222bbbbbbbbb", None, "10.40.2.236", "10.40.2.31", 80, 39812, 6, 19, "IPv4",
          "10.40.2.236", "10.20.33.164", "ACCEPT", "OK"),
    ]),
    "service-name-path-direction": (SVC29, False, [
        R(1, SVC29, 5, "52.95.128.179", "10.0.0.71", 80, 34210, 6, 1616729292, 1616729349, "IPv4",
          14, 15044, "123456789012", "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678",
          "i-0c50d5961bcb2d47b", "eni-1235b8ca123456789", "ap-southeast-2", "apse2-az3", None,
          None, "ACCEPT", 19, "52.95.128.179", "10.0.0.71", "S3", None, None, "ingress", "OK"),
        R(2, SVC29, 5, "10.0.0.71", "52.95.128.179", 34210, 80, 6, 1616729292, 1616729349, "IPv4",
          7, 471, "123456789012", "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678",
          "i-0c50d5961bcb2d47b", "eni-1235b8ca123456789", "ap-southeast-2", "apse2-az3", None,
          None, "ACCEPT", 3, "10.0.0.71", "52.95.128.179", None, "S3", 8, "egress", "OK"),
    ]),
    "v5-fields": (V5ALL29, False, [
        R(1, V5ALL29, 5, "64111117617", "eni-069xxxxxb7a490", "89.160.20.156", "10.200.0.0", 50041,
          33004, 17, 52, 1, 1616729292, 1616729349, "REJECT", "OK", "vpc-09676f97xxxxxb8a7",
          "subnet-02d645xxxxxxxdbc0", "i-0axxxxxx1ad77", 1, "IPv4", "89.160.20.156", "10.200.0.80",
          "us-east-1", "use1-az5", "wavelength", "fake-id", "AMAZON", "CLOUDFRONT", "ingress", 1),
    ]),
    "v6-fields": (TGW35, True, [
        R(1, TGW35, "TransitGateway", "123456789123", "tgw-3b86d5e89ec8ebd55",
          "tgw-attach-3e0bbb28e9ac7e3d8", "123456789123", "123456789123", "vpc-3620ee62fdaf70d01",
          "vpc-3da88d2d64d3e7d16", "subnet-3fbc536e360c36caб", "subnet-3abc2577ee1022895",
          "eni-008ffff1f06bf8d10", "eni-309ffff1f06bf8d99", "us-east-1a", "us-east-1b", None,
          "10.100.8.1", "10.200.8.2", 43228, 53, 6, 1, 1600, 1766848875, 1766848933, "OK", "IPv4",
          1, 0, 2, 0, 2, "us-east-1", "egress", None, None),
    ]),
    "v7-fields": (V7ECS24, False, [
        R(1, V7ECS24, 5, "64111117617", "eni-069xxxxxb7a490", "89.160.20.156", "10.200.0.0", 50041,
          33004, 17, 52, 1, 1616729292, 1616729349, "REJECT", "OK",
          "b9ad2f8a90b24f7bbce4b0341034852f",
          "arn:aws:ecs:us-east-1:123456789012:task/DEMOGO-ECS/b9ad2f8a90b24f7bbce4b0341034852f",
          "arn:aws:ecs:us-east-1:123456789012:task-definition/catsdef:2", "DEMOGO-ECS",
          "arn:aws:ecs:us-east-1:123456789012:cluster/DEMOGO-ECS",
          "39623aba81594d79b596c0c5f556d47b",
          "arn:aws:ecs:us-east-1:123456789012:container-instance/DEMOGO-ECS/39623aba81594d79b596c0c5f556d47b",
          "0c5c6db7540ca5c4dbc692a53c1d7bab0a4e17e9cf44fc9167659c8687fd13df", None, "cats"),
    ]),
}

# ---------------------------------------------------------------------------
# Running fr-dump and comparing.

class Dump:
    def __init__(self, path, fields=None):
        self.path = path
        cmd = [FR_DUMP] + (["--fields", fields] if fields else []) + [path]
        self.problems = []
        self.entries, self.summary = {}, None
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            self.problems.append("cannot run fr-dump: %s" % e)
            return
        if p.returncode not in (0, 1):
            self.problems.append("fr-dump exit status %d: %s" %
                                 (p.returncode, p.stderr.decode("utf-8", "replace").strip()[:200]))
        objs = []
        for n, raw in enumerate(p.stdout.decode("utf-8", "replace").splitlines(), 1):
            try:
                objs.append(json.loads(raw))
            except ValueError:
                self.problems.append("output line %d is not JSON: %.80s" % (n, raw))
                return
        last = 0
        for i, o in enumerate(objs):
            if not isinstance(o, dict) or o.get("file") != path:
                self.problems.append("object %d: file is not %r: %.120s" % (i + 1, path, o))
                continue
            if "summary" in o:
                if i != len(objs) - 1:
                    self.problems.append("summary is not the last object")
                self.summary = o["summary"]
                continue
            line = o.get("line")
            if not strict_int(line) or line <= last:
                self.problems.append("bad or out-of-order line number in %.120s" % o)
                continue
            last = line
            self.entries[line] = o
        if self.summary is None:
            self.problems.append("no summary object")

    def records(self):
        return [o for _, o in sorted(self.entries.items()) if "fields" in o]


def strict_int(v):
    return type(v) is int


def same(a, b):
    """Equal values of the same JSON type (1 != 1.0, 1 != true, "1" != 1)."""
    return type(a) is type(b) and a == b


def diff_fields(got, want):
    if not isinstance(got, dict):
        return ["fields is not an object"]
    out = []
    for k in sorted(set(got) | set(want)):
        if k not in got:
            out.append("%s missing (want %r)" % (k, want[k]))
        elif k not in want:
            out.append("%s=%r unexpected (want absent)" % (k, got[k]))
        elif not same(got[k], want[k]):
            out.append("%s=%r, want %r" % (k, got[k], want[k]))
    return out


def check_rows(d, rows, tgw, error=None, headers=0, blank=0):
    """Problems of dump d against the expected rows and summary."""
    probs = list(d.problems)
    want = {line: (kind, val) for kind, line, val in rows}
    for line in sorted(set(d.entries) - set(want)):
        probs.append("line %d: unexpected %s" % (line, json.dumps(d.entries[line])[:160]))
    for line, (kind, val) in sorted(want.items()):
        o = d.entries.get(line)
        if o is None:
            probs.append("line %d: no output (want %s)" %
                         (line, "record" if kind == "rec" else "malformed: " + val))
        elif kind == "bad":
            if "malformed" not in o:
                probs.append("line %d: parsed, want malformed %r" % (line, val))
            elif o["malformed"] != val:
                probs.append("line %d: malformed %r, want %r" % (line, o["malformed"], val))
        elif "fields" not in o:
            probs.append("line %d: %s, want a record" % (line, json.dumps(o)[:160]))
        else:
            if not same(o.get("tgw"), tgw):
                probs.append("line %d: tgw=%r, want %r" % (line, o.get("tgw"), tgw))
            for p in diff_fields(o["fields"], val):
                probs.append("line %d: %s" % (line, p))
    s = d.summary
    if isinstance(s, dict):
        nrec = sum(1 for r in rows if r[0] == "rec")
        exp = {"records": nrec, "malformed": len(rows) - nrec, "headers": headers,
               "blank": blank, "tgw": nrec if tgw else 0, "unknown_fields": []}
        for k, v in exp.items():
            if not same(s.get(k), v):
                probs.append("summary %s=%r, want %r" % (k, s.get(k), v))
        if error is None and "error" in s:
            probs.append("summary error %r, want none" % s["error"])
        if error is not None and s.get("error") != error:
            probs.append("summary error %r, want %r" % (s.get("error"), error))
    elif s is not None:
        probs.append("summary is not an object")
    return probs


def epoch(iso):
    """'2015-08-12T13:47:44Z' or '...:44.000Z' -> Unix seconds."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", iso)
    if not m:
        raise ValueError("not an ISO-8601 UTC time: %r" % iso)
    return calendar.timegm(tuple(int(x) for x in m.groups()[:6]))


# ---------------------------------------------------------------------------
# Cross-checks against the peers' own expected outputs.

def check_flowlogs_reader(dumps):
    """expected-to_dict.json: FlowRecord.to_dict() per record, '-' omitted."""
    doc = json.load(open(os.path.join(CONF, "flowlogs-reader/expected-to_dict.json")))
    probs = []
    for key, exp in doc["expected"].items():
        m = re.match(r"^(.*?)(?: \(line (\d+)\)|#.*)?$", key)
        name = "flowlogs-reader/" + m.group(1)
        if name.endswith(".parquet"):
            continue  # not read by flowreport: summary error, checked with the file
        d = dumps.get(name)
        if d is None:
            probs.append("%s: not dumped" % key)
            continue
        recs = d.records()
        if isinstance(exp, list):
            if len(recs) != len(exp):
                probs.append("%s: %d records, reader has %d" % (key, len(recs), len(exp)))
            pairs = list(zip(recs, exp))
        elif m.group(2):
            pairs = [(d.entries.get(int(m.group(2)), {}), exp)]
        else:
            pairs = [(recs[0] if recs else {}, exp)] if set(exp) - {"note"} else []
            if not pairs and len(recs) != (2 if "V5_FILE" in name else 0):
                probs.append("%s: %d records, reader skips the bad line" % (key, len(recs)))
        for got, want in pairs:
            want = {k.replace("_", "-"): (epoch(v) if k in ("start", "end") else v)
                    for k, v in want.items() if k != "note"}
            partial = "note" in exp
            fields = got.get("fields", {})
            if partial:
                fields = {k: v for k, v in fields.items() if k in want}
            for p in diff_fields(fields, want):
                probs.append("%s: %s" % (key, p))
    return probs


OTEL_ATTR = {"aws.vpc.flow.log.version": "version", "network.interface.name": "interface-id",
             "source.port": "srcport", "destination.port": "dstport",
             "network.protocol.name": "protocol", "aws.vpc.flow.packets": "packets",
             "aws.vpc.flow.bytes": "bytes", "aws.vpc.flow.start": "start",
             "aws.vpc.flow.action": "action", "aws.vpc.flow.status": "log-status",
             "source.address": "srcaddr", "destination.address": "dstaddr",
             "cloud.account.id": "account-id"}
PROTO_NAME = {"icmp": 1, "tcp": 6, "udp": 17, "ipv6-icmp": 58}


def check_otel_stream(dumps, yaml):
    """stream/valid_vpc_flow_log_multi_1.yaml: OTel's log record for the first record."""
    doc = yaml.safe_load(open(os.path.join(
        CONF, "opentelemetry-collector-contrib/stream/valid_vpc_flow_log_multi_1.yaml")))
    d = dumps["opentelemetry-collector-contrib/valid_vpc_flow_log_multi.log"]
    probs = []
    rl = doc["resourceLogs"][0]
    recs = d.records()
    want = {}
    attrs = list(rl["resource"]["attributes"])
    lrs = [lr for sl in rl["scopeLogs"] for lr in sl["logRecords"]]
    if len(lrs) != 1 or not recs:
        return ["expected exactly one OTel log record and a dumped record"]
    attrs += lrs[0]["attributes"]
    for a in attrs:
        k, v = a["key"], a["value"]
        if k == "cloud.provider":
            continue
        if k not in OTEL_ATTR:
            probs.append("unmapped OTel attribute %s" % k)
            continue
        val = v.get("stringValue", v.get("intValue"))
        name = OTEL_ATTR[k]
        if name == "protocol":
            val = PROTO_NAME[val]
        elif name in INT_FIELDS:
            val = int(val)
        want[name] = val
    want["end"] = int(lrs[0]["timeUnixNano"]) // 1000000000
    probs += diff_fields(recs[0]["fields"], want)
    return probs


ELASTIC = {"cloud.account.id": "account-id", "cloud.region": "region",
           "cloud.availability_zone": "az-id", "cloud.instance.id": "instance-id",
           "source.address": "srcaddr", "source.port": "srcport",
           "destination.address": "dstaddr", "destination.port": "dstport",
           "network.bytes": "bytes", "network.packets": "packets",
           "network.iana_number": "protocol", "network.direction": "flow-direction",
           "event.action": "action", "event.reason": "reject-reason",
           "event.start": "start", "event.end": "end", "@timestamp": "end",
           "orchestrator.cluster.id": "ecs-cluster-arn",
           "orchestrator.cluster.name": "ecs-cluster-name",
           "orchestrator.resource.id": "ecs-container-instance-id",
           "orchestrator.resource.name": "ecs-container-instance-arn",
           "service.name": "ecs-service-name"}


def flatten(obj, prefix=""):
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict) and v:
            out.update(flatten(v, prefix + k + "."))
        elif not isinstance(v, dict):
            out[prefix + k] = v
    return out


def elastic_want(event):
    """Our field values implied by one elastic output document ('-' -> absent)."""
    want, absent = {}, set()
    for k, v in flatten(event).items():
        if k.startswith("aws.vpcflow."):
            name = k[len("aws.vpcflow."):].replace("_", "-")
        elif k in ELASTIC:
            name = ELASTIC[k]
        else:
            continue
        if v == "-":
            absent.add(name)
            continue
        if name in ("start", "end"):
            v = epoch(v)
        elif name in INT_FIELDS:
            v = int(v)
        if name in want and want[name] != v:
            raise ValueError("inconsistent elastic values for %s" % name)
        want[name] = v
    return want, absent


def check_elastic(dumps, expected_rel, input_rel):
    raw = json.load(open(os.path.join(CONF, expected_rel)))
    events = raw["expected"] if isinstance(raw, dict) else raw
    d = dumps[input_rel]
    data = open(os.path.join(CONF, input_rel), "rb").read()
    starts, lines = [0], data.split(b"\n")
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    probs = []
    recs = d.records()
    for i, ev in enumerate(events):
        flat = flatten(ev)
        if "log.offset" in flat:
            line = starts.index(flat["log.offset"]) + 1
        else:  # locate the line by event.original (the record text or its {"message"})
            orig = flat.get("event.original", "").encode()
            line = next((n + 1 for n, ln in enumerate(lines)
                         if ln == orig or orig and orig in ln), None)
        got = d.entries.get(line)
        want, absent = elastic_want(ev)
        tag = "line %s" % line
        if not want:  # elastic parsed nothing: the line must be malformed for us
            if not got or "malformed" not in got:
                probs.append("%s: elastic parsed nothing; want malformed, got %s" %
                             (tag, json.dumps(got)[:120]))
            continue
        if not got or "fields" not in got:
            probs.append("%s: no record (elastic has one)" % tag)
            continue
        f = got["fields"]
        for k, v in sorted(want.items()):
            if not same(f.get(k), v):
                probs.append("%s: %s=%r, elastic %r" % (tag, k, f.get(k), v))
        for k in sorted(absent):
            if k in f:
                probs.append("%s: %s=%r, elastic has '-' (absent)" % (tag, k, f[k]))
    if len(events) != len(recs) + sum(1 for o in d.entries.values() if "malformed" in o):
        probs.append("%d elastic documents for %d lines" % (len(events), len(d.entries)))
    return probs


def check_yaml(yaml):
    """Beats processor table: each case's samples (trailing '#comment' stripped)
    written to a temporary file and dumped with the case's format."""
    rel = "elastic-beats/processor-aws_vpcflow-testdata/aws-vpc-flow-logs.yml"
    doc = yaml.safe_load(open(os.path.join(CONF, rel), encoding="utf-8"))
    probs, seen = [], set()
    with tempfile.TemporaryDirectory(prefix="fr-conf-") as tmp:
        for name, case in doc.items():
            base = re.sub(r"-(original|ecs|ecs_and_original)$", "", name)
            if base not in YAML_SPECS:
                probs.append("%s: no expectation for this case" % name)
                continue
            seen.add(base)
            fmt, tgw, rows = YAML_SPECS[base]
            if case["format"] != fmt:
                probs.append("%s: format differs from the one expected here" % name)
                continue
            path = os.path.join(tmp, name + ".log")
            with open(path, "w", encoding="utf-8") as f:
                for s in case["samples"]:
                    f.write(re.sub(r"\s+#.*$", "", s) + "\n")
            probs += ["%s: %s" % (name, p)
                      for p in check_rows(Dump(path, case["format"]), rows, tgw)]
    probs += ["%s: case missing from the YAML" % b for b in sorted(set(YAML_SPECS) - seen)]
    return probs


# ---------------------------------------------------------------------------

def main():
    if not os.path.isdir(CONF):
        print("SKIP: conformance corpus %s not found" % CONF)
        return 77
    if not (os.path.isfile(FR_DUMP) and os.access(FR_DUMP, os.X_OK)):
        print("SKIP: %s not built" % FR_DUMP)
        return 77
    try:
        import yaml
    except ImportError:
        yaml = None
    results = {}
    dumps = {}
    for spec in SPECS:
        path = os.path.join(CONF, spec.name)
        if not os.path.isfile(path):
            results[spec.name] = ["file missing from the corpus"]
            continue
        d = dumps[spec.name] = Dump(path, spec.fields)
        results[spec.name] = check_rows(d, spec.rows, spec.tgw, spec.error, spec.headers,
                                        spec.blank)

    def cross(name, fn, *args):
        try:
            results[name] = fn(*args)
        except (KeyError, ValueError, IndexError, TypeError, OSError) as e:
            results[name] = ["cannot check: %s: %s" % (type(e).__name__, e)]

    cross("flowlogs-reader/expected-to_dict.json", check_flowlogs_reader, dumps)
    cross("elastic-beats/module-aws-vpcflow-test/bad.log-expected.json", check_elastic, dumps,
          "elastic-beats/module-aws-vpcflow-test/bad.log-expected.json",
          "elastic-beats/module-aws-vpcflow-test/bad.log")
    cross("elastic-beats/module-aws-vpcflow-test/no-data-skip-data.log-expected.json",
          check_elastic, dumps,
          "elastic-beats/module-aws-vpcflow-test/no-data-skip-data.log-expected.json",
          "elastic-beats/module-aws-vpcflow-test/no-data-skip-data.log")
    cross("elastic-integrations/test-v8-samples.log-expected.json", check_elastic, dumps,
          "elastic-integrations/test-v8-samples.log-expected.json",
          "elastic-integrations/test-v8-samples.log")
    cross("elastic-integrations/test-with-message-field.log-expected.json", check_elastic,
          dumps, "elastic-integrations/test-with-message-field.log-expected.json",
          "elastic-integrations/test-with-message-field.log")
    yml = "elastic-beats/processor-aws_vpcflow-testdata/aws-vpc-flow-logs.yml"
    stream = "opentelemetry-collector-contrib/stream/valid_vpc_flow_log_multi_1.yaml"
    if yaml is None:
        results[yml] = results[stream] = ["python3 yaml module not available"]
    else:
        cross(yml, check_yaml, yaml)
        cross(stream, check_otel_stream, dumps, yaml)

    failed = 0
    for root, dirs, files in os.walk(CONF):
        dirs.sort()
        for fn in sorted(files):
            rel = os.path.relpath(os.path.join(root, fn), CONF)
            if rel == "README.md":
                print("SKIP %s (documentation)" % rel)
                continue
            probs = results.pop(rel, ["no expectation for this file in conformance.py"])
            if probs:
                failed += 1
                more = " (+%d more)" % (len(probs) - 4) if len(probs) > 4 else ""
                print("FAIL %s: %s%s" % (rel, "; ".join(probs[:4]), more))
            else:
                print("PASS %s" % rel)
    for rel, probs in sorted(results.items()):  # expected files that vanished
        failed += 1
        print("FAIL %s: %s" % (rel, "; ".join(probs[:4]) or "file missing from the corpus"))
    print("%d file(s) failed" % failed if failed else "all conformance files pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
