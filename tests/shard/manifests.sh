#!/bin/sh
# contrib/aws-batch (the inputs of RegisterJobDefinition and SubmitJob,
# checked against botocore's service model) and contrib/kubernetes (an
# Indexed Job of shards, a merge Job, the claim they share): their shapes, N
# agreeing between the array size or completions and --shard auto/N, the
# states written where the merge reads them, and every flowreport command
# run offline (S3 inputs replaced by an empty directory).
. "$(dirname "$0")/../lib.sh"
export AWS_EC2_METADATA_DISABLED=true FLOWREPORT_CONFIG=/dev/null
"$PYTHON" -c 'import botocore, yaml' 2>/dev/null ||
    skip "$PYTHON lacks botocore or yaml (Debian: python3-botocore python3-yaml)"
"$PYTHON" "$top_srcdir/tests/shard/check_manifests.py" "$top_srcdir/contrib" "$FLOWREPORT" "$TMP" ||
    fail "contrib/aws-batch or contrib/kubernetes (above)"
pass "contrib/aws-batch and contrib/kubernetes"
