// k8s/semver.cc: blang/semver v4 parsing and comparison, re-implemented. Entry point: semver.h.
#include "k8s/semver.h"

#include "k8s/internal/go_text.h"

namespace celgate::k8s {
namespace {

using internal::GoQuote;

bool OnlyDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

bool OnlyAlnum(std::string_view s) {
  for (char c : s) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool LeadingZero(std::string_view s) { return s.size() > 1 && s[0] == '0'; }

std::vector<std::string_view> Split(std::string_view s, char sep, size_t max_parts = 0) {
  std::vector<std::string_view> out;
  while (true) {
    size_t i = s.find(sep);
    if (i == std::string_view::npos || (max_parts != 0 && out.size() + 1 == max_parts)) {
      out.push_back(s);
      return out;
    }
    out.push_back(s.substr(0, i));
    s.remove_prefix(i + 1);
  }
}

StatusOr<uint64_t> ParseNumber(std::string_view s, const char* what, const char* what_cap) {
  if (!OnlyDigits(s)) {
    return InvalidArgumentError(std::string("Invalid character(s) found in ") + what + " number " +
                                GoQuote(s));
  }
  if (LeadingZero(s)) {
    return InvalidArgumentError(std::string(what_cap) + " number must not contain leading zeroes " +
                                GoQuote(s));
  }
  bool range = false;
  std::optional<uint64_t> v = internal::GoParseUint(s, &range);
  if (!v.has_value()) {
    return InvalidArgumentError(internal::GoNumError("ParseUint", s, range));
  }
  return *v;
}

}  // namespace

StatusOr<Semver> Semver::Parse(std::string_view s) {
  if (s.empty()) {
    return InvalidArgumentError("Version string empty");
  }
  std::vector<std::string_view> parts = Split(s, '.', 3);
  if (parts.size() != 3) {
    return InvalidArgumentError("No Major.Minor.Patch elements found");
  }
  Semver v;
  CG_ASSIGN_OR_RETURN(v.major_, ParseNumber(parts[0], "major", "Major"));
  CG_ASSIGN_OR_RETURN(v.minor_, ParseNumber(parts[1], "minor", "Minor"));
  std::string_view patch = parts[2];
  std::vector<std::string_view> build, pre;
  bool has_build = false, has_pre = false;
  size_t plus = patch.find('+');
  if (plus != std::string_view::npos) {
    build = Split(patch.substr(plus + 1), '.');
    has_build = true;
    patch = patch.substr(0, plus);
  }
  size_t dash = patch.find('-');
  if (dash != std::string_view::npos) {
    pre = Split(patch.substr(dash + 1), '.');
    has_pre = true;
    patch = patch.substr(0, dash);
  }
  CG_ASSIGN_OR_RETURN(v.patch_, ParseNumber(patch, "patch", "Patch"));
  if (has_pre) {
    for (std::string_view p : pre) {
      if (p.empty()) {
        return InvalidArgumentError("Prerelease is empty");
      }
      PreRelease pr;
      if (OnlyDigits(p)) {
        if (LeadingZero(p)) {
          return InvalidArgumentError(
              "Numeric PreRelease version must not contain leading zeroes " + GoQuote(p));
        }
        bool range = false;
        std::optional<uint64_t> n = internal::GoParseUint(p, &range);
        if (!n.has_value()) {
          return InvalidArgumentError(internal::GoNumError("ParseUint", p, range));
        }
        pr.is_num = true;
        pr.num = *n;
      } else if (OnlyAlnum(p)) {
        pr.str = std::string(p);
      } else {
        return InvalidArgumentError("Invalid character(s) found in prerelease " + GoQuote(p));
      }
      v.pre_.push_back(std::move(pr));
    }
  }
  if (has_build) {
    for (std::string_view b : build) {
      if (b.empty()) {
        return InvalidArgumentError("Build meta data is empty");
      }
      if (!OnlyAlnum(b)) {
        return InvalidArgumentError("Invalid character(s) found in build meta data " + GoQuote(b));
      }
      v.build_.emplace_back(b);
    }
  }
  return v;
}

StatusOr<Semver> Semver::ParseNormalized(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && s[0] == 'v') {
    s.remove_prefix(1);
  }
  std::vector<std::string> parts;
  for (std::string_view p : Split(s, '.', 3)) {
    std::string part(p);
    if (part.size() > 1) {
      size_t nz = part.find_first_not_of('0');
      part = nz == std::string::npos ? "" : part.substr(nz);
      if (part.empty() || part[0] < '0' || part[0] > '9') {
        part = "0" + part;
      }
    }
    parts.push_back(std::move(part));
  }
  if (parts.size() < 3) {
    if (parts.back().find_first_of("+-") != std::string::npos) {
      return InvalidArgumentError("short version cannot contain PreRelease/Build meta data");
    }
    while (parts.size() < 3) {
      parts.push_back("0");
    }
  }
  return Parse(parts[0] + "." + parts[1] + "." + parts[2]);
}

int Semver::Compare(const Semver& o) const {
  auto cmp = [](uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); };
  if (int c = cmp(major_, o.major_); c != 0) {
    return c;
  }
  if (int c = cmp(minor_, o.minor_); c != 0) {
    return c;
  }
  if (int c = cmp(patch_, o.patch_); c != 0) {
    return c;
  }
  if (pre_.empty() && o.pre_.empty()) {
    return 0;
  }
  if (pre_.empty()) {
    return 1;
  }
  if (o.pre_.empty()) {
    return -1;
  }
  size_t i = 0;
  for (; i < pre_.size() && i < o.pre_.size(); ++i) {
    const PreRelease& a = pre_[i];
    const PreRelease& b = o.pre_[i];
    int c = 0;
    if (a.is_num && b.is_num) {
      c = cmp(a.num, b.num);
    } else if (a.is_num) {
      c = -1;
    } else if (b.is_num) {
      c = 1;
    } else {
      c = a.str < b.str ? -1 : (a.str > b.str ? 1 : 0);
    }
    if (c != 0) {
      return c;
    }
  }
  if (i == pre_.size() && i == o.pre_.size()) {
    return 0;
  }
  return i == pre_.size() ? -1 : 1;
}

std::string Semver::ToString() const {
  std::string out =
      std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  for (size_t i = 0; i < pre_.size(); ++i) {
    out += i == 0 ? "-" : ".";
    out += pre_[i].is_num ? std::to_string(pre_[i].num) : pre_[i].str;
  }
  for (size_t i = 0; i < build_.size(); ++i) {
    out += i == 0 ? "+" : ".";
    out += build_[i];
  }
  return out;
}

}  // namespace celgate::k8s
