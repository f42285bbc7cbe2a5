#!/bin/sh
# The credential chain, region and endpoint resolution, driven through
# tests/aws/fr-aws-probe against fake ~/.aws files and the mock STS,
# container and IMDS endpoints (which check signatures with botocore).
# Every output is searched for the secrets used: none may appear.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/aws/lib.sh"

: "${FR_AWS_PROBE:=$top_srcdir/tests/aws/fr-aws-probe}"
[ -x "$FR_AWS_PROBE" ] || skip "fr-aws-probe not built ($FR_AWS_PROBE)"

OUT="$TMP/out"
mkdir -p "$OUT" "$HOME/.aws"
ROLE=arn:aws:iam::123456789012:role/flowreport-test
EXTROLE=arn:aws:iam::123456789012:role/flowreport-ext
WEBTOKEN='fake-web-identity-token.SECRET-WIT'
CTOKEN='Bearer container-SECRET-CT0K'
PROC_SECRET='procSECRETkey/with+chars0123456789abcdef'
PROC_TOKEN='procSESSIONtoken/+=SECRETTOKEN'
STDERR_SECRET='stderrSECRETshouldNEVERshow'
P1_SECRET='p1SECRETkeyAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
CONF_SECRET='confSECRETkeyBBBBBBBBBBBBBBBBBBBBBBBBBB'

# probe NAME ARGS...: runs the probe, output in $OUT/NAME, status in $OUT/NAME.rc
probe() {
    _n=$1
    shift
    set +e
    "$FR_AWS_PROBE" "$@" >"$OUT/$_n" 2>&1
    echo $? >"$OUT/$_n.rc"
    set -e
}
val() { sed -n "s/^$2=//p" "$OUT/$1" | head -n 1; }
expect() {
    _got=$(val "$1" "$2")
    [ "$_got" = "$3" ] || {
        cat "$OUT/$1" >&2
        fail "$1: $2 is '$_got', want '$3'"
    }
}
expect_rc() {
    _got=$(cat "$OUT/$1.rc")
    [ "$_got" = "$2" ] || {
        cat "$OUT/$1" >&2
        fail "$1: exit $_got, want $2"
    }
}
expect_msg() {
    grep -F -- "$2" "$OUT/$1" >/dev/null || {
        cat "$OUT/$1" >&2
        fail "$1: the output does not say '$2'"
    }
}
# no_env: the probe below runs without environment keys
no_env() { unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN; }

# The mock: roles for AssumeRole (any source key), one needing an external
# id, web identity, and a container authorization token.
cat >"$TMP/mock.json" <<EOF
{"roles": {"$ROLE": {"source_akid": null, "external_id": null, "web_identity_token": "$WEBTOKEN"},
           "$EXTROLE": {"source_akid": null, "external_id": "ext-123", "web_identity_token": null}},
 "container": {"authorization": "$CTOKEN"}}
EOF
mkdir -p "$TMP/data"
mock_start "$TMP/data" --config "$TMP/mock.json"
M1_URL=$MOCK_URL M1_LOG=$MOCK_LOG
unset AWS_ENDPOINT_URL

cat >"$HOME/.aws/credentials" <<EOF
[p1]
aws_access_key_id = AKIDP1
aws_secret_access_key = $P1_SECRET

[both]
aws_access_key_id = AKIDBOTHCREDS
aws_secret_access_key = $P1_SECRET

[profile prefixed]
aws_access_key_id = AKIDWRONG
aws_secret_access_key = $P1_SECRET
EOF

mkdir -p "$TMP/proc dir"
cat >"$TMP/proc dir/cp.sh" <<EOF
#!/bin/sh
[ "\$1" = "arg one" ] || { echo "bad argument: \$1" >&2; exit 9; }
[ -z "\${FR_TEST_EXTRA:-}" ] || { echo "unexpected environment" >&2; exit 8; }
printf '%s\n' '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$PROC_SECRET",'
printf '%s\n' ' "SessionToken": "$PROC_TOKEN", "Expiration": "2099-01-02T03:04:05Z"}'
EOF
cat >"$TMP/cp-fail.sh" <<EOF
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$PROC_SECRET"}'
echo "$STDERR_SECRET" >&2
exit 3
EOF
cat >"$TMP/cp-stderr.sh" <<EOF
#!/bin/sh
echo "$STDERR_SECRET" >&2
echo '{"Version": 1, "AccessKeyId": "AKIDPROC2", "SecretAccessKey": "$PROC_SECRET"}'
EOF
cat >"$TMP/cp-badjson.sh" <<EOF
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$PROC_SECRET" $STDERR_SECRET'
EOF
cat >"$TMP/cp-v2.sh" <<EOF
#!/bin/sh
echo '{"Version": 2, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$PROC_SECRET"}'
EOF
chmod +x "$TMP/proc dir/cp.sh" "$TMP"/cp-*.sh
printf '%s\n' "$WEBTOKEN" >"$TMP/webtoken"
printf '%s\n' "wrong-token" >"$TMP/webtoken-bad"

