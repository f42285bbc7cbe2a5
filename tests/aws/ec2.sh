#!/bin/sh
# SPDX-License-Identifier: MIT
# --describe-enis against the mock EC2: 25 interfaces served in 4 pages of
# the Query API's XML must give interfaces.csv the very columns that
# --eni-info gives from the same describe-network-interfaces JSON (and the
# values python computes from that JSON); interfaces EC2 does not know stay
# "unknown"; with both options the file wins; throttling is retried;
# UnauthorizedOperation exits 3 and leaves the previous report untouched.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

"$FLOWREPORT" --help | grep -q -- '--describe-enis' ||
    skip "flowreport has no --describe-enis"
export FLOWREPORT_RETRY_SCALE=0.01

D="$TMP/data"
FIX="$D/ec2/network-interfaces.json"
IN="$TMP/in/flows.log"
"$PYTHON" - "$FIX" "$IN" <<'EOF' || fail "generating the fixture"
import json, os, random, sys
fix, flows = sys.argv[1], sys.argv[2]
rnd = random.Random(9)
nis = []
for i in range(25):
    # nested elements named like the fields come first: only the direct
    # children of an item may be taken
    ni = {"Association": {"PublicIp": "203.0.113.%d" % i, "Description": "decoy",
                          "VpcId": "vpc-decoy", "NetworkInterfaceId": "eni-decoy"},
          "NetworkInterfaceId": "eni-%017x" % (0xabc000 + i),
          "Description": ["web & api <%d>" % i, "", "NAT \"gw\", zone a",
                          "caf\u00e9 \u65e5\u672c %d" % i, "lb/%d; x=1" % i][i % 5],
          "VpcId": "vpc-%04d" % (i % 3),
          "SubnetId": "subnet-%04d" % (i % 7),
          "Status": "in-use", "RequesterManaged": False,
          "TagSet": [{"Key": "Name", "Value": "n%d" % i},
                     {"Key": "description", "Value": "a tag, not the field"}]}
    if i % 4:  # some interfaces are not attached
        ni["Attachment"] = {"AttachmentId": "eni-attach-%d" % i,
                            "InstanceId": "i-%017x" % (0x500 + i),
                            "InstanceOwnerId": "123456789012",
                            "DeviceIndex": i % 2, "Status": "attached"}
    ni["Groups"] = [{"GroupId": "sg-%05d" % (i * 10 + k), "GroupName": "g%d" % k}
                    for k in range(i % 3)]
    n_ip = 1 + i % 3
    ips = ["10.%d.%d.%d" % (i % 3, i, 10 + k) for k in range(n_ip)]
    if i % 6 != 5:  # a few carry only the primary address
        ni["PrivateIpAddresses"] = [
            {"PrivateIpAddress": a, "Primary": k == 0,
             "PrivateDnsName": "ip-%s.ec2.internal" % a.replace(".", "-"),
             **({"Association": {"PublicIp": "198.51.100.%d" % i,
                                 "IpOwnerId": "amazon"}} if k == 0 else {})}
            for k, a in enumerate(ips)]
    ni["PrivateIpAddress"] = ips[0]
    if i % 2 == 0:
        ni["Ipv6Addresses"] = [{"Ipv6Address": "2001:db8::%x:%x" % (i, k)}
                               for k in range(1 + i % 4)]
    nis.append(ni)
os.makedirs(os.path.dirname(fix), exist_ok=True)
with open(fix, "w") as f:
    json.dump({"NetworkInterfaces": nis}, f, ensure_ascii=(False))
# flow records for 22 of them and 3 interfaces EC2 does not know
ids = [n["NetworkInterfaceId"] for n in nis[:22]] + \
      ["eni-0000000000000dead", "eni-0000000000000beef", "eni-00000000000000f00"]
os.makedirs(os.path.dirname(flows), exist_ok=True)
with open(flows, "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport "
            "protocol packets bytes start end action log-status\n")
    t = 1710000000
    for k in range(400):
        e = ids[k % len(ids)]
        s = t + rnd.randint(0, 3000)
        f.write("2 123456789012 %s 10.0.0.%d 10.1.0.%d %d 443 6 %d %d %d %d %s OK\n"
                % (e, rnd.randint(1, 200), rnd.randint(1, 9), rnd.randint(1024, 65000),
                   rnd.randint(1, 50), rnd.randint(40, 9000), s, s + 60,
                   rnd.choice(["ACCEPT", "REJECT"])))
