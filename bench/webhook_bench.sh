#!/usr/bin/env bash
# bench/webhook_bench.sh: `celgate serve` against the nginx fixed-response ceiling, measured the
# way ../shared/bench/webhook/run.sh measures its peers (wrk -t2 -c64, post.lua, the ~4.7 KB
# Deployment AdmissionReview, HTTP/1.1 keep-alive over TLS on loopback).
#
#   bench/webhook_bench.sh [path/to/celgate]        (default build/celgate)
#
# Rows: nginx (constant ~300-byte answer), celgate with the ten matching policies of
# gen_policies.py 10, celgate with gen_policies.py 100 (RSS). Columns: peak RPS, latency
# percentiles at peak, p99 at about half of each server's own peak rate (wrk paced by a Lua
# delay() of PACE_MS per request, the rate set by the number of connections: closed loop, so
# it understates queueing compared with wrk2's open loop), server RSS after load, and the
# celgate/nginx RPS ratio.
#
# Knobs: DURATION (10) WARMUP (2) THREADS (2) CONNS (64) PIN (1: server on CPU 0, wrk on CPU 1)
# SERVER_THREADS (celgate I/O threads; default 0 = celgate's own default) PORT_BASE
# ROUNDS (3: interleaved nginx/celgate peak pairs after the table, median ratio; 0 = none).
# Also reported: server CPU % during the peak run and requests per server CPU-second, which
# stays meaningful when other work on the machine steals CPU from both servers.
# Shared files are copied into a scratch directory; nothing is written under ../shared.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CELGATE="$(realpath "${1:-$ROOT/build/celgate}")"
SHARED="$(realpath "$ROOT/../shared/bench/webhook")"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
THREADS="${THREADS:-2}"
CONNS="${CONNS:-64}"
PIN="${PIN:-1}"
PORT_BASE="${PORT_BASE:-19443}"
# 0: celgate's default, the CPUs of its affinity mask (1 under PIN=1). nginx 1.22's
# `worker_processes auto` counts the machine's online CPUs instead (2 workers here, both on the
# pinned CPU). SERVER_THREADS=2 gives celgate the same number of threads.
SERVER_THREADS="${SERVER_THREADS:-0}"
ROUNDS="${ROUNDS:-3}"
SCRATCH="$(mktemp -d /tmp/celgate-webhook-bench-XXXXXX)"
OUT="${OUT:-$SCRATCH/summary.md}"

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

