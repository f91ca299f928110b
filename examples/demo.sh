#!/usr/bin/env bash
# examples/demo.sh CELGATE: evaluates a few real policy expressions over an example Deployment.
set -euo pipefail
celgate="${1:-build/celgate}"
here="$(cd "$(dirname "$0")" && pwd)"
run() {
  printf '$ celgate eval %q --var object=@examples/deployment.json\n' "$1"
  "$celgate" eval "$1" --var "object=@$here/deployment.json" || true
  echo
}
run "object.spec.replicas <= 5"
run "has(object.metadata.labels) && 'team' in object.metadata.labels"
run "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))"
run "object.spec.template.spec.containers.filter(c, !c.image.startsWith('registry.example.com/')).map(c, c.name)"
run "object.spec.template.spec.containers.all(c, has(c.resources.limits) && 'memory' in c.resources.limits)"
run "object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?\$')"
run "object.spec.replicas / 0"
