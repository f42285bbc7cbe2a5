# SPDX-License-Identifier: MIT
"""Checks contrib/aws-batch and contrib/kubernetes.

usage: check_manifests.py CONTRIB_DIR FLOWREPORT WORKDIR

- The AWS Batch files are the inputs of RegisterJobDefinition and SubmitJob
  (aws batch ... --cli-input-json): checked against botocore's service model
  (every key a member of its shape, required members present, types, enums).
- The Kubernetes files: batch/v1 Jobs (an Indexed one for the shards), known
  keys only, containers with image and command, mounts of declared volumes,
  the claim of states-pvc.yaml.
- Across both: the shards run `flowreport --shard auto/N` with N the array
  size or the completions, save their state where the merge reads it; and
  every flowreport command is run here (S3 inputs replaced by an empty
  directory, states kept in WORKDIR): the shards must exit 0 or 1 and write
  their state, the merge must read them.
Exit 0 pass, 1 fail, 77 skip (no botocore or yaml).
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

try:
    import botocore.loaders
    import botocore.model
    import yaml
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e}")
    sys.exit(77)

errors = []


def err(msg):
    errors.append(msg)
    print(f"FAIL: {msg}", file=sys.stderr)


# --- botocore shapes ---------------------------------------------------------

def check_shape(value, shape, path):
    """Checks value against a botocore shape, recursively."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return err(f"{path}: {shape.name} is an object, not {type(value).__name__}")
        for key in value:
            if key not in shape.members:
                err(f"{path}: '{key}' is no member of {shape.name} "
                    f"({', '.join(sorted(shape.members))})")
        for key in shape.required_members:
            if key not in value:
                err(f"{path}: {shape.name} requires '{key}'")
        for key, v in value.items():
            if key in shape.members:
                check_shape(v, shape.members[key], f"{path}.{key}")
    elif t == "list":
        if not isinstance(value, list):
            return err(f"{path}: {shape.name} is a list")
        for i, v in enumerate(value):
            check_shape(v, shape.member, f"{path}[{i}]")
    elif t == "map":
        if not isinstance(value, dict):
            return err(f"{path}: {shape.name} is a map")
        for k, v in value.items():
            check_shape(k, shape.key, f"{path} key {k!r}")
            check_shape(v, shape.value, f"{path}.{k}")
    elif t == "string":
        if not isinstance(value, str):
            return err(f"{path}: {shape.name} is a string, not {value!r}")
        if shape.enum and value not in shape.enum:
            err(f"{path}: {value!r} is not one of {shape.enum}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            err(f"{path}: {shape.name} is an integer, not {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            err(f"{path}: {shape.name} is a boolean, not {value!r}")
    elif t in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            err(f"{path}: {shape.name} is a number, not {value!r}")
    else:
        err(f"{path}: shape type {t} not handled by this checker")


def batch_model():
    loader = botocore.loaders.Loader()
    return botocore.model.ServiceModel(loader.load_service_model("batch", "service-2"), "batch")


# --- flowreport commands -------------------------------------------------------

def flowreport_argv(command, index_vars, index):
    """The flowreport arguments of a container command: sh -c "... exec
    flowreport ARGS" (with the shell's $VAR and ${VAR} of the index variables
    expanded) or ["flowreport", ARGS...]."""
    if command[:2] == ["sh", "-c"] and len(command) == 3:
        script = command[2]
        for var in index_vars:
            script = script.replace("${%s}" % var, str(index)).replace("$" + var, str(index))
        if "$" in script:
            err(f"command uses a variable this checker does not know: {script}")
        part = [p for p in script.split("&&") if "flowreport" in p][-1]
        words = shlex.split(part)
        if words[0] == "exec":
            words = words[1:]
    else:
        words = list(command)
    if words[0] != "flowreport":
        err(f"command does not run flowreport: {command}")
        return []
    return words[1:]


def option(args, name):
    """The value of option name in args (the last one), or None."""
    val = None
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            val = args[i + 1]
        elif a.startswith(name + "="):
            val = a.split("=", 1)[1]
    return val


def shard_n(args, where):
    s = option(args, "--shard")
    m = re.fullmatch(r"auto/(\d+)", s or "")
    if not m:
        err(f"{where}: the shards do not run --shard auto/N ({s})")
        return None
    return int(m.group(1))


class Runner:
    """Runs flowreport commands offline: S3 URLs become local paths."""

    def __init__(self, flowreport, work):
        self.flowreport, self.work = flowreport, work
        self.empty = os.path.join(work, "empty-input")
        os.makedirs(self.empty, exist_ok=True)
        self.env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true",
                        FLOWREPORT_CONFIG="/dev/null", AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
                        AWS_SECRET_ACCESS_KEY="fake", AWS_ENDPOINT_URL="http://127.0.0.1:9")
        for v in ("AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"):
            self.env.pop(v, None)

    def local(self, path):
        """Where a state path (S3 URL or a path on the shared volume) is kept here."""
        return os.path.join(self.work, "states", re.sub(r"^s3://|^/", "", path))

    def run_shard(self, args, var, k, where):
        args = list(args)
        state = option(args, "--save-state")
        for i, a in enumerate(args):
            if i > 0 and args[i - 1] == "--save-state":
                args[i] = self.local(a)
                os.makedirs(os.path.dirname(args[i]), exist_ok=True)
            elif i > 0 and args[i - 1] in ("-o", "--output"):
                args[i] = os.path.join(self.work, f"out-{k}")
            elif a.startswith("s3://"):
                args[i] = self.empty
        env = dict(self.env, **{var: str(k)})
        p = subprocess.run([self.flowreport] + args, env=env, capture_output=True, text=True)
        if p.returncode > 1:
            err(f"{where}: shard {k}: flowreport {shlex.join(args)} exited {p.returncode}: "
                f"{p.stderr.strip()}")
        return self.local(state) if state else None

    def run_merge(self, args, states, where):
        out, ins = [], []
        for i, a in enumerate(args):
            if i > 0 and args[i - 1] in ("-o", "--output"):
                out.append(os.path.join(self.work, "merged"))
            elif a.startswith("s3://") or a.startswith("/"):
                ins.append(a)
            else:
                out.append(a)
        got = sorted(set(sum((sorted(glob.glob(self.local(a))) if "*" in a else
                              sorted(glob.glob(os.path.join(self.local(a), "*.frstate")))
                              if a.endswith("/") else [self.local(a)] for a in ins), [])))
        if got != sorted(states):
            err(f"{where}: the merge reads {got}, the shards wrote {sorted(states)}")
        p = subprocess.run([self.flowreport] + out + got, env=self.env, capture_output=True,
                           text=True)
        if p.returncode > 1:
            err(f"{where}: the merge exited {p.returncode}: {p.stderr.strip()}")


def saves_state(runner):
    """1 when this flowreport writes --save-state."""
    st = os.path.join(runner.work, "probe.frstate")
    subprocess.run([runner.flowreport, "-q", "-f", "csv", "--save-state", st, "-o",
                    os.path.join(runner.work, "probe"), runner.empty], env=runner.env,
                   capture_output=True)
    return os.path.exists(st)


# --- AWS Batch -------------------------------------------------------------------

def check_batch(d, runner, run_states):
    model = batch_model()
    load = lambda name: json.load(open(os.path.join(d, name)))
    defs = {}
    for name in ("shard-job-definition.json", "merge-job-definition.json"):
        doc = load(name)
        check_shape(doc, model.operation_model("RegisterJobDefinition").input_shape, name)
        defs[doc.get("jobDefinitionName")] = doc
        cp = doc.get("containerProperties", {})
        vols = {v.get("name") for v in cp.get("volumes", [])}
        for m in cp.get("mountPoints", []):
            if m.get("sourceVolume") not in vols:
                err(f"{name}: mount of undeclared volume {m.get('sourceVolume')}")
    submit = model.operation_model("SubmitJob").input_shape
    shards, merge = load("submit-shards.json"), load("submit-merge.json")
    check_shape(shards, submit, "submit-shards.json")
    check_shape(merge, submit, "submit-merge.json")
    for name, doc in (("submit-shards.json", shards), ("submit-merge.json", merge)):
        if doc.get("jobDefinition", "").split(":")[0] not in defs:
            err(f"{name}: job definition {doc.get('jobDefinition')} is not registered here")
    size = shards.get("arrayProperties", {}).get("size")
    if not isinstance(size, int) or not 2 <= size <= 10000:
        err(f"submit-shards.json: arrayProperties.size {size} is not 2 to 10000 (an array job)")
    # the merge waits for the whole array job: a dependency without a type
    # (N_TO_N would pair child jobs, SEQUENTIAL orders an array's own children)
    deps = merge.get("dependsOn", [])
    if len(deps) != 1 or "type" in deps[0] or not deps[0].get("jobId"):
        err(f"submit-merge.json: dependsOn {deps} is not one whole-array dependency")
    if "arrayProperties" in merge:
        err("submit-merge.json: the merge is not an array job")

    cmd = shards.get("containerOverrides", {}).get("command", [])
    args0 = flowreport_argv(cmd, ["AWS_BATCH_JOB_ARRAY_INDEX"], 0)
    if shard_n(args0, "submit-shards.json") != size:
        err(f"submit-shards.json: --shard auto/{shard_n(args0, 'x')} but {size} array jobs")
    st0, st1 = option(args0, "--save-state"), option(
        flowreport_argv(cmd, ["AWS_BATCH_JOB_ARRAY_INDEX"], 1), "--save-state")
    if not st0 or st0 == st1:
        err(f"submit-shards.json: the shards' --save-state is not per index ({st0})")
    margs = flowreport_argv(merge.get("containerOverrides", {}).get("command", []), [], 0)
    # the merge names every shard's state (a missing one then stops it,
    # rather than merging a partial night)
    urls = [a for a in margs if a.startswith("s3://")]
    want = [option(flowreport_argv(cmd, ["AWS_BATCH_JOB_ARRAY_INDEX"], k), "--save-state")
            for k in range(size if isinstance(size, int) else 0)]
    if not st0 or urls != want:
        err(f"submit-merge.json: the merge reads {urls}, the shards write {want}")
    if not option(margs, "-o"):
        err("submit-merge.json: the merge has no -o")
    mounts = [m.get("containerPath") for m in
              defs.get(merge.get("jobDefinition"), {}).get("containerProperties", {})
              .get("mountPoints", [])]
    if option(margs, "-o") and not any(option(margs, "-o").startswith(m + "/") or
                                       option(margs, "-o") == m for m in mounts):
        err(f"submit-merge.json: -o {option(margs, '-o')} is on no mounted volume {mounts}")
    if run_states:
        states = [runner.run_shard(flowreport_argv(cmd, ["AWS_BATCH_JOB_ARRAY_INDEX"], k),
                                   "AWS_BATCH_JOB_ARRAY_INDEX", k, "aws-batch")
                  for k in range(size if isinstance(size, int) else 0)]
        runner.run_merge(margs, [s for s in states if s], "aws-batch")
    return size


# --- Kubernetes ------------------------------------------------------------------

JOB_SPEC = {"completionMode", "completions", "parallelism", "backoffLimit", "template",
            "activeDeadlineSeconds", "ttlSecondsAfterFinished", "suspend", "selector",
            "manualSelector", "podFailurePolicy", "backoffLimitPerIndex", "maxFailedIndexes"}
POD_SPEC = {"containers", "restartPolicy", "volumes", "serviceAccountName", "securityContext",
            "nodeSelector", "tolerations", "affinity", "initContainers", "imagePullSecrets"}
CONTAINER = {"name", "image", "command", "args", "env", "resources", "volumeMounts",
             "securityContext", "imagePullPolicy", "workingDir", "envFrom"}


def keys(obj, allowed, where):
    if not isinstance(obj, dict):
        return err(f"{where}: not a mapping")
    for k in obj:
        if k not in allowed:
            err(f"{where}: unknown key '{k}'")


def check_job(doc, name):
    if doc.get("apiVersion") != "batch/v1" or doc.get("kind") != "Job":
        err(f"{name}: not a batch/v1 Job")
    if not doc.get("metadata", {}).get("name"):
        err(f"{name}: no metadata.name")
    spec = doc.get("spec", {})
    keys(spec, JOB_SPEC, f"{name}: spec")
    pod = spec.get("template", {}).get("spec", {})
    keys(pod, POD_SPEC, f"{name}: spec.template.spec")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        err(f"{name}: a Job's restartPolicy is Never or OnFailure")
    vols = {v.get("name"): v for v in pod.get("volumes", [])}
    cs = pod.get("containers", [])
    if len(cs) != 1:
        err(f"{name}: not one container")
    for c in cs:
        keys(c, CONTAINER, f"{name}: container")
        if not c.get("name") or not isinstance(c.get("image"), str) or not c.get("image"):
            err(f"{name}: a container without name or image")
        if not isinstance(c.get("command"), list) or not all(isinstance(w, str)
                                                             for w in c.get("command", [])):
            err(f"{name}: the command is not a list of strings")
        for m in c.get("volumeMounts", []):
            if m.get("name") not in vols or not str(m.get("mountPath", "")).startswith("/"):
                err(f"{name}: mount {m} of no declared volume")
    return spec, pod, vols


def mounted(path, pod, name):
    c = pod.get("containers", [{}])[0]
    for m in c.get("volumeMounts", []):
        if path.startswith(m.get("mountPath", "//") + "/"):
            return m.get("name")
    err(f"{name}: {path} is on no mounted volume")
    return None


def check_kubernetes(d, runner, run_states):
    load = lambda name: list(yaml.safe_load_all(open(os.path.join(d, name))))
    (pvc,) = load("states-pvc.yaml")
    if pvc.get("apiVersion") != "v1" or pvc.get("kind") != "PersistentVolumeClaim":
        err("states-pvc.yaml: not a v1 PersistentVolumeClaim")
    claim = pvc.get("metadata", {}).get("name")
    if "ReadWriteMany" not in pvc.get("spec", {}).get("accessModes", []):
        err("states-pvc.yaml: the shards' pods share it: ReadWriteMany")
    (shards,) = load("shards-job.yaml")
    (merge,) = load("merge-job.yaml")
    spec, pod, vols = check_job(shards, "shards-job.yaml")
    mspec, mpod, mvols = check_job(merge, "merge-job.yaml")
    if spec.get("completionMode") != "Indexed":
        err("shards-job.yaml: completionMode is not Indexed")
    n, par = spec.get("completions"), spec.get("parallelism")
    if not isinstance(n, int) or not isinstance(par, int) or not 1 <= par <= n:
        err(f"shards-job.yaml: completions {n}, parallelism {par}")
    if mspec.get("completionMode", "NonIndexed") != "NonIndexed" or mspec.get("completions", 1) != 1:
        err("merge-job.yaml: the merge is one pod")
    cmd = pod.get("containers", [{}])[0].get("command", [])
    args0 = flowreport_argv(cmd, ["JOB_COMPLETION_INDEX"], 0)
    if shard_n(args0, "shards-job.yaml") != n:
        err(f"shards-job.yaml: --shard auto/{shard_n(args0, 'x')} but {n} completions")
    st0 = option(args0, "--save-state") or ""
    if st0 == option(flowreport_argv(cmd, ["JOB_COMPLETION_INDEX"], 1), "--save-state"):
        err("shards-job.yaml: the shards' --save-state is not per index")
    margs = flowreport_argv(mpod.get("containers", [{}])[0].get("command", []), [], 0)
    for job, v, p in (("shards-job.yaml", vols, st0), ("merge-job.yaml", mvols,
                                                       option(margs, "-o") or "")):
        vol = mounted(p, pod if job == "shards-job.yaml" else mpod, job)
        if vol and v[vol].get("persistentVolumeClaim", {}).get("claimName") != claim:
            err(f"{job}: {p} is not on the claim {claim}")
    ins = [a for a in margs if a.startswith("/") and a != option(margs, "-o")]
    if len(ins) != 1 or not re.fullmatch(re.escape(ins[0]).replace(r"\*", ".*"), st0):
        err(f"merge-job.yaml: the merge reads {ins}, the shards write {st0}")
    if run_states:
        states = [runner.run_shard(flowreport_argv(cmd, ["JOB_COMPLETION_INDEX"], k),
                                   "JOB_COMPLETION_INDEX", k, "kubernetes")
                  for k in range(n if isinstance(n, int) else 0)]
        runner.run_merge(margs, [s for s in states if s], "kubernetes")
    return n


def main():
    contrib, flowreport, work = sys.argv[1:4]
    runner = Runner(flowreport, work)
    run_states = saves_state(runner)
    if not run_states:
        print("note: this flowreport does not write --save-state yet: the commands are "
              "checked, not run")
    n_batch = check_batch(os.path.join(contrib, "aws-batch"), runner, run_states)
    n_k8s = check_kubernetes(os.path.join(contrib, "kubernetes"), runner, run_states)
    if errors:
        print(f"{len(errors)} problems", file=sys.stderr)
        return 1
    print(f"aws-batch: {n_batch} shards, kubernetes: {n_k8s} shards"
          + (", all commands run" if run_states else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
