// k8s/validation.cc: hand-written matchers for the apimachinery name regexes and the strfmt
// formats (no regex engine needed; each pattern is a simple left-to-right scan).
// Entry point: validation.h.
#include "k8s/validation.h"

#include <algorithm>

#include "base/utf8.h"
#include "k8s/url.h"

namespace celgate::k8s {
namespace {

constexpr char kDNS1123LabelFmt[] = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr char kDNS1123LabelErrMsg[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
constexpr char kDNS1123SubdomainFmt[] =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr char kDNS1123SubdomainErrMsg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr char kDNS1035LabelFmt[] = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr char kDNS1035LabelErrMsg[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character";
constexpr char kQualifiedNameFmt[] = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr char kQualifiedNameErrMsg[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr char kLabelValueFmt[] = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr char kLabelValueErrMsg[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?  (first_alpha: [a-z] first, as DNS-1035)
bool MatchLabel(std::string_view s, bool first_alpha) {
  if (s.empty()) {
    return false;
  }
  if (first_alpha ? !(s[0] >= 'a' && s[0] <= 'z') : !IsLowerAlnum(s[0])) {
    return false;
  }
  if (!IsLowerAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

bool MatchSubdomain(std::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!MatchLabel(s.substr(0, dot), false)) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool MatchQualifiedNamePart(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string MaskTrailingDash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') {
    return std::string(name.substr(0, name.size() - 2)) + "a";
  }
  return std::string(name);
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// (?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$
bool IsUUID(std::string_view s) {
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  size_t pos = 0;
  for (int g = 0; g < 5; ++g) {
    if (g > 0 && pos < s.size() && s[pos] == '-') {
      ++pos;
    }
    for (int i = 0; i < kGroups[g]; ++i) {
      if (pos >= s.size() || !IsHexDigit(s[pos])) {
        return false;
      }
      ++pos;
    }
  }
  return pos == s.size();
}

// govalidator.IsBase64: ^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|
// [A-Za-z0-9+/]{4})$
bool IsBase64(std::string_view s) {
  auto b64 = [](char c) { return IsAlnum(c) || c == '+' || c == '/'; };
  if (s.empty() || s.size() % 4 != 0) {
    return false;
  }
  size_t body = s.size() - 4;
  for (size_t i = 0; i < body; ++i) {
    if (!b64(s[i])) {
      return false;
    }
  }
  std::string_view last = s.substr(body);
  if (!b64(last[0]) || !b64(last[1])) {
    return false;
  }
  if (last[2] == '=') {
    return last[3] == '=';
  }
  return b64(last[2]) && (last[3] == '=' || b64(last[3]));
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Go time.Parse("2006-01-02", s) == nil.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return false;
  }
  std::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) {
    return false;
  }
  int year = std::stoi(std::string(y));
  int month = std::stoi(std::string(m));
  int day = std::stoi(std::string(d));
  if (month < 1 || month > 12) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) {
    max_day = 29;
  }
  return day >= 1 && day <= max_day;
}

// strfmt.IsDateTime (kube-openapi): date 't' hh:mm:ss(.<digits>)?(z|[+-]hh:mm), lowercased,
// split on every 't' with only the first two pieces looked at; hh<="23", mm/ss<="59" as strings.
bool IsDateTime(std::string_view str) {
  if (str.size() < 4) {
    return false;
  }
  std::string lower(str);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  size_t t = lower.find('t');
  if (t == std::string::npos) {
    return false;
  }
  if (!IsDate(std::string_view(lower).substr(0, t))) {
    return false;
  }
  std::string_view s = std::string_view(lower).substr(t + 1);
  s = s.substr(0, s.find('t'));
  auto two_digits = [&](size_t at) { return at + 2 <= s.size() && AllDigits(s.substr(at, 2)); };
  if (!two_digits(0) || s.size() < 8 || s[2] != ':' || !two_digits(3) || s[5] != ':' ||
      !two_digits(6)) {
    return false;
  }
  auto zone_ok = [](std::string_view z) {
    if (z == "z") {
      return true;
    }
    return z.size() == 6 && (z[0] == '+' || z[0] == '-') && AllDigits(z.substr(1, 2)) &&
           z[3] == ':' && AllDigits(z.substr(4, 2));
  };
  std::string_view rest = s.substr(8);
  bool matched = zone_ok(rest);
  if (!matched && !rest.empty()) {
    // (.[0-9]+): any one character, then at least one digit.
    size_t pos = 0;
    char32_t cp = 0;
    utf8::DecodeAt(rest, &pos, &cp);
    size_t digits = pos;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      ++digits;
    }
    matched = digits > pos && zone_ok(rest.substr(digits));
  }
  return matched && s.substr(0, 2) <= "23" && s.substr(3, 2) <= "59" && s.substr(6, 2) <= "59";
}

}  // namespace

std::string MaxLenError(int length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

std::string EmptyError() { return "must be non-empty"; }

std::string RegexError(std::string_view msg, std::string_view re,
                       const std::vector<std::string_view>& examples) {
  std::string out(msg);
  if (examples.empty()) {
    return out + " (regex used for validation is '" + std::string(re) + "')";
  }
  out += " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) {
      out += " or ";
    }
    out += "'" + std::string(examples[i]) + "', ";
  }
  out += "regex used for validation is '" + std::string(re) + "')";
  return out;
}

std::vector<std::string> IsDNS1123Label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) {
    errs.push_back(MaxLenError(63));
  }
  if (!MatchLabel(value, false)) {
    errs.push_back(RegexError(kDNS1123LabelErrMsg, kDNS1123LabelFmt, {"my-name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> IsDNS1123Subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 253) {
    errs.push_back(MaxLenError(253));
  }
  if (!MatchSubdomain(value)) {
    errs.push_back(RegexError(kDNS1123SubdomainErrMsg, kDNS1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> IsDNS1035Label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) {
    errs.push_back(MaxLenError(63));
  }
  if (!MatchLabel(value, true)) {
    errs.push_back(RegexError(kDNS1035LabelErrMsg, kDNS1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

std::vector<std::string> IsQualifiedName(std::string_view value) {
  std::vector<std::string> errs;
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t slash = value.find('/', start);
    parts.push_back(value.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  std::string_view name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    std::string_view prefix = parts[0];
    name = parts[1];
    if (prefix.empty()) {
      errs.push_back("prefix part " + EmptyError());
    } else {
      for (const std::string& m : IsDNS1123Subdomain(prefix)) {
        errs.push_back("prefix part " + m);
      }
    }
  } else {
    errs.push_back(
        "a qualified name " +
        RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) {
    errs.push_back("name part " + EmptyError());
  } else if (name.size() > 63) {
    errs.push_back("name part " + MaxLenError(63));
  }
  if (!MatchQualifiedNamePart(name)) {
    errs.push_back("name part " + RegexError(kQualifiedNameErrMsg, kQualifiedNameFmt,
                                             {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> IsValidLabelValue(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) {
    errs.push_back(MaxLenError(63));
  }
  if (!value.empty() && !MatchQualifiedNamePart(value)) {
    errs.push_back(RegexError(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::vector<std::string> IsValidPortName(std::string_view port) {
  std::vector<std::string> errs;
  if (port.size() > 15) {
    errs.push_back(MaxLenError(15));
  }
  if (port.empty() ||
      !std::all_of(port.begin(), port.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; })) {
    errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (std::none_of(port.begin(), port.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    errs.push_back("must contain at least one letter (a-z)");
  }
  if (port.find("--") != std::string_view::npos) {
    errs.push_back("must not contain consecutive hyphens");
  }
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) {
    errs.push_back("must not begin or end with a hyphen");
  }
  return errs;
}

std::vector<std::string> IsDNS1123LabelPrefix(std::string_view value) {
  return IsDNS1123Label(MaskTrailingDash(value));
}
std::vector<std::string> IsDNS1123SubdomainPrefix(std::string_view value) {
  return IsDNS1123Subdomain(MaskTrailingDash(value));
}
std::vector<std::string> IsDNS1035LabelPrefix(std::string_view value) {
  return IsDNS1035Label(MaskTrailingDash(value));
}

const std::vector<std::string>& KnownNamedFormats() {
  static const std::vector<std::string>* names =
      new std::vector<std::string>{"dns1123Label",
                                   "dns1123Subdomain",
                                   "dns1035Label",
                                   "qualifiedName",
                                   "dns1123LabelPrefix",
                                   "dns1123SubdomainPrefix",
                                   "dns1035LabelPrefix",
                                   "labelValue",
                                   "uri",
                                   "uuid",
                                   "byte",
                                   "date",
                                   "datetime"};
  return *names;
}

std::optional<std::vector<std::string>> ValidateNamedFormat(std::string_view name,
                                                            std::string_view value) {
  auto one = [](bool ok, const char* msg) {
    return ok ? std::vector<std::string>{} : std::vector<std::string>{msg};
  };
  if (name == "dns1123Label") {
    return IsDNS1123Label(value);
  }
  if (name == "dns1123Subdomain") {
    return IsDNS1123Subdomain(value);
  }
  if (name == "dns1035Label") {
    return IsDNS1035Label(value);
  }
  if (name == "qualifiedName") {
    return IsQualifiedName(value);
  }
  if (name == "dns1123LabelPrefix") {
    return IsDNS1123LabelPrefix(value);
  }
  if (name == "dns1123SubdomainPrefix") {
    return IsDNS1123SubdomainPrefix(value);
  }
  if (name == "dns1035LabelPrefix") {
    return IsDNS1035LabelPrefix(value);
  }
  if (name == "labelValue") {
    return IsValidLabelValue(value);
  }
  if (name == "uri") {
    std::string err = URL::ParseRequestURIError(value);
    if (err.empty()) {
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{err};
  }
  if (name == "uuid") {
    return one(IsUUID(value), "does not match the UUID format");
  }
  if (name == "byte") {
    return one(IsBase64(value), "invalid base64");
  }
  if (name == "date") {
    return one(IsDate(value), "invalid date");
  }
  if (name == "datetime") {
    return one(IsDateTime(value), "invalid datetime");
  }
  return std::nullopt;
}

}  // namespace celgate::k8s
