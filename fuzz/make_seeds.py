#!/usr/bin/env python3
"""fuzz/make_seeds.py: adds seeds made from real inputs to fuzz/corpus/<target>/.

Files are named by content hash, so running it again changes nothing. It deletes nothing: the
committed corpora also hold inputs that fuzzing campaigns found (folded in and minimized by
fuzz/minimize_corpus.sh) and targets this script does not know (http_fuzzer). After adding
seeds, run fuzz/minimize_corpus.sh on the target to drop the ones that add no coverage.

Sources: the cel-spec conformance export (../shared/cel-conformance), the policy corpus
(../shared/corpus), test/testdata. Deterministic (sorted inputs, fixed sampling) and small: a
seed corpus only has to reach the interesting code, the fuzzer finds the rest.
Run from the repository root: python3 fuzz/make_seeds.py
"""
import glob
import hashlib
import json
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def conformance_exprs():
    out = []
    for path in sorted(glob.glob(os.path.join(SHARED, "cel-conformance", "*.json"))):
        doc = json.load(open(path))
        for section in doc.get("sections", []):
            for t in section.get("tests", []):
                if "expr" in t:
                    out.append(t["expr"])
    return out


def policy_dirs():
    return sorted(os.path.dirname(p) for p in glob.glob(os.path.join(SHARED, "corpus", "*", "*",
                                                                      "policy.yaml")))


def expressions_in(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("expression", "messageExpression", "valueExpression") and isinstance(v, str):
                out.append(v)
            else:
                expressions_in(v, out)
    elif isinstance(node, list):
        for v in node:
            expressions_in(v, out)


def load_all(path):
    try:
        return [d for d in yaml.safe_load_all(open(path)) if d is not None]
    except Exception:
        return []


def review(obj, operation="CREATE", api_version="admission.k8s.io/v1", old=None):
    api = obj.get("apiVersion", "v1")
    group, _, version = api.rpartition("/")
    kind = obj.get("kind", "Pod")
    meta = obj.get("metadata") or {}
    req = {
        "uid": "u-1",
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": kind.lower() + "s"},
        "name": meta.get("name", ""),
        "namespace": meta.get("namespace", "default"),
        "operation": operation,
        "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
        "object": obj if operation != "DELETE" else None,
        "oldObject": old,
        "dryRun": False,
    }
    return json.dumps({"apiVersion": api_version, "kind": "AdmissionReview", "request": req})


def main():
    exprs = conformance_exprs()
    dirs = policy_dirs()

    # cel_parser_fuzzer: every 8th conformance expression + policy expressions.
    policy_exprs = []
    for d in dirs:
        for doc in load_all(os.path.join(d, "policy.yaml")):
            expressions_in(doc, policy_exprs)
    for e in exprs[::8] + sorted(set(policy_exprs))[::3]:
        write("cel_parser_fuzzer", e)

    # cel_eval_fuzzer: conformance expressions over {}, policy expressions over their resources.
    for e in exprs[::12]:
        write("cel_eval_fuzzer", e)
    for d in dirs[::4]:
        es = []
        for doc in load_all(os.path.join(d, "policy.yaml")):
            expressions_in(doc, es)
        res = sorted(glob.glob(os.path.join(d, "resources", "*.yaml")))[:1]
        objs = [o for r in res for o in load_all(r)][:1]
        for e in es[:3]:
            for o in objs:
                write("cel_eval_fuzzer", e + "\n|\n" + json.dumps(o, separators=(",", ":")))

    # json_fuzzer / admission_review_fuzzer: reviews of corpus resources, both API versions.
    for f in sorted(glob.glob(os.path.join(ROOT, "test", "testdata", "policy", "*", "*.json"))):
        data = open(f, "rb").read()
        write("json_fuzzer", data)
        write("admission_review_fuzzer", data)
    for i, d in enumerate(dirs[::6]):
        res = sorted(glob.glob(os.path.join(d, "resources", "*.yaml")))[:2]
        for r in res:
            for o in load_all(r)[:1]:
                if not isinstance(o, dict):
                    continue
                ops = ["CREATE", "UPDATE", "DELETE"]
                op = ops[i % 3]
                body = review(o, op, "admission.k8s.io/v1beta1" if i % 4 == 3 else "admission.k8s.io/v1",
                              old=o if op != "CREATE" else None)
                write("admission_review_fuzzer", body)
                if i % 2 == 0:
                    write("json_fuzzer", json.dumps(o, indent=1))
    write("admission_review_fuzzer", '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}')
    write("admission_review_fuzzer", review({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "labels": {"forbidden": "x"}},
        "spec": {"containers": [{"name": "c", "image": "docker.io/evil"}]}}))
    write("json_fuzzer", '[1, -0, 1e308, 9223372036854775807, 9223372036854775808, "\\ud83d\\ude00"]')

    # yaml_fuzzer / policy_loader_fuzzer: manifests from test/testdata and the corpus.
    manifests = sorted(glob.glob(os.path.join(ROOT, "test", "testdata", "policy", "**", "*.yaml"),
                             recursive=True))
    manifests += [os.path.join(d, "policy.yaml") for d in dirs[::5]]
    for m in manifests:
        data = open(m, "rb").read()
        if len(data) > 16 * 1024:
            continue
        write("policy_loader_fuzzer", data)
        write("yaml_fuzzer", data)
    write("yaml_fuzzer", "a: &a [x, y]\nb: &b [*a, *a]\nc: {<<: {k: v}, n: .inf}\n---\n- !!str 1\n- 0x1F\n")


if __name__ == "__main__":
    main()
