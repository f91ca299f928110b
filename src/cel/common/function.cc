// cel/common/function.cc: Library construction. See function.h.
#include "cel/common/function.h"

namespace celgate::cel {

void ComputeMatchers(OverloadDecl* o) {
  o->matchers.clear();
  for (const Type& t : o->params) {
    ArgMatcher m;
    switch (t.kind()) {
      case TypeKind::kDyn:
      case TypeKind::kTypeParam:
      case TypeKind::kError:
        m.any = true;
        break;
      case TypeKind::kNull: m.any = false; m.kind = ValueKind::kNull; break;
      case TypeKind::kBool: m.any = false; m.kind = ValueKind::kBool; break;
      case TypeKind::kInt: m.any = false; m.kind = ValueKind::kInt; break;
      case TypeKind::kUint: m.any = false; m.kind = ValueKind::kUint; break;
      case TypeKind::kDouble: m.any = false; m.kind = ValueKind::kDouble; break;
      case TypeKind::kString: m.any = false; m.kind = ValueKind::kString; break;
      case TypeKind::kBytes: m.any = false; m.kind = ValueKind::kBytes; break;
      case TypeKind::kList: m.any = false; m.kind = ValueKind::kList; break;
      case TypeKind::kMap: m.any = false; m.kind = ValueKind::kMap; break;
      case TypeKind::kTimestamp: m.any = false; m.kind = ValueKind::kTimestamp; break;
      case TypeKind::kDuration: m.any = false; m.kind = ValueKind::kDuration; break;
      case TypeKind::kType: m.any = false; m.kind = ValueKind::kType; break;
      case TypeKind::kOptional: m.any = false; m.kind = ValueKind::kOptional; break;
      case TypeKind::kOpaque:
        m.any = false;
        m.kind = ValueKind::kOpaque;
        m.opaque_name = t.name();
        break;
    }
    o->matchers.push_back(std::move(m));
  }
}

FunctionDecl& Library::FindOrAdd(const std::string& name) {
  for (auto& f : functions_) {
    if (f.name == name) return f;
  }
  functions_.push_back(FunctionDecl{name, {}});
  return functions_.back();
}

Library::FunctionBuilder& Library::FunctionBuilder::Raw(std::string id, std::vector<Type> params,
                                                        Type result, FunctionImpl impl,
                                                        bool strict) {
  OverloadDecl o;
  o.id = std::move(id);
  o.member = member_;
  o.params = std::move(params);
  o.result = std::move(result);
  o.impl = impl;
  o.strict = strict;
  ComputeMatchers(&o);
  lib_->FindOrAdd(name_).overloads.push_back(std::move(o));
  return *this;
}

Library::FunctionBuilder& Library::FunctionBuilder::Cost(RuntimeCostFn runtime,
                                                         EstimateFn estimate) {
  FunctionDecl& f = lib_->FindOrAdd(name_);
  if (!f.overloads.empty()) {
    f.overloads.back().cost = runtime;
    f.overloads.back().estimate = estimate;
  }
  return *this;
}

SizeRange EstimateInput::SizeOfType(const Type& t) const {
  switch (t.kind()) {
    case TypeKind::kString:
    case TypeKind::kBytes: return {0, max_string_size};
    case TypeKind::kList:
    case TypeKind::kMap: return {0, max_elements};
    case TypeKind::kDyn:
    case TypeKind::kTypeParam:
    case TypeKind::kError: return {0, std::max(max_string_size, max_elements)};
    default: return {1, 1};
  }
}

Library::FunctionBuilder& Library::FunctionBuilder::Prepare(
    int arg, const void* (*prepare)(std::string_view, std::string*),
    Value (*call)(CallContext&, const Value*, const void*), void (*destroy)(const void*)) {
  FunctionDecl& f = lib_->FindOrAdd(name_);
  if (!f.overloads.empty()) {
    OverloadDecl& o = f.overloads.back();
    o.prepared_arg = arg;
    o.prepare = prepare;
    o.call_prepared = call;
    o.destroy = destroy;
  }
  return *this;
}

}  // namespace celgate::cel
