#!/usr/bin/env bash
# bench/run_review_bench.sh BUILD_DIR: admission::Handler::Review end to end (bench/review_bench.cc)
# on the VAP corpus and on the 4.7 KB Deployment review with 10, 100 and 1000 policies; prints
# ns/review, reviews/s, global-heap allocations per review, the 1000/10 latency ratio
# (target <= 1.2), and json::Parse of the review against simdjson's and RapidJSON's DOM
# parsers. Data is generated under BUILD_DIR/bench-out/review (never in shared/).
# Needs: the shared/ folder beside this repository (corpus and gen_policies.py), python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
shared="${SHARED_DIR:-$root/../shared}"
out="$build/bench-out/review"
rm -rf "$out" && mkdir -p "$out/corpus"

cp "$here/data/admissionreview-deployment.json" "$out/"
for n in 10 100 1000; do
  python3 "$shared/bench/webhook/policies/gen_policies.py" "$n" >"$out/policies-$n.yaml"
done
# One record per VAP corpus case: the review `celgate test` builds and the manifests it uses.
"$build/celgate" test --save-reviews "$out/corpus" \
  --expected-failures "$root/test/corpus/expected_failures.txt" "$shared/corpus" >/dev/null \
  || echo "warning: celgate test reports unexpected corpus failures" >&2

echo "== celgate Handler::Review (Google Benchmark) =="
"$build/bench/review_bench" --data="$out" --benchmark_min_time=0.5 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/review.json"

python3 - "$out/review.json" <<'PY'
import json, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    scale = {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
    rows[b["run_name"]] = (b["real_time"] * scale, b.get("allocs/review", float("nan")))
print(f"{'benchmark':24} {'ns/review':>11} {'reviews/s':>11} {'allocs/review':>14}")
for name, (ns, allocs) in rows.items():
    print(f"{name:24} {ns:11.0f} {1e9 / ns:11.0f} {allocs:14.1f}")
c, s = rows.get("json_parse/celgate"), rows.get("json_parse/simdjson_dom")
r = rows.get("json_parse/rapidjson_dom")
if c and s and r:
    print(f"json_parse of the 4.7 KB review, same run: celgate / simdjson DOM (tape only) = "
          f"{c[0] / s[0]:.2f}, celgate / RapidJSON DOM = {c[0] / r[0]:.2f}")
a, b = rows.get("deployment/1000"), rows.get("deployment/10")
if a and b:
    ratio = a[0] / b[0]
    print(f"latency ratio deployment/1000 / deployment/10 = {ratio:.3f} (target <= 1.2: "
          f"{'ok' if ratio <= 1.2 else 'MISSED'})")
PY
