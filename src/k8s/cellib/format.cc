// k8s/cellib/format.cc: the Kubernetes named-format library (spec 3.8; upstream
// library/format.go). Entry point: FormatLibrary() in cellib.h.
//
// A FormatValue points at a static table entry, so it is trivially destructible and two values
// are equal when they name the same format. Validation messages come from k8s/validation.h.
#include <algorithm>
#include <optional>
#include <vector>

#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/validation.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

struct NamedFormat {
  std::string_view name;
  // Size of the regex (or an equivalent estimate) upstream uses for the cost of validate().
  uint64_t max_regex_size;
};

// Upstream's ConstantFormats. The sizes of uri/uuid/byte/date/datetime are the lengths of
// govalidator.URL (1120), strfmt.UUIDPattern (85), govalidator.Base64 (84) and
// strfmt.DateTimePattern (71, used for date too) in the vendored versions.
constexpr NamedFormat kFormats[] = {
    {"dns1123Label", 30},       {"dns1123Subdomain", 60},       {"dns1035Label", 30},
    {"qualifiedName", 60},      {"portName", 20},               {"dns1123LabelPrefix", 30},
    {"dns1123SubdomainPrefix", 60}, {"dns1035LabelPrefix", 30}, {"labelValue", 40},
    {"uri", 1120},              {"uuid", 85},                   {"byte", 84},
    {"date", 71},               {"datetime", 71},
};

const NamedFormat* FindFormat(std::string_view name) {
  for (const NamedFormat& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

class FormatValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{"kubernetes.NamedFormat"};
    return kInfo;
  }
  explicit FormatValue(const NamedFormat* f) : format_(f) {}
  const NamedFormat& format() const { return *format_; }
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return format_ == static_cast<const FormatValue&>(other).format_;
  }
  std::string DebugString() const override { return "format." + std::string(format_->name) + "()"; }

 private:
  const NamedFormat* format_;
};

// One constant value per format, owned by this file (never in an arena).
const FormatValue* ValueFor(const NamedFormat* f) {
  static const std::vector<FormatValue>* values = [] {
    auto* v = new std::vector<FormatValue>();
    v->reserve(std::size(kFormats));
    for (const NamedFormat& nf : kFormats) v->emplace_back(&nf);
    return v;
  }();
  return &(*values)[static_cast<size_t>(f - kFormats)];
}

Value Named(CallContext& ctx, cel::StringArg name) {
  const NamedFormat* f = FindFormat(name.value);
  if (f == nullptr) return cel::OptionalNone();
  return cel::MakeOptional(*ctx.arena, Value::Opaque(ValueFor(f)));
}

template <size_t kIndex>
Value Constant(CallContext&, const Value*) {
  return Value::Opaque(ValueFor(&kFormats[kIndex]));
}

std::vector<std::string> Validate(std::string_view name, std::string_view s) {
  if (name == "portName") return IsValidPortName(s);  // not in k8s::KnownNamedFormats()
  std::optional<std::vector<std::string>> r = ValidateNamedFormat(name, s);
  return r ? *r : std::vector<std::string>{};
}

Value ValidateFn(CallContext& ctx, const FormatValue& f, cel::StringArg s) {
  std::vector<std::string> errors = Validate(f.format().name, s.value);
  if (errors.empty()) return cel::OptionalNone();
  Value* items = ctx.arena->NewArray<Value>(errors.size());
  for (size_t i = 0; i < errors.size(); ++i) items[i] = cel::MakeString(*ctx.arena, errors[i]);
  return cel::MakeOptional(*ctx.arena,
                           Value::List(ctx.arena->New<cel::ArrayList>(items, errors.size())));
}

// ceil((1 + size(s)) * 0.1) * ceil(maxRegexSize * 0.25), for the format's maxRegexSize.
uint64_t ValidateFormula(uint64_t s_size, uint64_t max_regex_size) {
  return cel::cost::SatMul(
      internal::CeilCost(cel::cost::SatAdd(1, s_size), internal::kStringTraversalFactor),
      internal::CeilCost(max_regex_size, internal::kRegexLengthFactor));
}
uint64_t ValidateCost(const Value* args) {
  if (args[0].kind() != cel::ValueKind::kOpaque) return 1;
  const auto& f = static_cast<const FormatValue&>(args[0].opaque());
  return ValidateFormula(internal::ActualSize(args[1]), f.format().max_regex_size);
}
// Statically the format is not known: the smallest and the largest maxRegexSize bracket it.
cel::CallEstimate ValidateEstimate(const cel::EstimateInput& in) {
  uint64_t lo = kFormats[0].max_regex_size;
  uint64_t hi = lo;
  for (const NamedFormat& f : kFormats) {
    lo = std::min(lo, f.max_regex_size);
    hi = std::max(hi, f.max_regex_size);
  }
  return {{ValidateFormula(in.size(1).min, lo), ValidateFormula(in.size(1).max, hi)},
          std::nullopt};
}

template <size_t... I>
void AddConstants(cel::Library& lib, const Type& format, std::index_sequence<I...>) {
  (lib.Function("format." + std::string(kFormats[I].name))
       .Raw("format." + std::string(kFormats[I].name), {}, format, &Constant<I>),
   ...);
}

}  // namespace

cel::Library FormatLibrary() {
  const Type format = Type::Opaque("kubernetes.NamedFormat");
  cel::Library lib("kubernetes.format");
  lib.Function("format.named")
      .Raw("format-named", {Type::String()}, Type::Optional(format), internal::WithContext<&Named>);
  lib.Member("validate")
      .Raw("format-validate", {format, Type::String()},
                        Type::Optional(Type::List(Type::String())), internal::WithContext<&ValidateFn>)
      .Cost(&ValidateCost, &ValidateEstimate);
  AddConstants(lib, format, std::make_index_sequence<std::size(kFormats)>{});
  return lib;
}

}  // namespace celgate::k8s::cellib
