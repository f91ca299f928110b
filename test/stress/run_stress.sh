#!/usr/bin/env bash
# test/stress/run_stress.sh: `make stress` front end. Runs the black-box stress scenarios of
# test/stress/stress.py against a built `celgate` binary on loopback, in a scratch directory
# that is removed afterwards. Every process started here dies with this script.
#
#   test/stress/run_stress.sh [path/to/celgate] [--only a,b,c,d]
#
# Exit status: 0 when every scenario printed PASS, 1 otherwise (2 for setup problems).
# STRESS_KEEP=1 keeps the scratch directory (server logs) for a look after a FAIL.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
celgate=${1:-$root/build/celgate}
shift || true
shared=${CELGATE_SHARED:-$root/../shared}

if [[ ! -x $celgate ]]; then
  echo "stress: no celgate binary at $celgate (run make build)" >&2
  exit 2
fi
if [[ ! -f $shared/bench/webhook/admissionreview-deployment.json ]]; then
  echo "stress: shared bench files not found under $shared (set CELGATE_SHARED)" >&2
  exit 2
fi

# Scenario c holds 2,000 connections in the server and in the attacking client: each needs
# a descriptor on both sides, plus the load clients. Raise the soft limit to the hard one.
hard=$(ulimit -Hn)
if [[ $hard != unlimited ]] && (( hard < 5000 )); then
  echo "stress: hard limit on open files is $hard; scenario c needs at least 5000" >&2
  exit 2
fi
ulimit -n "$hard" 2>/dev/null || ulimit -n 65536

work=$(mktemp -d "${TMPDIR:-/tmp}/celgate-stress.XXXXXX")
py_pid=
cleanup() {
  # stress.py kills its own children on any exit; this covers a kill of the script itself.
  if [[ -n $py_pid ]] && kill -0 "$py_pid" 2>/dev/null; then
    kill -TERM "$py_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$py_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$py_pid" 2>/dev/null || true
  fi
  if [[ -n ${STRESS_KEEP:-} ]]; then
    echo "stress: kept $work (server logs, policies, certificates)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "stress: $celgate, ulimit -n $(ulimit -n), scratch $work"
python3 "$here/stress.py" --celgate "$celgate" --work "$work" --shared "$shared" "$@" &
py_pid=$!
status=0
wait "$py_pid" || status=$?
py_pid=
exit "$status"
