// cel/json/json_value.h: CEL values over JSON documents, without copying (STYLE.md H10).
//
// Kubernetes objects arrive as JSON. FromJson() wraps a json::Value as a CEL value: scalars are
// converted inline, strings point into the document, arrays and objects become lazy list and
// map views whose elements are converted only when an expression reads them. JSON integers
// become int, other numbers double (Kubernetes' rule for data without a schema).
//
// Lifetime: the returned Value points into the json::Document and into `arena`; both must
// outlive it. Thread-compatible: one arena per evaluation.
#pragma once

#include <string>

#include "base/arena.h"
#include "base/status.h"
#include "cel/common/value.h"
#include "json/json.h"

namespace celgate::cel {

Value FromJson(json::Value v, Arena& arena);

// Writes a CEL value as JSON. Values JSON lacks are encoded as documented in README.md
// ("Output of celgate eval"): uint as a number, bytes as base64, timestamp and duration as
// their CEL string forms, types as their names, optional.none() as null, optional.of(x) as
// x, non-finite doubles as the strings "NaN", "Infinity", "-Infinity", opaque library values
// as their string form. Fails on error values and non-string map keys are written as their
// text.
Status WriteJson(const Value& v, Arena& arena, json::Writer& out);
StatusOr<std::string> ToJsonString(const Value& v, Arena& arena);

}  // namespace celgate::cel
