#!/bin/sh
# SPDX-License-Identifier: MIT
# --eni-info: the JSON of `aws ec2 describe-network-interfaces` names the
# interfaces (a later file wins for the same id); interfaces no file
# describes stay, shown as unknown; a bad file is a usage error (exit 2).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
AUDIT_CSV=${FR_AUDIT_CSV:-$(dirname "$FLOWREPORT")/tests/audit/fr-audit-csv}
[ -x "$AUDIT_CSV" ] || skip "fr-audit-csv not built"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
IN="$top_srcdir/tests/ref/fixtures/coverage/in"
cat >"$TMP/a.json" <<'J'
{"NetworkInterfaces": [
 {"NetworkInterfaceId": "eni-a", "Description": "old text", "VpcId": "vpc-1"},
 {"NetworkInterfaceId": "eni-b", "Description": "bastion, \"ssh\"", "VpcId": "vpc-1",
  "SubnetId": "subnet-9", "Attachment": {"InstanceId": "i-0b"},
  "Groups": [{"GroupId": "sg-1", "GroupName": "x"}, {"GroupId": "sg-2"}],
  "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5", "Primary": true},
                         {"PrivateIpAddress": "10.0.0.6"}],
  "Ipv6Addresses": [{"Ipv6Address": "2001:db8::5"}]},
 {"NetworkInterfaceId": "eni-zzz", "Description": "not in the logs"}
]}
J
cat >"$TMP/b.json" <<'J'
{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "Description": "NAT gateway",
  "VpcId": "vpc-2", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.0.1",
  "Groups": []}]}
J
mkdir "$TMP/o"
"$AUDIT_CSV" "$TMP/o" --eni-info "$TMP/a.json" --eni-info "$TMP/b.json" "$IN"
"$PYTHON" - "$TMP/o/interfaces.csv" <<'PY' || fail "interfaces.csv with --eni-info"
import csv, sys
rows = {r["interface_id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
cols = ("description", "instance_id", "vpc_id", "subnet_id", "security_groups",
        "private_addresses")
want = {
    "eni-a": ("NAT gateway", "", "vpc-2", "subnet-1", "", "10.0.0.1"),
    "eni-b": ('bastion, "ssh"', "i-0b", "vpc-1", "subnet-9", "sg-1 sg-2",
              "10.0.0.5 10.0.0.6 2001:db8::5"),
    "eni-c": ("unknown", "", "", "", "", ""),
}
assert sorted(rows) == sorted(want), sorted(rows)
for k, v in want.items():
    got = tuple(rows[k][c] for c in cols)
    assert got == v, (k, got, v)
print("eni columns ok")
PY
# without --eni-info the columns are absent
mkdir "$TMP/o2"
"$AUDIT_CSV" "$TMP/o2" "$IN"
head -n 1 "$TMP/o2/interfaces.csv" | grep -q description && fail "columns without --eni-info"
printf '{"NetworkInterfaces": [' >"$TMP/bad.json"
printf '{"Reservations": []}' >"$TMP/other.json"
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/r1" --eni-info "$TMP/bad.json" "$IN" 2>"$TMP/e1"
grep -q "bad.json:1: not JSON" "$TMP/e1" || fail "bad JSON message: $(cat "$TMP/e1")"
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/r2" --eni-info "$TMP/other.json" "$IN" 2>"$TMP/e2"
grep -q "no NetworkInterfaces" "$TMP/e2" || fail "wrong document message: $(cat "$TMP/e2")"
expect_exit 2 "$FLOWREPORT" -q -o "$TMP/r3" --eni-info "$TMP/missing.json" "$IN" 2>"$TMP/e3"
grep -q "missing.json: cannot open" "$TMP/e3" || fail "missing file message: $(cat "$TMP/e3")"
[ ! -e "$TMP/r1/windows.csv" ] || fail "a report was written despite a bad --eni-info"
expect_exit 0 "$FLOWREPORT" -q -o "$TMP/r4" --eni-info "$TMP/a.json" "$IN"
pass "--eni-info names interfaces, unknown ones stay"
