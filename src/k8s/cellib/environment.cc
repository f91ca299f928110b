// k8s/cellib/environment.cc: versioned library sets and syntax features. Entry points:
// Libraries() and EnvOptionsFor() in environment.h.
#include "k8s/cellib/environment.h"

#include <charconv>

#include "cel/lib/std/std_lib.h"
#include "k8s/cellib/cellib.h"
#ifdef CELGATE_HAVE_CEL_EXT
#include "cel/lib/ext/ext.h"
#endif

namespace celgate::k8s::cellib {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string VersionString(Version v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

StatusOr<Version> ParseVersion(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  size_t dot = s.find('.');
  Version v;
  bool ok = dot != std::string_view::npos && ParseInt(s.substr(0, dot), &v.major);
  if (ok) {
    std::string_view rest = s.substr(dot + 1);
    size_t dot2 = rest.find('.');
    int patch = 0;
    ok = ParseInt(rest.substr(0, dot2), &v.minor) &&
         (dot2 == std::string_view::npos || ParseInt(rest.substr(dot2 + 1), &patch));
  }
  if (!ok) {
    return InvalidArgumentError("invalid Kubernetes version \"" + std::string(text) +
                                "\": want <major>.<minor>, e.g. 1.31");
  }
  if (v < kEarliestVersion || v > kNewestVersion) {
    return InvalidArgumentError("unsupported Kubernetes version " + VersionString(v) +
                                ": supported versions are " + VersionString(kEarliestVersion) +
                                " to " + VersionString(kNewestVersion));
  }
  return v;
}

std::vector<cel::Library> Libraries(Version version, bool extended) {
  auto at_least = [&](int minor) { return extended || version >= Version{1, minor}; };
  std::vector<cel::Library> libs;
  libs.push_back(cel::StandardLibrary(
      cel::StdLibOptions{.cross_type_numeric_comparisons = at_least(28)}));
  libs.push_back(URLsLibrary());
  libs.push_back(RegexLibrary());
  libs.push_back(ListsLibrary());
  if (at_least(27)) libs.push_back(AuthzLibrary());
  if (at_least(28)) libs.push_back(QuantityLibrary());
  if (at_least(30)) {
    libs.push_back(IPLibrary());
    libs.push_back(CIDRLibrary());
  }
  if (at_least(31)) libs.push_back(FormatLibrary());
  if (at_least(33)) {
    libs.push_back(SemverLibrary());
    libs.push_back(ImageLibrary());
  }
  if (extended) libs.push_back(JSONPatchLibrary());
#ifdef CELGATE_HAVE_CEL_EXT
  if (extended) {
    libs.push_back(cel::StringsLibrary(1000));
  } else {
    libs.push_back(cel::StringsLibrary(at_least(29) ? 2 : 0));
  }
  if (at_least(28)) libs.push_back(cel::OptionalLibrary());
  if (at_least(29)) libs.push_back(cel::SetsLibrary());
  if (at_least(32)) libs.push_back(cel::TwoVarComprehensionsLibrary());
  if (extended) {
    libs.push_back(cel::MathLibrary(1000));
    libs.push_back(cel::EncodersLibrary());
    libs.push_back(cel::ListsLibrary(1000));
  }
#else
  // TODO(cellib): the cel-go extension libraries (strings, optional, sets, two-variable
  // comprehensions, math, encoders, lists) come from target cg_cel_ext, which does not exist
  // yet; until it does, environments lack them. CMake defines CELGATE_HAVE_CEL_EXT once the
  // target appears, and nothing else needs to change here.
#endif
  return libs;
}

cel::ParserOptions ParserOptionsFor(Version version, bool extended) {
  auto at_least = [&](int minor) { return extended || version >= Version{1, minor}; };
  cel::ParserOptions options;
  options.enable_macros = true;
  options.enable_optional_syntax = at_least(28);
  options.enable_optional_macros = at_least(28);
  options.enable_two_variable_comprehensions = at_least(32);
  options.enable_bind_macro = extended;  // ext.Bindings: not in any Kubernetes environment
  options.enable_block_macros = extended;
  return options;
}

cel::EnvOptions EnvOptionsFor(Version version, bool extended) {
  cel::EnvOptions options;
  options.parser = ParserOptionsFor(version, extended);
  return options;
}

}  // namespace celgate::k8s::cellib
