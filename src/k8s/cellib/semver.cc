// k8s/cellib/semver.cc: the Kubernetes semver library, version 1 (spec 3.9; upstream
// library/semverlib.go). Entry point: SemverLibrary() in cellib.h.
//
// A SemverValue keeps the validated text (in the arena) and whether it was normalized; the
// accessors re-parse it, because k8s::Semver owns vectors and arena objects never run
// destructors.
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/semver.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

StatusOr<Semver> ParseText(std::string_view text, bool normalize) {
  return normalize ? Semver::ParseNormalized(text) : Semver::Parse(text);
}

class SemverValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{"kubernetes.Semver"};
    return kInfo;
  }
  // REQUIRES: ParseText(text, normalize) succeeds; `text` lives in the arena.
  SemverValue(std::string_view text, bool normalize) : text_(text), normalize_(normalize) {}
  Semver Get() const {
    StatusOr<Semver> v = ParseText(text_, normalize_);
    return v.ok() ? *v : Semver();
  }
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return Get() == static_cast<const SemverValue&>(other).Get();
  }
  std::string DebugString() const override {
    return "semver(" + internal::GoQuote(Get().ToString()) + ")";
  }

 private:
  std::string_view text_;
  bool normalize_;
};
static_assert(std::is_trivially_destructible_v<SemverValue>);

Value Make(CallContext& ctx, std::string_view s, bool normalize) {
  StatusOr<Semver> v = ParseText(s, normalize);
  if (!v.ok()) return ctx.Error(v.status().message());
  return Value::Opaque(ctx.arena->New<SemverValue>(ctx.arena->CopyString(s), normalize));
}
Value ParseStrict(CallContext& ctx, cel::StringArg s) { return Make(ctx, s.value, false); }
Value ParseMaybeNormalized(CallContext& ctx, cel::StringArg s, bool normalize) {
  return Make(ctx, s.value, normalize);
}
bool IsSemver(cel::StringArg s) { return Semver::Parse(s.value).ok(); }
bool IsSemverNormalized(cel::StringArg s, bool normalize) {
  return ParseText(s.value, normalize).ok();
}
// Components are uint64 in blang/semver; upstream converts with int64(...).
int64_t Major(const SemverValue& v) { return static_cast<int64_t>(v.Get().major()); }
int64_t Minor(const SemverValue& v) { return static_cast<int64_t>(v.Get().minor()); }
int64_t Patch(const SemverValue& v) { return static_cast<int64_t>(v.Get().patch()); }
bool IsGreaterThan(const SemverValue& a, const SemverValue& b) { return a.Get().Compare(b.Get()) > 0; }
bool IsLessThan(const SemverValue& a, const SemverValue& b) { return a.Get().Compare(b.Get()) < 0; }
int64_t CompareTo(const SemverValue& a, const SemverValue& b) { return a.Get().Compare(b.Get()); }

}  // namespace

cel::Library SemverLibrary() {
  const Type semver = Type::Opaque("kubernetes.Semver");
  cel::Library lib("kubernetes.semver");
  lib.Function("semver")
      .Raw("string_to_semver", {Type::String()}, semver, internal::WithContext<&ParseStrict>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>()
      .Raw("string_bool_to_semver_normalize",
                                  {Type::String(), Type::Bool()}, semver, internal::WithContext<&ParseMaybeNormalized>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isSemver")
      .Add<&IsSemver>("is_semver_string")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>()
      .Add<&IsSemverNormalized>("is_semver_string_bool_normalize")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Member("major").Add<&Major>("semver_major");
  lib.Member("minor").Add<&Minor>("semver_minor");
  lib.Member("patch").Add<&Patch>("semver_patch");
  lib.Member("isGreaterThan").Add<&IsGreaterThan>("semver_is_greater_than");
  lib.Member("isLessThan").Add<&IsLessThan>("semver_is_less_than");
  lib.Member("compareTo").Add<&CompareTo>("semver_compare_to");
  return lib;
}

}  // namespace celgate::k8s::cellib
