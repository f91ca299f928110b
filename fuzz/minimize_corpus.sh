#!/usr/bin/env bash
# fuzz/minimize_corpus.sh BUILD_DIR TARGET DIR...: folds the inputs a long campaign found (DIR...,
# e.g. a -max_total_time run's corpus directory) into the committed seed corpus
# fuzz/corpus/TARGET/ and minimizes the result with libFuzzer's -merge=1 -use_counters=0: a
# small set of inputs (libFuzzer's greedy choice, shorter inputs first) that reaches every code
# edge the old seeds and DIR... reach (hit counts are ignored, or the set grows several times).
# The committed corpus is then replaced by that set, named by content hash. Run it after
# `make fuzz` has built BUILD_DIR (normally build-fuzz); it runs one fuzzer process at a time.
# Pass only small inputs (the 2026-11-22 campaign passed `find DIR -size -65c` for the CEL and
# JSON targets, -513c for YAML, policy and AdmissionReview) and check the
# file count before committing: a few hundred files and some tens of KiB per target.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$1
target=$2
shift 2
bin="$build_dir/fuzz/$target"
[ -x "$bin" ] || { echo "no $bin; run make fuzz first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" -merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 "$out" "fuzz/corpus/$target" "$@" \
  >"$build_dir/minimize-$target.log" 2>&1 ||
  { echo "merge failed, see $build_dir/minimize-$target.log" >&2; exit 1; }
before=$(ls "fuzz/corpus/$target" | wc -l)
rm -rf "fuzz/corpus/$target"
mkdir -p "fuzz/corpus/$target"
cp "$out"/* "fuzz/corpus/$target/"
echo "$target: $before seeds -> $(ls "fuzz/corpus/$target" | wc -l) after merging $*"