cat >"$HOME/.aws/config" <<EOF
[default]
region = eu-central-1

[profile both]
aws_access_key_id = AKIDBOTHCONF
aws_secret_access_key = $CONF_SECRET

[profile conly]
aws_access_key_id = AKIDCONF
aws_secret_access_key = $CONF_SECRET
region = ap-south-1
endpoint_url = http://127.0.0.1:7003/
ca_bundle = ~/ca-from-profile.pem

[bare]
aws_access_key_id = AKIDBARE
aws_secret_access_key = $CONF_SECRET

[profile svc]
region = eu-west-3
services = local
endpoint_url = http://127.0.0.1:7009

[services local]
s3 =
  endpoint_url = http://127.0.0.1:7001
# a comment between sub-keys
  addressing_style = path
cloudwatch_logs =
  endpoint_url = http://127.0.0.1:7002

[profile proc]
credential_process = "$TMP/proc dir/cp.sh" 'arg one'

[profile procfail]
credential_process = $TMP/cp-fail.sh

[profile procstderr]
credential_process = $TMP/cp-stderr.sh

[profile procbad]
credential_process = $TMP/cp-badjson.sh

[profile procv2]
credential_process = $TMP/cp-v2.sh

[profile role]
role_arn = $ROLE
source_profile = p1src
role_session_name = creds-test

[profile p1src]
aws_access_key_id = $MOCK_AKID
aws_secret_access_key = $MOCK_SECRET

[profile role2]
role_arn = $ROLE
source_profile = role
duration_seconds = 1800

[profile selfrole]
role_arn = $ROLE
source_profile = selfrole
aws_access_key_id = $MOCK_AKID
aws_secret_access_key = $MOCK_SECRET

[profile loopa]
role_arn = $ROLE
source_profile = loopb

[profile loopb]
role_arn = $ROLE
source_profile = loopa

[profile envrole]
role_arn = $ROLE
credential_source = Environment

[profile ext]
role_arn = $EXTROLE
source_profile = p1src
external_id = ext-123

[profile extbad]
role_arn = $EXTROLE
source_profile = p1src
external_id = wrong

[profile mfa]
role_arn = $ROLE
source_profile = p1src
mfa_serial = arn:aws:iam::123456789012:mfa/me

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_account_id = 123456789012

[profile web]
role_arn = $ROLE
web_identity_token_file = $TMP/webtoken

[profile webbad]
role_arn = $ROLE
web_identity_token_file = $TMP/webtoken-bad

[profile empty]
region = us-west-2
EOF

export AWS_ENDPOINT_URL_STS="$M1_URL"

# ---- environment keys ----
probe env
expect_rc env 0
expect env akid "$MOCK_AKID"
expect env source environment
expect env token no
expect env expiration 0
(AWS_SESSION_TOKEN=tokSECRETsession probe env-token)
expect env-token token yes
(AWS_SECURITY_TOKEN=tokSECRETsecurity probe env-sectoken)
expect env-sectoken token yes
(unset AWS_SECRET_ACCESS_KEY && probe env-half)
expect_rc env-half 2
expect_msg env-half "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
(unset AWS_ACCESS_KEY_ID && probe env-half2)
expect_rc env-half2 2
pass "environment keys"

# ---- precedence between environment and profiles ----
(AWS_PROFILE=p1 probe env-vs-profile)
expect env-vs-profile akid "$MOCK_AKID"
probe explicit --profile p1
expect explicit akid AKIDP1
expect explicit source "profile p1"
(no_env && AWS_PROFILE=p1 probe awsprofile)
expect awsprofile akid AKIDP1
(no_env && AWS_PROFILE=conly AWS_DEFAULT_PROFILE=p1 probe defprofile)
expect defprofile akid AKIDP1
probe both --profile both
expect both akid AKIDBOTHCREDS
probe conly --profile conly
expect conly akid AKIDCONF
probe bare --profile bare
expect_rc bare 2
expect_msg bare "profile bare is not in"
probe prefixed --profile prefixed # the credentials file has no "profile " prefix
expect_rc prefixed 2
probe missing --profile nosuch
expect_rc missing 2
probe noprofilekeys --profile empty
expect_rc noprofilekeys 2
expect_msg noprofilekeys "looked at profile empty"
pass "profile precedence"

