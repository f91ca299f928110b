// k8s/cellib/jsonpatch.cc: jsonpatch.escapeKey (spec 3.11; upstream library/jsonpatch.go), for
// MutatingAdmissionPolicy environments. Entry point: JSONPatchLibrary() in cellib.h.
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Value;

// RFC 6901: '~' -> "~0" first, then '/' -> "~1".
Value EscapeKey(CallContext& ctx, cel::StringArg key) {
  std::string_view s = key.value;
  if (s.find_first_of("~/") == std::string_view::npos) return Value::String(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return cel::MakeString(*ctx.arena, out);
}

}  // namespace

cel::Library JSONPatchLibrary() {
  cel::Library lib("kubernetes.jsonpatch");
  lib.Function("jsonpatch.escapeKey")
      .Raw("string_to_escaped_string", {cel::Type::String()}, cel::Type::String(), internal::WithContext<&EscapeKey>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  return lib;
}

}  // namespace celgate::k8s::cellib