EOF

mock_start "$D" --ec2-page-size 7
OKOPS='e["op"] == "DescribeNetworkInterfaces" and e["status"] == 200 and e["signed"] == "yes"'

# ---- the same columns from the API and from the file ----
"$FLOWREPORT" -q -o "$TMP/api" --describe-enis "$IN" 2>"$TMP/e.api" ||
    fail "--describe-enis run: $(cat "$TMP/e.api")"
[ "$(mock_count 'e["op"] == "DescribeNetworkInterfaces"')" -gt 0 ] ||
    fail "no DescribeNetworkInterfaces request was sent (is fr_remote_describe_enis called?)"
[ "$(mock_count "$OKOPS")" -eq 4 ] ||
    fail "expected 4 signed pages, log: $(cat "$MOCK_LOG")"
[ "$(mock_count 'e["op"] == "DescribeNetworkInterfaces" and e.get("next_token")')" -eq 3 ] ||
    fail "expected 3 pages with a NextToken"
"$FLOWREPORT" -q -o "$TMP/file" --eni-info "$FIX" "$IN" 2>"$TMP/e.file" ||
    fail "--eni-info run: $(cat "$TMP/e.file")"

COMPARE='
import csv, json, sys
def rows(p):
    return {r["interface_id"]: r for r in csv.DictReader(open(p, newline="", encoding="utf-8"))}
COLS = ("description", "instance_id", "vpc_id", "subnet_id", "security_groups",
        "private_addresses")
def expect(ni):
    ips = [a["PrivateIpAddress"] for a in ni.get("PrivateIpAddresses", [])] or \
          [ni["PrivateIpAddress"]]
    ips += [a["Ipv6Address"] for a in ni.get("Ipv6Addresses", [])]
    return (ni["Description"], ni.get("Attachment", {}).get("InstanceId", ""),
            ni["VpcId"], ni["SubnetId"], " ".join(g["GroupId"] for g in ni["Groups"]),
            " ".join(ips))
'
"$PYTHON" - "$TMP/api/interfaces.csv" "$TMP/file/interfaces.csv" "$FIX" <<EOF ||
$COMPARE
api, fil = rows(sys.argv[1]), rows(sys.argv[2])
fix = {n["NetworkInterfaceId"]: n for n in json.load(open(sys.argv[3], encoding="utf-8"))["NetworkInterfaces"]}
assert list(api) == list(fil), "interfaces differ"
assert len(api) == 25, len(api)
known = unknown = 0
for k, r in api.items():
    got = tuple(r[c] for c in COLS)
    assert got == tuple(fil[k][c] for c in COLS), (k, got)
    if k in fix:
        assert got == expect(fix[k]), (k, got, expect(fix[k]))
        known += 1
    else:
        assert got == ("unknown", "", "", "", "", ""), (k, got)
        unknown += 1
assert (known, unknown) == (22, 3), (known, unknown)
print("api == file == fixture for %d interfaces, %d unknown" % (known, unknown))
EOF
    fail "interfaces.csv from --describe-enis differs from --eni-info"

# ---- AWS_ENDPOINT_URL_EC2 is the EC2 endpoint, before AWS_ENDPOINT_URL ----
mock_log_reset
AWS_ENDPOINT_URL_EC2=$MOCK_URL AWS_ENDPOINT_URL=http://127.0.0.1:9 \
    "$FLOWREPORT" -q -o "$TMP/env" --describe-enis "$IN" 2>"$TMP/e.env" ||
    fail "AWS_ENDPOINT_URL_EC2: $(cat "$TMP/e.env")"
[ "$(mock_count "$OKOPS")" -eq 4 ] || fail "AWS_ENDPOINT_URL_EC2 not used"

# ---- both: the file wins for the interfaces it names ----
"$PYTHON" - "$FIX" "$TMP/override.json" <<'EOF'
import json, sys
nis = json.load(open(sys.argv[1], encoding="utf-8"))["NetworkInterfaces"]
one = dict(nis[3], Description="from the file", Groups=[])
json.dump({"NetworkInterfaces": [one]}, open(sys.argv[2], "w"))
EOF
"$FLOWREPORT" -q -o "$TMP/both" --eni-info "$TMP/override.json" --describe-enis "$IN" ||
    fail "--eni-info with --describe-enis"
