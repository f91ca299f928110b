#!/usr/bin/env bash
# fuzz/run_fuzzers.sh BUILD_DIR SECONDS: builds every libFuzzer target with clang-14 in
# BUILD_DIR (configuring it with -DCELGATE_FUZZ=ON if needed), then runs each one for SECONDS
# on a scratch copy of its seed corpus (fuzz/corpus/<target>/ is never modified) and prints one
# line per target. Exit status 1 if any target crashed, leaked, timed out or ran out of memory;
# the reproducer is kept under BUILD_DIR/artifacts/<target>/. Entry point: `make fuzz`.
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-fuzz}
seconds=${2:-30}
jobs=${JOBS:-$(nproc)}
# FUZZ_SEED=N (N > 0): libFuzzer's -seed for every target, so that a run can be replayed
# exactly (CI uses a fixed one); unset or 0: a random seed per run, printed on failure.
seed=${FUZZ_SEED:-0}
seed_arg=()
if [ "$seed" != 0 ]; then seed_arg=(-seed="$seed"); fi

if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCELGATE_FUZZ=ON >/dev/null || exit 1
fi
cmake --build "$build_dir" -j "$jobs" --target fuzzers || exit 1

targets=$(cd fuzz && ls *_fuzzer.cc | sed 's/\.cc$//')
# The machine, for reports from CI: simdjson picks its kernels by CPU at run time.
printf 'machine: %s; avx2 %s, avx512f %s; %s CPUs\n' \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
  "$(grep -qw avx2 /proc/cpuinfo && echo yes || echo no)" \
  "$(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)" "$(nproc)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
TIMEFORMAT='%U %S'
for t in $targets; do
  bin="$build_dir/fuzz/$t"
  if [ ! -x "$bin" ]; then
    printf '%-26s SKIP (not built)\n' "$t"
    continue
  fi
  mkdir -p "$scratch/$t" "$build_dir/artifacts/$t"
  if [ -d "fuzz/corpus/$t" ]; then
    cp -r "fuzz/corpus/$t/." "$scratch/$t/"
  fi
  dict=()
  base=${t%_fuzzer}
  for d in "fuzz/$base.dict" "fuzz/${base%%_*}.dict"; do
    if [ -f "$d" ]; then dict=(-dict="$d"); break; fi
  done
  log="$build_dir/artifacts/$t/last-run.log"
  touch "$scratch/start-$t"  # reproducers newer than this are this run's
  cpu=$( { time "$bin" "${dict[@]}" "${seed_arg[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$t/" "$scratch/$t" \
      >"$log" 2>&1; echo "rc=$?" >>"$log"; } 2>&1 )
  rc=$(sed -n 's/^rc=//p' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(ls "$scratch/$t" | wc -l)
  cpu_s=$(awk '{printf "%.1f", $1 + $2}' <<<"$cpu")
  if [ "$rc" = 0 ]; then
    result=PASS
  else
    result="FAIL (exit $rc; see $log)"
    status=1
  fi
  printf '%-26s execs %-9s corpus %-5s cpu %6ss  %s\n' "$t" "${execs:-?}" "$corpus" "$cpu_s" \
    "$result"
  if [ "$rc" != 0 ]; then
    # CI keeps only the console, so the evidence goes there: the seed (`-seed=N` replays the
    # run), the sanitizer report or libFuzzer's reason, and every reproducer it wrote, in base64
    # (feed it back with `base64 -d > crash && BIN crash`).
    grep -m1 '^INFO: Seed:' "$log" | sed 's/^/    | /'
    grep -v -E '^(#[0-9]+|INFO:|MS:|rc=)' "$log" | tail -n 40 | sed 's/^/    | /'
    for a in "$build_dir/artifacts/$t"/{crash,leak,timeout,oom,slow-unit}-*; do
      [ "$a" -nt "$scratch/start-$t" ] || continue
      printf '    reproducer %s (%s bytes), base64:\n' "$a" "$(wc -c <"$a")"
      head -c 65536 "$a" | base64 -w 100 | sed 's/^/    | /'
    done
  fi
done
exit $status