for t in wrk nginx python3 curl; do
  command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || { echo "missing $t (make deps)" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$CELGATE" ] || { echo "no celgate binary at $CELGATE" >&2; exit 2; }

cp "$SHARED/post.lua" "$SHARED/admissionreview-deployment.json" \
   "$SHARED/admissionreview-response.json" "$SHARED/policies/gen_policies.py" "$SCRATCH/"
cd "$SCRATCH"
# Paced variant: each connection waits WRK_DELAY_MS between requests.
{ cat post.lua; printf '\nlocal pace = tonumber(os.getenv("WRK_DELAY_MS") or "0")\nfunction delay() return pace end\n'; } > paced.lua
python3 gen_policies.py 10 > ten.yaml
python3 gen_policies.py 100 > hundred.yaml
"$CELGATE" certs --out certs --dns localhost --ip 127.0.0.1 >/dev/null

server_cpu=(); client_cpu=()
if [ "$PIN" = 1 ]; then server_cpu=(taskset -c 0); client_cpu=(taskset -c 1); fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { local i; for ((i = 0; i < 100; i++)); do port_free "$1" || return 0; sleep 0.1; done; return 1; }
cpu_ticks() { local t=0 p; for p in "$1" $(pgrep -P "$1" || true); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
rss_kb() { awk '/^VmRSS:/ {s += $2} END {print s + 0}' $(for p in "$1" $(pgrep -P "$1" || true); do echo "/proc/$p/status"; done) 2>/dev/null; }
json_field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval("d"+sys.argv[2]))' "$1" "$2"; }
wrk_errors() { json_field "$1" '["errors"]["status"]+d["errors"]["timeout"]+d["errors"]["read"]+d["errors"]["connect"]'; }
# start_nginx / start_celgate SET PORT LOG: start a server on the server CPU; its pid in $! .
start_nginx() {
  "${server_cpu[@]}" "$NGINX" -p "$SCRATCH/nginx" -c "$SCRATCH/nginx/nginx.conf" -g 'daemon off;' 2>>nginx/logs/stderr.log &
}
start_celgate() {
  "${server_cpu[@]}" "$CELGATE" serve -f "$1.yaml" --tls-cert certs/tls.crt --tls-key certs/tls.key \
    --address 127.0.0.1 --port "$2" --threads "$SERVER_THREADS" --log-level warn 2>"$3" &
}

# wrk_run <url> <script> <conns> <seconds> [delay_ms] -> WRK_JSON line
wrk_run() {
  ADMISSION_BODY="$SCRATCH/admissionreview-deployment.json" WRK_DELAY_MS="${5:-0}" \
    timeout $(($4 + 30)) "${client_cpu[@]}" wrk -t"$THREADS" -c"$3" -d"$4s" --timeout 5s \
    -s "$2" "$1" 2>&1 | sed -n 's/^WRK_JSON //p'
}

# measure <label> <url> <pid> <policies>: appends a table row
ROWS=()
NGINX_RPS=0
NGINX_PER_CPU=1
measure() {
  local label="$1" url="$2" pid="$3" policies="$4"
  log "$label: warm-up ${WARMUP}s"
  wrk_run "$url" post.lua "$CONNS" "$WARMUP" >/dev/null || true
  log "$label: wrk -t$THREADS -c$CONNS -d${DURATION}s -s post.lua $url"
  local t0; t0="$(cpu_ticks "$pid")"
  local peak; peak="$(wrk_run "$url" post.lua "$CONNS" "$DURATION")"
  local t1; t1="$(cpu_ticks "$pid")"
  local cpu; cpu="$(python3 -c "print(100 * ($t1 - $t0) / $(getconf CLK_TCK) / $DURATION)")"
  local rss; rss="$(rss_kb "$pid")"
  local rps p50 p99 p999 errs
  rps="$(json_field "$peak" '["rps"]')"
  p50="$(json_field "$peak" '["latency_us"]["p50"]')"
  p99="$(json_field "$peak" '["latency_us"]["p99"]')"
  p999="$(json_field "$peak" '["latency_us"]["p999"]')"
  errs="$(wrk_errors "$peak")"
  # Half of this server's own peak. wrk's delay() takes whole milliseconds, so the rate is set
  # with the number of connections instead: each waits PACE_MS between requests (closed loop),
  # so conns ~= target * (PACE_MS + latency) / 1000. A short first pass measures the rate
  # reached and corrects the connection count once. PACE_MS defaults to 1, the fewest
  # connections for the rate: wrk's per-connection timers fire together, and with more
  # connections the p99 measures the client's bursts more than the server.
  local target; target="$(python3 -c "print($rps / 2)")"
  local pace="${PACE_MS:-1}"
  local pconns; pconns="$(python3 -c "print(max($THREADS, round($target * ($pace + $p50 / 1000) / 1000)))")"
  local probe; probe="$(wrk_run "$url" paced.lua "$pconns" "$(( (DURATION + 1) / 2 ))" "$pace")"
  local prps; prps="$(json_field "$probe" '["rps"]')"
  pconns="$(python3 -c "print(max($THREADS, round($pconns * $target / max($prps, 1))))")"
  log "$label: paced run, $pconns connections, ${pace} ms between requests (target ~$(python3 -c "print(round($target))") rps)"
  local half; half="$(wrk_run "$url" paced.lua "$pconns" "$DURATION" "$pace")"
  local hrps hp99
  hrps="$(json_field "$half" '["rps"]')"
  hp99="$(json_field "$half" '["latency_us"]["p99"]')"
  if [ "$label" = nginx ]; then NGINX_RPS="$rps"; fi
  local ratio; ratio="$(python3 -c "print(f'{$rps / $NGINX_RPS:.2f}' if $NGINX_RPS > 0 else '-')")"
  local per_cpu; per_cpu="$(python3 -c "print(round($rps / max($cpu, 1) * 100))")"
  if [ "$label" = nginx ]; then NGINX_PER_CPU="$per_cpu"; fi
  local cpu_ratio; cpu_ratio="$(python3 -c "print(f'{$per_cpu / $NGINX_PER_CPU:.2f}')")"
  ROWS+=("$(printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s @ %s rps | %s | %s | %s |' \
    "$label" "$policies" "$(printf '%.0f' "$rps")" "$cpu" "$per_cpu" "$(python3 -c "print(f'{$p50/1000:.2f}')")" \
    "$(python3 -c "print(f'{$p99/1000:.2f}')")" "$(python3 -c "print(f'{$p999/1000:.2f}')")" "$errs" \
    "$(python3 -c "print(f'{$hp99/1000:.2f}')")" "$(printf '%.0f' "$hrps")" \
    "$(python3 -c "print(f'{$rss/1024:.0f}')")" "$ratio" "$cpu_ratio")")
}

# ---- nginx: the h1 server of run.sh (constant AdmissionReview answer)
p_nginx="$PORT_BASE"
while ! port_free "$p_nginx"; do p_nginx=$((p_nginx + 10)); done
mkdir -p nginx/logs nginx/tmp
resp="$(cat admissionreview-response.json)"
cat > nginx/nginx.conf <<NGX
worker_processes auto;
pid $SCRATCH/nginx/nginx.pid;
error_log $SCRATCH/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $SCRATCH/nginx/tmp/body;
  proxy_temp_path $SCRATCH/nginx/tmp/proxy;
  fastcgi_temp_path $SCRATCH/nginx/tmp/fastcgi;
  uwsgi_temp_path $SCRATCH/nginx/tmp/uwsgi;
  scgi_temp_path $SCRATCH/nginx/tmp/scgi;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_buffer_size 64k;
  ssl_certificate $SCRATCH/certs/tls.crt;
  ssl_certificate_key $SCRATCH/certs/tls.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:1m;
  server {
    listen 127.0.0.1:$p_nginx ssl;
    location / { default_type application/json; return 200 '$resp'; }
  }
}
NGX
start_nginx
npid=$!; PIDS+=("$npid")
wait_port "$p_nginx"
measure nginx "https://127.0.0.1:$p_nginx/validate" "$npid" "-"
kill -TERM "$npid"; wait "$npid" 2>/dev/null || true