"$PYTHON" - "$TMP/both/interfaces.csv" "$TMP/api/interfaces.csv" "$FIX" <<EOF ||
$COMPARE
both, api = rows(sys.argv[1]), rows(sys.argv[2])
nis = json.load(open(sys.argv[3], encoding="utf-8"))["NetworkInterfaces"]
over = nis[3]["NetworkInterfaceId"]
for k in api:
    if k == over:
        assert both[k]["description"] == "from the file", both[k]
        assert both[k]["security_groups"] == "", both[k]
    else:
        assert all(both[k][c] == api[k][c] for c in COLS), k
print("merge ok")
EOF
    fail "merge of --eni-info and --describe-enis"

# ---- throttling is retried ----
mock_log_reset
mock_faults '[{"fault": "throttle", "match": {"op": "DescribeNetworkInterfaces"}, "skip": 1, "count": 2}]'
"$FLOWREPORT" -q -o "$TMP/thr" --describe-enis "$IN" 2>"$TMP/e.thr" ||
    fail "throttled run: $(cat "$TMP/e.thr")"
[ "$(mock_count 'e["error"] == "RequestLimitExceeded" if "error" in e else False')" -eq 2 ] ||
    fail "expected 2 throttled requests"
[ "$(mock_count "$OKOPS")" -eq 4 ] || fail "throttled run: expected 4 good pages"
cmp -s "$TMP/thr/interfaces.csv" "$TMP/api/interfaces.csv" ||
    fail "throttled run gave another interfaces.csv"

# ---- UnauthorizedOperation: exit 3, previous report untouched ----
cp -p "$TMP/api/interfaces.csv" "$TMP/before.csv"
(cd "$TMP/api" && find . -type f -exec cksum {} + | sort) >"$TMP/before.sum"
mock_log_reset
mock_faults '[{"fault": "access_denied", "match": {"op": "DescribeNetworkInterfaces"}, "count": -1}]'
expect_exit 3 "$FLOWREPORT" -q -o "$TMP/api" --describe-enis "$IN" 2>"$TMP/e.deny"
grep -q "UnauthorizedOperation" "$TMP/e.deny" || fail "message: $(cat "$TMP/e.deny")"
grep -q "DescribeNetworkInterfaces" "$TMP/e.deny" || fail "request not named: $(cat "$TMP/e.deny")"
grep -qF "$MOCK_SECRET" "$TMP/e.deny" && fail "secret in the message"
[ "$(mock_count 'e["op"] == "DescribeNetworkInterfaces"')" -eq 1 ] ||
    fail "an authorization error was retried"
cmp -s "$TMP/before.csv" "$TMP/api/interfaces.csv" || fail "previous report changed"
(cd "$TMP/api" && find . -type f -exec cksum {} + | sort) >"$TMP/after.sum"
cmp -s "$TMP/before.sum" "$TMP/after.sum" ||
    fail "the report directory changed: $(diff "$TMP/before.sum" "$TMP/after.sum")"

# ---- throttled for good: a fatal error naming the request ----
mock_faults '[{"fault": "throttle", "match": {"op": "DescribeNetworkInterfaces"}, "count": -1}]'
expect_exit 3 "$FLOWREPORT" -q -o "$TMP/thr2" --max-attempts 3 --describe-enis "$IN" 2>"$TMP/e.thr2"
grep -q "ec2 DescribeNetworkInterfaces: RequestLimitExceeded.*after 3 attempts" "$TMP/e.thr2" ||
    fail "message: $(cat "$TMP/e.thr2")"

# ---- no region: the usual usage error, nothing sent ----
mock_faults '[]'
mock_log_reset
expect_exit 2 env -u AWS_REGION "$FLOWREPORT" -q -o "$TMP/nor" --describe-enis "$IN" 2>"$TMP/e.nor"
grep -q "no AWS region" "$TMP/e.nor" || fail "message: $(cat "$TMP/e.nor")"
[ "$(mock_count 'True')" -eq 0 ] || fail "a request was sent without a region"
pass "--describe-enis: 4 pages, same columns as --eni-info, merge, retries, exit 3"