# ---- credential_process ----
(FR_TEST_EXTRA=1 probe proc-env --profile proc)
expect_rc proc-env 2 # the child inherits our environment as it is
probe proc --profile proc
expect_rc proc 0
expect proc akid AKIDPROC
expect proc token yes
expect proc expiration "$("$PYTHON" -c 'import calendar,time;print(calendar.timegm(time.strptime("2099-01-02T03:04:05","%Y-%m-%dT%H:%M:%S")))')"
expect proc source "profile proc (credential_process)"
probe procfail --profile procfail
expect_rc procfail 2
expect_msg procfail "credential_process of profile procfail failed with exit status 3"
probe procstderr --profile procstderr
expect procstderr akid AKIDPROC2
expect procstderr token no
expect procstderr expiration 0
probe procbad --profile procbad
expect_rc procbad 2
expect_msg procbad "profile procbad"
probe procv2 --profile procv2
expect_rc procv2 2
expect_msg procv2 "Version"
pass "credential_process"

# ---- AssumeRole against the mock STS ----
mock_log_reset
probe role --profile role
expect_rc role 0
expect role source "profile role (assume role $ROLE)"
expect role token yes
case $(val role akid) in ASIA*) ;; *) fail "role: not temporary credentials" ;; esac
[ "$(mock_count 'e["op"]=="AssumeRole" and e["status"]==200 and e["signed"]=="yes" and e["akid"]=="AKIDEXAMPLE"')" -eq 1 ] ||
    fail "role: one signed AssumeRole by the source key expected"
exp=$(val role expiration)
now=$(date +%s)
[ $((exp - now)) -gt 3000 ] && [ $((exp - now)) -le 3600 ] || fail "role: expiration $exp is not about an hour away"
mock_log_reset
probe role2 --profile role2
expect_rc role2 0
[ "$(mock_count 'e["op"]=="AssumeRole" and e["status"]==200 and e["signed"]=="yes"')" -eq 2 ] ||
    fail "role2: two AssumeRole calls expected"
[ "$(mock_count 'e["op"]=="AssumeRole" and e["akid"].startswith("ASIA")')" -eq 1 ] ||
    fail "role2: the second call must be signed with the first role's credentials"
exp=$(val role2 expiration)
now=$(date +%s)
[ $((exp - now)) -le 1800 ] && [ $((exp - now)) -gt 1700 ] || fail "role2: duration_seconds not sent"
probe selfrole --profile selfrole
expect selfrole source "profile selfrole (assume role $ROLE)"
probe loop --profile loopa
expect_rc loop 2
expect_msg loop "loop"
probe envrole --profile envrole
expect_rc envrole 0
expect envrole source "profile envrole (assume role $ROLE)"
(no_env && probe envrole-none --profile envrole)
expect_rc envrole-none 2
probe ext --profile ext
expect_rc ext 0
probe extbad --profile extbad
expect_rc extbad 3
expect_msg extbad "AccessDenied"
probe mfa --profile mfa
expect_rc mfa 2
expect_msg mfa "mfa_serial"
probe sso --profile sso
expect_rc sso 2
expect_msg sso "unsupported credential source sso in profile sso"
pass "assume role"

