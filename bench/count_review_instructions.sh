#!/usr/bin/env bash
# bench/count_review_instructions.sh BUILD_DIR [SUBJECT...]: instructions per
# admission::Handler::Review, counted by valgrind's callgrind (exact and repeatable, unlike
# wall time on a shared machine; works without hardware counters). SUBJECT is corpus or
# deployment/N (default: deployment/10 deployment/100 deployment/1000 corpus). Needs the data
# of bench/run_review_bench.sh (run it once first) and valgrind.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
shift || true
subjects=("$@")
[ ${#subjects[@]} -gt 0 ] || subjects=(deployment/10 deployment/100 deployment/1000 corpus)
data="$build/bench-out/review"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for s in "${subjects[@]}"; do
  n=300
  [ "$s" = corpus ] && n=996  # two rounds over the corpus
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" --toggle-collect='*RunFixed*' \
    "${REVIEW_BENCH:-$build/bench/review_bench}" --data="$data" --fixed="$s" --fixed_reviews="$n" \
    >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
  ir=$(callgrind_annotate "$out/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  printf '%-16s %10.0f instructions/review\n' "$s" "$(echo "$ir / $n" | bc -l)"
done
