// cli/environment.h: the CEL environment the CLI's `eval` uses.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "cel/cel.h"
#include "json/json.h"

namespace celgate::cli {

// The environment for `celgate eval`: the Kubernetes libraries and syntax of
// `kubernetes_version` (empty = newest) plus one dyn variable per binding. With `extended`, the
// extended mode instead: every library and syntax feature, including what Kubernetes never
// enables (cel.bind, cel.block, math, encoders, ...).
StatusOr<std::shared_ptr<const cel::Env>> BuildEvalEnvironment(
    const std::string& kubernetes_version,
    const std::vector<std::pair<std::string, json::Value>>& bindings, bool extended = false);

}  // namespace celgate::cli
