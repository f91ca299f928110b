#!/usr/bin/env bash
# bench/run_cel_bench.sh BUILD_DIR: celgate's CEL evaluator beside the JavaScript CEL engines
# (shared/bench/cel-js), in the same run on the same machine, printed as one table of ns/eval
# and ratios (peer ns / celgate ns: above 1 means celgate is faster).
# Needs: the shared/ folder beside this repository, node + npm (npm registry reachable).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
shared="${SHARED_DIR:-$root/../shared}"
out="$build/bench-out"
mkdir -p "$out/data"

# Fixtures: the review, the same Deployment with 50 containers, and `request` without object,
# built exactly as bench.mjs builds them.
python3 - "$here/data/admissionreview-deployment.json" "$out/data" <<'PY'
import copy, json, sys
src, dst = sys.argv[1], sys.argv[2]
review = json.load(open(src))
json.dump(review, open(f"{dst}/admissionreview-deployment.json", "w"))
r50 = copy.deepcopy(review)
base = r50["request"]["object"]["spec"]["template"]["spec"]["containers"][1]
cs = []
for i in range(50):
    c = copy.deepcopy(base)
    c["name"] = f"c{i}"
    c["image"] = f"registry.example.com/team/worker-{i}:1.0.{i}"
    cs.append(c)
r50["request"]["object"]["spec"]["template"]["spec"]["containers"] = cs
json.dump(r50, open(f"{dst}/admissionreview-deployment-50c.json", "w"))
req = dict(review["request"]); req["object"] = None
json.dump(req, open(f"{dst}/request-no-object.json", "w"))
PY

echo "== celgate (Google Benchmark) =="
"$build/bench/cel_bench" --data="$out/data" --benchmark_min_time=0.3 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/celgate.json"

peers="$out/cel-js"
if [ -d "$shared/bench/cel-js" ]; then
  echo "== JavaScript peers (node $(node --version)) =="
  rm -rf "$peers" && mkdir -p "$peers"
  cp "$shared/bench/cel-js/package.json" "$shared/bench/cel-js/package-lock.json" \
     "$shared/bench/cel-js/bench.mjs" "$peers/"
  mkdir -p "$out/webhook" && cp "$shared/bench/webhook/admissionreview-deployment.json" "$out/webhook/"
  # bench.mjs reads ../webhook/admissionreview-deployment.json relative to itself.
  (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && \
     node bench.mjs --rounds 5 --out "$out/peers.json" >/dev/null)
else
  echo "shared/bench/cel-js not found: peers skipped" >&2
fi

python3 - "$out/celgate.json" "$out/peers.json" <<'PY'
import json, math, os, sys
ours = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") == "median":
        ours[b["run_name"]] = b["real_time"] if b["time_unit"] == "ns" else b["real_time"] * 1000
peers = {}
if os.path.exists(sys.argv[2]):
    for r in json.load(open(sys.argv[2]))["results"]:
        if r.get("status") == "ok":
            peers.setdefault(r["case"], {})[r["impl"]] = r["ns_per_eval"]
impls = ["@marcbachmann/cel-js", "@bufbuild/cel", "cel-js"]
print(f"{'case':22} {'celgate ns':>10} " + " ".join(f"{i[:20]:>20} {'x':>6}" for i in impls))
logs = {i: [] for i in impls}
for case, ns in ours.items():
    row = f"{case:22} {ns:10.1f} "
    for i in impls:
        p = peers.get(case, {}).get(i)
        if p:
            logs[i].append(math.log(p / ns))
            row += f"{p:20.1f} {p/ns:6.2f}"
        else:
            row += f"{'-':>20} {'-':>6}"
    print(row)
print("geomean speedup: " + ", ".join(
    f"{i}: {math.exp(sum(v)/len(v)):.2f}x" for i, v in logs.items() if v))
PY
