// k8s/semver.h: Semantic Versioning 2.0.0 values with the behaviour of github.com/blang/semver
// v4 as the Kubernetes CEL semver library uses it (library/semverlib.go).
//
// Where this sits: k8s/ (plain C++, no CEL). Value type; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace celgate::k8s {

class Semver {
 public:
  // One dot-separated pre-release identifier.
  struct PreRelease {
    bool is_num = false;
    uint64_t num = 0;
    std::string str;
  };

  // Strict semver.Parse. Errors (kInvalidArgument) are blang/semver's texts, e.g.
  //   "Version string empty", "No Major.Minor.Patch elements found",
  //   "Invalid character(s) found in major number \"v1\"",
  //   "Major number must not contain leading zeroes \"01\"",
  //   "Numeric PreRelease version must not contain leading zeroes \"01\"",
  //   "Build meta data is empty", or a strconv.ParseUint error for empty/overflowing numbers.
  static StatusOr<Semver> Parse(std::string_view text);

  // The CEL library's normalizeAndParse (semver(s, true)): strip one leading 'v', strip leading
  // zeros of each of the first three dot-separated parts, fill a missing minor/patch with 0
  // (error "short version cannot contain PreRelease/Build meta data" when the last part of a
  // short version contains '-' or '+'), then Parse. No whitespace trimming.
  static StatusOr<Semver> ParseNormalized(std::string_view text);

  uint64_t major() const { return major_; }
  uint64_t minor() const { return minor_; }
  uint64_t patch() const { return patch_; }
  const std::vector<PreRelease>& pre() const { return pre_; }
  const std::vector<std::string>& build() const { return build_; }

  // Semver precedence (-1, 0, 1): numeric major/minor/patch; a version with pre-release sorts
  // before the same version without; identifiers compare numerically (numbers sort before
  // strings) or lexically; more identifiers win when all shared ones are equal. Build ignored.
  int Compare(const Semver& other) const;

  // "MAJOR.MINOR.PATCH[-pre][+build]".
  std::string ToString() const;

  // Precedence equality (build metadata ignored), as blang's Equals.
  bool operator==(const Semver& o) const { return Compare(o) == 0; }
  bool operator!=(const Semver& o) const { return Compare(o) != 0; }

 private:
  uint64_t major_ = 0, minor_ = 0, patch_ = 0;
  std::vector<PreRelease> pre_;
  std::vector<std::string> build_;
};

}  // namespace celgate::k8s
