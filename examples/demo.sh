#!/usr/bin/env bash
# examples/demo.sh CELGATE: the admission webhook end to end, then a few `celgate eval` lines.
#   1. `celgate certs` makes a throwaway CA and a certificate for localhost / 127.0.0.1;
#   2. `celgate serve` loads examples/policies (replicas limit: Deny; required team label:
#      Warn; allowed registries: Deny) and listens on a free loopback port;
#   3. curl posts examples/requests/{allowed,denied,warned}.json over verified TLS and prints
#      the three AdmissionReview answers; then the server is stopped with SIGTERM.
set -euo pipefail
celgate="$(realpath "${1:-build/celgate}")"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d /tmp/celgate-demo-XXXXXX)"
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== celgate certs: a CA and a serving certificate for localhost, 127.0.0.1"
"$celgate" certs --out "$tmp/certs" --dns localhost --ip 127.0.0.1

echo "== celgate serve -f examples/policies (port chosen by the kernel)"
"$celgate" serve -f "$here/policies" --tls-cert "$tmp/certs/tls.crt" --tls-key "$tmp/certs/tls.key" \
  --address 127.0.0.1 --port 0 --port-file "$tmp/port" --log-format text 2>"$tmp/serve.log" &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port="$(cat "$tmp/port")"
echo "listening on https://127.0.0.1:$port/validate"
echo

for r in allowed denied warned; do
  echo "\$ curl --cacert ca.crt -H 'Content-Type: application/json' --data-binary @examples/requests/$r.json https://127.0.0.1:$port/validate?timeout=10s"
  curl -sS --cacert "$tmp/certs/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$here/requests/$r.json" "https://127.0.0.1:$port/validate?timeout=10s"
  echo
  echo
done
echo "\$ curl https://127.0.0.1:$port/healthz  -> $(curl -sS --cacert "$tmp/certs/ca.crt" "https://127.0.0.1:$port/healthz")"
echo "\$ curl https://127.0.0.1:$port/metrics | grep celgate_admission_requests_total"
curl -sS --cacert "$tmp/certs/ca.crt" "https://127.0.0.1:$port/metrics" | grep '^celgate_admission_requests_total'
echo
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
echo "== server log"
cat "$tmp/serve.log"
echo

echo "== celgate eval: the same kind of expressions, one at a time"
run() {
  printf '$ celgate eval "%s" --var object=@examples/deployment.json\n' "$1"
  "$celgate" eval "$1" --var "object=@$here/deployment.json" || true
  echo
}
run "object.spec.replicas <= 5"
run "object.spec.template.spec.containers.filter(c, !c.image.startsWith('registry.example.com/')).map(c, c.name)"
run "object.spec.replicas / 0"