# ---- celgate with 10 and 100 policies
for set in ten hundred; do
  p="$((PORT_BASE + 1))"
  while ! port_free "$p"; do p=$((p + 10)); done
  start_celgate "$set" "$p" "celgate-$set.log"
  cpid=$!; PIDS+=("$cpid")
  wait_port "$p"
  sample="$(curl -s --cacert certs/ca.crt -H 'Content-Type: application/json' \
    --data-binary @admissionreview-deployment.json "https://127.0.0.1:$p/validate?timeout=10s")"
  log "celgate ($set) answers: $sample"
  measure "celgate" "https://127.0.0.1:$p/validate" "$cpid" "$(grep -c '^kind: ValidatingAdmissionPolicy$' "$set.yaml")"
  kill -TERM "$cpid"; wait "$cpid" 2>/dev/null || true
done

# ---- interleaved peaks: nginx and celgate (ten policies) both up, their peak runs alternated
# ROUNDS times so that drift of the machine (other tenants, clock) hits both alike; the
# ratio of each pair and their median are reported.
ROUND_ROWS=()
if [ "$ROUNDS" -gt 0 ]; then
  start_nginx
  npid=$!; PIDS+=("$npid")
  wait_port "$p_nginx"
  p="$((PORT_BASE + 1))"
  while ! port_free "$p"; do p=$((p + 10)); done
  start_celgate ten "$p" celgate-rounds.log
  cpid=$!; PIDS+=("$cpid")
  wait_port "$p"
  wrk_run "https://127.0.0.1:$p_nginx/validate" post.lua "$CONNS" "$WARMUP" >/dev/null || true
  wrk_run "https://127.0.0.1:$p/validate" post.lua "$CONNS" "$WARMUP" >/dev/null || true
  RATIOS=()
  for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS: nginx then celgate, ${DURATION}s each"
    a="$(wrk_run "https://127.0.0.1:$p_nginx/validate" post.lua "$CONNS" "$DURATION")"
    b="$(wrk_run "https://127.0.0.1:$p/validate" post.lua "$CONNS" "$DURATION")"
    ar="$(json_field "$a" '["rps"]')"; br="$(json_field "$b" '["rps"]')"
    ae="$(wrk_errors "$a")"
    be="$(wrk_errors "$b")"
    ratio="$(python3 -c "print(f'{$br / $ar:.2f}')")"
    RATIOS+=("$ratio")
    ROUND_ROWS+=("$(printf '| %d | %.0f | %.0f | %s | %s |' "$r" "$ar" "$br" "$((ae + be))" "$ratio")")
  done
  MEDIAN="$(python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "${RATIOS[@]}")"
  kill -TERM "$npid" "$cpid"; wait "$npid" "$cpid" 2>/dev/null || true
fi

{
  echo "date_utc=$(date -u +%Y%m%dT%H%M%SZ) cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) x $(nproc)"
  echo "duration=${DURATION}s warmup=${WARMUP}s wrk threads=$THREADS conns=$CONNS pin=$PIN celgate threads=$SERVER_THREADS"
  echo
  echo "| server | policies | RPS | server CPU % | req per CPU-s | p50 ms | p99 ms | p99.9 ms | errors | p99 ms at ~half peak | RSS MiB | RPS / nginx | per-CPU / nginx |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  if [ "${#ROUND_ROWS[@]}" -gt 0 ]; then
    echo
    echo "Interleaved peak runs (nginx and celgate with 10 policies alternated, same settings):"
    echo
    echo "| round | nginx RPS | celgate RPS | errors | celgate / nginx |"
    echo "|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROUND_ROWS[@]}"
    echo
    echo "median celgate / nginx over $ROUNDS rounds: $MEDIAN"
  fi
} | tee "$OUT"
log "summary in $OUT"