# ---- web identity ----
mock_log_reset
(no_env && AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/webtoken" AWS_ROLE_ARN=$ROLE \
    AWS_ROLE_SESSION_NAME=web-test probe webenv)
expect_rc webenv 0
expect webenv token yes
[ "$(mock_count 'e["op"]=="AssumeRoleWithWebIdentity" and e["status"]==200 and e["signed"]=="no"')" -eq 1 ] ||
    fail "webenv: one unsigned AssumeRoleWithWebIdentity expected"
(no_env && AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/webtoken" probe webenv-noarn)
expect_rc webenv-noarn 2
probe webprof --profile web
expect_rc webprof 0
expect webprof source "profile web (web identity role $ROLE)"
probe webbad --profile webbad
expect_rc webbad 3
expect_msg webbad "InvalidIdentityToken"
pass "web identity"

# ---- container credentials ----
mock_log_reset
(no_env && AWS_CONTAINER_CREDENTIALS_FULL_URI="$M1_URL/container/creds" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN="$CTOKEN" probe container)
expect_rc container 0
expect container source "container credentials"
expect container token yes
printf '%s\n' "$CTOKEN" >"$TMP/ctoken"
(no_env && AWS_CONTAINER_CREDENTIALS_FULL_URI="$M1_URL/container/creds" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/ctoken" probe container-file)
expect_rc container-file 0
[ "$(mock_count 'e["service"]=="container" and e["status"]==200 and e["authorization"]=="present"')" -eq 2 ] ||
    fail "container: two authorised requests expected"
(no_env && AWS_CONTAINER_CREDENTIALS_FULL_URI="$M1_URL/container/creds" probe container-noauth)
expect_rc container-noauth 3
(no_env && AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.1/creds" probe container-far)
expect_rc container-far 2
expect_msg container-far "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https"
pass "container credentials"

# ---- IMDSv2 (the only case with the metadata service on) ----
mock_log_reset
mv "$HOME/.aws/config" "$HOME/.aws/config.off"
(no_env && AWS_EC2_METADATA_SERVICE_ENDPOINT="$M1_URL" AWS_EC2_METADATA_DISABLED=false probe imds)
expect_rc imds 0
expect imds source "IMDS role flowreport-test-role"
expect imds token yes
for op in GetToken ListRoles GetRoleCredentials; do
    [ "$(mock_count "e[\"op\"]==\"$op\" and e[\"status\"]==200")" -eq 1 ] || fail "imds: one $op expected"
done
[ "$(mock_count 'e["service"]=="imds" and e.get("imds_token")!="valid" and e["op"]!="GetToken"')" -eq 0 ] || fail "imds: bad token sent"
(no_env && AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9 AWS_EC2_METADATA_DISABLED=false probe imds-none)
expect_rc imds-none 2
expect_msg imds-none "instance metadata at http://127.0.0.1:9"
pass "IMDSv2"

# ---- nothing found ----
(no_env && probe nothing)
expect_rc nothing 2
for place in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
    "$HOME/.aws/credentials" "$HOME/.aws/config" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_EC2_METADATA_DISABLED; do
    expect_msg nothing "$place"
done
mv "$HOME/.aws/config.off" "$HOME/.aws/config"
pass "nothing found names every place"

# ---- refresh before expiry ----
"$PYTHON" - "$TMP/mock.json" "$TMP/mock-14.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["issued_lifetime_seconds"] = 840
json.dump(c, open(sys.argv[2], "w"))
EOF
mock_start "$TMP/data" --config "$TMP/mock-14.json"
unset AWS_ENDPOINT_URL
(AWS_ENDPOINT_URL_STS=$MOCK_URL probe refresh --profile role --get 2)
expect_rc refresh 0
[ "$(mock_count 'e["op"]=="AssumeRole" and e["status"]==200')" -eq 2 ] ||
    fail "refresh: credentials with 14 minutes left must be refreshed at the second get"
[ "$(val refresh get1.akid)" != "$(val refresh get2.akid)" ] || fail "refresh: same key after refresh"
mock_log_reset
(no_env && AWS_CONTAINER_CREDENTIALS_FULL_URI="$MOCK_URL/container/x" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN="$CTOKEN" probe refresh-container --get 3)
[ "$(mock_count 'e["service"]=="container" and e["status"]==200')" -eq 3 ] ||
    fail "refresh: container credentials must refresh too"
MOCK_LOG=$M1_LOG
mock_log_reset
(AWS_ENDPOINT_URL_STS=$M1_URL probe norefresh --profile role --get 3 --threads 8)
[ "$(mock_count 'e["op"]=="AssumeRole"')" -eq 1 ] ||
    fail "norefresh: 8 threads x 3 gets of hour-long credentials must make one call"
expect_rc norefresh 0
pass "refresh"

# ---- region ----
(unset AWS_REGION && probe reg-profile2 --profile conly)
expect reg-profile2 region ap-south-1
probe reg-env --profile conly
expect reg-env region us-east-1
(unset AWS_REGION && AWS_DEFAULT_REGION=sa-east-1 probe reg-default --profile conly)
expect reg-default region sa-east-1
(AWS_DEFAULT_REGION=sa-east-1 probe reg-both --profile conly)
expect reg-both region us-east-1
probe reg-opt --profile conly --region ca-central-1
expect reg-opt region ca-central-1
(unset AWS_REGION && probe reg-none --profile p1)
expect reg-none region ""
expect reg-none endpoint.logs ""
(unset AWS_REGION && AWS_PROFILE=p1 probe reg-default-profile)
expect reg-default-profile region ""
(unset AWS_REGION && probe reg-defaultsec)
expect reg-defaultsec region eu-central-1
pass "region precedence"

# ---- endpoints ----
unset AWS_ENDPOINT_URL_STS
probe ep-default --region eu-west-1
expect ep-default endpoint.s3 https://s3.eu-west-1.amazonaws.com
expect ep-default endpoint.logs https://logs.eu-west-1.amazonaws.com
expect ep-default endpoint.sts https://sts.eu-west-1.amazonaws.com
probe ep-cn --region cn-north-1
expect ep-cn endpoint.logs https://logs.cn-north-1.amazonaws.com.cn
probe ep-svc --profile svc
expect ep-svc endpoint.s3 http://127.0.0.1:7001
expect ep-svc endpoint.logs http://127.0.0.1:7002
expect ep-svc endpoint.sts http://127.0.0.1:7009
probe ep-prof --profile conly
expect ep-prof endpoint.s3 http://127.0.0.1:7003
(AWS_ENDPOINT_URL=http://127.0.0.1:7100 probe ep-all --profile svc)
expect ep-all endpoint.s3 http://127.0.0.1:7100
expect ep-all endpoint.logs http://127.0.0.1:7100
(AWS_ENDPOINT_URL=http://127.0.0.1:7100 AWS_ENDPOINT_URL_S3=http://127.0.0.1:7101 \
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://127.0.0.1:7102 AWS_ENDPOINT_URL_STS=http://127.0.0.1:7103 \
    probe ep-each --profile svc)
expect ep-each endpoint.s3 http://127.0.0.1:7101
expect ep-each endpoint.logs http://127.0.0.1:7102
expect ep-each endpoint.sts http://127.0.0.1:7103
(AWS_ENDPOINT_URL_S3=http://127.0.0.1:7101 probe ep-opt --profile svc --endpoint-url http://127.0.0.1:7200/)
expect ep-opt endpoint.s3 http://127.0.0.1:7200
expect ep-opt endpoint.logs http://127.0.0.1:7200
(AWS_ENDPOINT_URL_S3=http://127.0.0.1:7101 AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true probe ep-ign --profile svc)
expect ep-ign endpoint.s3 https://s3.us-east-1.amazonaws.com
expect ep-ign endpoint.sts https://sts.us-east-1.amazonaws.com
(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true probe ep-ign-opt --profile svc --endpoint-url http://127.0.0.1:7200)
expect ep-ign-opt endpoint.logs http://127.0.0.1:7200
pass "endpoint precedence"

# ---- CA bundle, paths, broken files ----
probe ca-prof --profile conly
expect ca-prof ca_bundle "$HOME/ca-from-profile.pem"
(AWS_CA_BUNDLE=/etc/env.pem probe ca-env --profile conly)
expect ca-env ca_bundle /etc/env.pem
mkdir -p "$TMP/alt"
printf '[profile alt]\naws_access_key_id = AKIDALT\naws_secret_access_key = %s\n' "$CONF_SECRET" >"$TMP/alt/conf"
(export ALTDIR=alt && AWS_CONFIG_FILE='$TMP/${ALTDIR}/conf' TMP="$TMP" probe path-vars --profile alt)
expect path-vars akid AKIDALT
mkdir -p "$HOME/x"
cp "$TMP/alt/conf" "$HOME/x/conf"
(AWS_CONFIG_FILE='~/x/conf' probe path-tilde --profile alt)
expect path-tilde akid AKIDALT
printf '[default]\nregion = us-east-1\nthis line has no equals sign\n' >"$TMP/broken"
(AWS_CONFIG_FILE="$TMP/broken" probe broken)
expect_rc broken 2
expect_msg broken "$TMP/broken:3:"
printf 'region = x\n' >"$TMP/broken2"
(AWS_SHARED_CREDENTIALS_FILE="$TMP/broken2" probe broken2)
expect_rc broken2 2
expect_msg broken2 "$TMP/broken2:1:"
printf '[default\n' >"$TMP/broken3"
(AWS_CONFIG_FILE="$TMP/broken3" probe broken3)
expect_rc broken3 2
expect_msg broken3 "$TMP/broken3:1:"
pass "CA bundle, file paths, broken files"

# ---- no secret anywhere ----
for s in "$MOCK_SECRET" "$P1_SECRET" "$CONF_SECRET" "$PROC_SECRET" "$PROC_TOKEN" "$STDERR_SECRET" \
    "$WEBTOKEN" "$CTOKEN" container-SECRET tokSECRET; do
    if grep -rF -- "$s" "$OUT" >/dev/null; then
        grep -rlF -- "$s" "$OUT" >&2
        fail "a secret ($s) appears in the probe's output"
    fi
done
pass "no secrets in any output"
