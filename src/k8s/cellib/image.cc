// k8s/cellib/image.cc: the Kubernetes image-reference library (spec 3.10; upstream
// library/image.go). Entry point: ImageLibrary() in cellib.h.
//
// Parsing is k8s::ImageReference (go-containerregistry's name.ParseReference). An ImageValue
// keeps the validated text in the arena and re-parses it in accessors, because
// ImageReference owns std::strings and arena objects never run destructors.
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/image.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

class ImageValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{"kubernetes.Image"};
    return kInfo;
  }
  // REQUIRES: ImageReference::Parse(text) succeeds; `text` lives in the arena.
  explicit ImageValue(std::string_view text) : text_(text) {}
  ImageReference Get() const {
    StatusOr<ImageReference> r = ImageReference::Parse(text_);
    return r.ok() ? *r : ImageReference();
  }
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return Get() == static_cast<const ImageValue&>(other).Get();
  }
  std::string DebugString() const override { return "image(" + internal::GoQuote(text_) + ")"; }

 private:
  std::string_view text_;
};
static_assert(std::is_trivially_destructible_v<ImageValue>);

Value ParseImage(CallContext& ctx, cel::StringArg s) {
  StatusOr<ImageReference> r = ImageReference::Parse(s.value);
  if (!r.ok()) return ctx.Error(r.status().message());
  return Value::Opaque(ctx.arena->New<ImageValue>(ctx.arena->CopyString(s.value)));
}
bool IsImage(cel::StringArg s) { return ImageReference::Parse(s.value).ok(); }
cel::StringResult Registry(const ImageValue& v) { return {v.Get().registry}; }
cel::StringResult Repository(const ImageValue& v) { return {v.Get().repository}; }
cel::StringResult Tag(const ImageValue& v) { return {v.Get().tag}; }
cel::StringResult Digest(const ImageValue& v) { return {v.Get().digest}; }
cel::StringResult Identifier(const ImageValue& v) { return {v.Get().identifier}; }
bool ContainsDigest(const ImageValue& v) { return !v.Get().digest.empty(); }

}  // namespace

cel::Library ImageLibrary() {
  const Type image = Type::Opaque("kubernetes.Image");
  cel::Library lib("kubernetes.image");
  lib.Function("image")
      .Raw("string_to_image", {Type::String()}, image, internal::WithContext<&ParseImage>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isImage")
      .Add<&IsImage>("is_image_string")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Member("registry").Add<&Registry>("image_registry");
  lib.Member("repository").Add<&Repository>("image_repository");
  lib.Member("tag").Add<&Tag>("image_tag");
  lib.Member("digest").Add<&Digest>("image_digest");
  lib.Member("identifier").Add<&Identifier>("image_identifier");
  lib.Member("containsDigest").Add<&ContainsDigest>("image_contains_digest");
  return lib;
}

}  // namespace celgate::k8s::cellib
