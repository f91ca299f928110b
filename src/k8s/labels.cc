// k8s/labels.cc: label selector validation, matching, printing and the string-syntax parser
// (a lexer and recursive-descent parser with upstream's error texts). Entry point: labels.h.
#include "k8s/labels.h"

#include <algorithm>
#include <set>

#include "k8s/internal/go_text.h"
#include "k8s/validation.h"

namespace celgate::k8s {
namespace {

using internal::GoQuote;
using Operator = LabelSelector::Operator;

std::string Child(std::string_view path, std::string_view name) {
  if (path.empty()) {
    return std::string(name);
  }
  return std::string(path) + "." + std::string(name);
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += v[i];
  }
  return out;
}

// Go's %#v of a []string.
std::string GoSliceRepr(const std::vector<std::string>& v, bool nil_when_empty) {
  if (v.empty() && nil_when_empty) {
    return "[]string(nil)";
  }
  std::string out = "[]string{";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += GoQuote(v[i]);
  }
  return out + "}";
}

std::string FieldPathOrNil(std::string_view path) {
  return path.empty() ? "<nil>" : std::string(path);
}

std::string InvalidStr(std::string_view path, std::string_view value, std::string_view detail) {
  return FieldPathOrNil(path) + ": Invalid value: " + GoQuote(value) + ": " + std::string(detail);
}

std::string Aggregate(const std::vector<std::string>& errs) {
  if (errs.size() == 1) {
    return errs[0];
  }
  return "[" + Join(errs, ", ") + "]";
}

// labels.NewRequirement's checks, with upstream's nil-rooted field paths; "" when valid.
std::string CheckRequirement(const std::string& key, Operator op,
                             const std::vector<std::string>& vals) {
  std::vector<std::string> errs;
  std::vector<std::string> key_errs = IsQualifiedName(key);
  if (!key_errs.empty()) {
    errs.push_back(InvalidStr("key", key, Join(key_errs, "; ")));
  }
  switch (op) {
    case Operator::kIn:
    case Operator::kNotIn:
      if (vals.empty()) {
        errs.push_back("values: Invalid value: " + GoSliceRepr(vals, false) +
                       ": for 'in', 'notin' operators, values set can't be empty");
      }
      break;
    case Operator::kEquals:
    case Operator::kDoubleEquals:
    case Operator::kNotEquals:
      if (vals.size() != 1) {
        errs.push_back("values: Invalid value: " + GoSliceRepr(vals, false) +
                       ": exact-match compatibility requires one single value");
      }
      break;
    case Operator::kExists:
    case Operator::kDoesNotExist:
      if (!vals.empty()) {
        errs.push_back("values: Invalid value: " + GoSliceRepr(vals, false) +
                       ": values set must be empty for exists and does not exist");
      }
      break;
    case Operator::kGreaterThan:
    case Operator::kLessThan:
      if (vals.size() != 1) {
        errs.push_back("values: Invalid value: " + GoSliceRepr(vals, false) +
                       ": for 'Gt', 'Lt' operators, exactly one value is required");
      }
      for (size_t i = 0; i < vals.size(); ++i) {
        if (!internal::GoParseInt(vals[i]).has_value()) {
          errs.push_back(InvalidStr("values[" + std::to_string(i) + "]", vals[i],
                                    "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    std::vector<std::string> v_errs = IsValidLabelValue(vals[i]);
    if (!v_errs.empty()) {
      errs.push_back(InvalidStr("values[" + std::to_string(i) + "][" + key + "]", vals[i],
                                Join(v_errs, "; ")));
    }
  }
  if (errs.empty()) {
    return "";
  }
  return Aggregate(errs);
}

void SortByKey(std::vector<LabelSelector::Requirement>* reqs) {
  std::stable_sort(reqs->begin(), reqs->end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
}

}  // namespace

std::vector<std::string> ValidateLabelSelector(const LabelSelectorSpec& spec,
                                               std::string_view field_path) {
  std::vector<std::string> errs;
  std::string labels_path = Child(field_path, "matchLabels");
  for (const auto& [k, v] : spec.match_labels) {
    for (const std::string& m : IsQualifiedName(k)) {
      errs.push_back(InvalidStr(labels_path, k, m));
    }
    for (const std::string& m : IsValidLabelValue(v)) {
      errs.push_back(InvalidStr(labels_path, v, m));
    }
  }
  for (size_t i = 0; i < spec.match_expressions.size(); ++i) {
    const LabelSelectorRequirementSpec& r = spec.match_expressions[i];
    std::string p = Child(field_path, "matchExpressions") + "[" + std::to_string(i) + "]";
    if (r.op == "In" || r.op == "NotIn") {
      if (r.values.empty()) {
        errs.push_back(p +
                       ".values: Required value: must be specified when `operator` is 'In' "
                       "or 'NotIn'");
      }
    } else if (r.op == "Exists" || r.op == "DoesNotExist") {
      if (!r.values.empty()) {
        errs.push_back(p +
                       ".values: Forbidden: may not be specified when `operator` is "
                       "'Exists' or 'DoesNotExist'");
      }
    } else {
      errs.push_back(InvalidStr(p + ".operator", r.op, "not a valid selector operator"));
    }
    for (const std::string& m : IsQualifiedName(r.key)) {
      errs.push_back(InvalidStr(p + ".key", r.key, m));
    }
    for (size_t j = 0; j < r.values.size(); ++j) {
      for (const std::string& m : IsValidLabelValue(r.values[j])) {
        errs.push_back(InvalidStr(p + ".values[" + std::to_string(j) + "]", r.values[j], m));
      }
    }
  }
  return errs;
}

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

LabelSelector LabelSelector::Everything() { return LabelSelector(); }

StatusOr<LabelSelector> LabelSelector::FromApi(const LabelSelectorSpec* spec,
                                               std::string_view field_path) {
  if (spec == nullptr) {
    return Nothing();
  }
  std::vector<std::string> errs = ValidateLabelSelector(*spec, field_path);
  if (!errs.empty()) {
    return InvalidArgumentError(Aggregate(errs));
  }
  LabelSelector s;
  for (const auto& [k, v] : spec->match_labels) {
    s.requirements_.push_back(Requirement{k, Operator::kEquals, {v}});
  }
  for (const LabelSelectorRequirementSpec& r : spec->match_expressions) {
    Operator op = Operator::kIn;
    if (r.op == "NotIn") {
      op = Operator::kNotIn;
    } else if (r.op == "Exists") {
      op = Operator::kExists;
    } else if (r.op == "DoesNotExist") {
      op = Operator::kDoesNotExist;
    }
    s.requirements_.push_back(Requirement{r.key, op, r.values});
  }
  SortByKey(&s.requirements_);
  return s;
}

bool LabelSelector::Requirement::Matches(
    const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const {
  std::optional<std::string_view> v = lookup(key);
  auto has_value = [&](std::string_view x) {
    return std::find(values.begin(), values.end(), x) != values.end();
  };
  switch (op) {
    case Operator::kIn:
    case Operator::kEquals:
    case Operator::kDoubleEquals:
      return v.has_value() && has_value(*v);
    case Operator::kNotIn:
    case Operator::kNotEquals:
      return !v.has_value() || !has_value(*v);
    case Operator::kExists:
      return v.has_value();
    case Operator::kDoesNotExist:
      return !v.has_value();
    case Operator::kGreaterThan:
    case Operator::kLessThan: {
      if (!v.has_value() || values.size() != 1) {
        return false;
      }
      std::optional<int64_t> have = internal::GoParseInt(*v);
      std::optional<int64_t> want = internal::GoParseInt(values[0]);
      if (!have || !want) {
        return false;
      }
      return op == Operator::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

bool LabelSelector::Matches(
    const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const {
  if (nothing_) {
    return false;
  }
  for (const Requirement& r : requirements_) {
    if (!r.Matches(lookup)) {
      return false;
    }
  }
  return true;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return Matches([&labels](std::string_view k) -> std::optional<std::string_view> {
    auto it = labels.find(std::string(k));
    if (it == labels.end()) {
      return std::nullopt;
    }
    return std::string_view(it->second);
  });
}

std::string LabelSelector::ToString() const {
  std::vector<std::string> parts;
  for (const Requirement& r : requirements_) {
    std::string s;
    if (r.op == Operator::kDoesNotExist) {
      s = "!";
    }
    s += r.key;
    switch (r.op) {
      case Operator::kEquals:
        s += "=";
        break;
      case Operator::kDoubleEquals:
        s += "==";
        break;
      case Operator::kNotEquals:
        s += "!=";
        break;
      case Operator::kIn:
        s += " in ";
        break;
      case Operator::kNotIn:
        s += " notin ";
        break;
      case Operator::kGreaterThan:
        s += ">";
        break;
      case Operator::kLessThan:
        s += "<";
        break;
      case Operator::kExists:
      case Operator::kDoesNotExist:
        parts.push_back(s);
        continue;
    }
    bool parens = r.op == Operator::kIn || r.op == Operator::kNotIn;
    if (parens) {
      s += "(";
    }
    if (r.values.size() == 1) {
      s += r.values[0];
    } else {
      std::vector<std::string> sorted = r.values;
      std::sort(sorted.begin(), sorted.end());
      s += Join(sorted, ",");
    }
    if (parens) {
      s += ")";
    }
    parts.push_back(s);
  }
  return Join(parts, ",");
}

// ---- String syntax. ----

namespace {

enum class Tok {
  kError,
  kEnd,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct Item {
  Tok tok;
  std::string lit;
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

std::optional<Tok> Keyword(std::string_view s) {
  static const std::pair<std::string_view, Tok> kTable[] = {
      {")", Tok::kClosedPar},     {",", Tok::kComma},    {"!", Tok::kDoesNotExist},
      {"==", Tok::kDoubleEquals}, {"=", Tok::kEquals},   {">", Tok::kGreaterThan},
      {"in", Tok::kIn},           {"<", Tok::kLessThan}, {"!=", Tok::kNotEquals},
      {"notin", Tok::kNotIn},     {"(", Tok::kOpenPar}};
  for (const auto& [text, tok] : kTable) {
    if (text == s) {
      return tok;
    }
  }
  return std::nullopt;
}

std::vector<Item> Lex(std::string_view s) {
  std::vector<Item> items;
  size_t pos = 0;
  while (true) {
    while (pos < s.size() && IsWhitespace(s[pos])) {
      ++pos;
    }
    if (pos >= s.size() || s[pos] == '\0') {
      items.push_back({Tok::kEnd, ""});
      return items;
    }
    if (IsSpecial(s[pos])) {
      std::string buffer;
      std::optional<Item> last;
      while (pos < s.size() && IsSpecial(s[pos])) {
        buffer.push_back(s[pos]);
        ++pos;
        if (std::optional<Tok> t = Keyword(buffer)) {
          last = Item{*t, buffer};
        } else if (last.has_value()) {
          --pos;
          break;
        }
      }
      if (!last.has_value()) {
        items.push_back({Tok::kError, "error expected: keyword found '" + buffer + "'"});
      } else {
        items.push_back(*last);
      }
    } else {
      size_t start = pos;
      while (pos < s.size() && s[pos] != '\0' && !IsWhitespace(s[pos]) && !IsSpecial(s[pos])) {
        ++pos;
      }
      std::string word(s.substr(start, pos - start));
      std::optional<Tok> t = Keyword(word);
      items.push_back({t.value_or(Tok::kIdentifier), word});
    }
    if (items.back().tok == Tok::kError) {
      items.push_back({Tok::kEnd, ""});
      return items;
    }
  }
}

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view s) : items_(Lex(s)) {}

  StatusOr<std::vector<LabelSelector::Requirement>> Parse() {
    std::vector<LabelSelector::Requirement> reqs;
    while (true) {
      auto [tok, lit] = Peek(true);
      if (tok == Tok::kIdentifier || tok == Tok::kDoesNotExist) {
        StatusOr<LabelSelector::Requirement> r = ParseRequirement();
        if (!r.ok()) {
          return InvalidArgumentError("unable to parse requirement: " +
                                      std::string(r.status().message()));
        }
        reqs.push_back(*std::move(r));
        auto [t, l] = Next(true);
        if (t == Tok::kEnd) {
          return reqs;
        }
        if (t == Tok::kComma) {
          auto [t2, l2] = Peek(true);
          if (t2 != Tok::kIdentifier && t2 != Tok::kDoesNotExist) {
            return InvalidArgumentError("found '" + l2 + "', expected: identifier after ','");
          }
          continue;
        }
        return InvalidArgumentError("found '" + l + "', expected: ',' or 'end of string'");
      }
      if (tok == Tok::kEnd) {
        return reqs;
      }
      return InvalidArgumentError("found '" + lit +
                                  "', expected: !, identifier, or 'end of string'");
    }
  }

 private:
  // In value context the keywords "in"/"notin" are plain identifiers.
  std::pair<Tok, std::string> Peek(bool values) const {
    const Item& it = items_[std::min(pos_, items_.size() - 1)];
    Tok t = it.tok;
    if (values && (t == Tok::kIn || t == Tok::kNotIn)) {
      t = Tok::kIdentifier;
    }
    return {t, it.lit};
  }
  std::pair<Tok, std::string> Next(bool values) {
    auto r = Peek(values);
    if (pos_ < items_.size() - 1) {
      ++pos_;
    }
    return r;
  }

  StatusOr<LabelSelector::Requirement> Finish(std::string key, Operator op,
                                              std::set<std::string> values) {
    std::vector<std::string> vals(values.begin(), values.end());
    std::string err = CheckRequirement(key, op, vals);
    if (!err.empty()) {
      return InvalidArgumentError(err);
    }
    return LabelSelector::Requirement{std::move(key), op, std::move(vals)};
  }

  StatusOr<LabelSelector::Requirement> ParseRequirement() {
    bool does_not_exist = false;
    auto [tok, lit] = Next(true);
    if (tok == Tok::kDoesNotExist) {
      does_not_exist = true;
      std::tie(tok, lit) = Next(true);
    }
    if (tok != Tok::kIdentifier) {
      return InvalidArgumentError("found '" + lit + "', expected: identifier");
    }
    std::string key = lit;
    std::vector<std::string> key_errs = IsQualifiedName(key);
    if (!key_errs.empty()) {
      return InvalidArgumentError(InvalidStr("", key, Join(key_errs, "; ")));
    }
    Tok after = Peek(true).first;
    if (does_not_exist) {
      // Upstream returns the requirement right away; whatever follows is the caller's problem.
      return Finish(key, Operator::kDoesNotExist, {});
    }
    if (after == Tok::kEnd || after == Tok::kComma) {
      return Finish(key, Operator::kExists, {});
    }
    auto [op_tok, op_lit] = Next(false);
    Operator op;
    switch (op_tok) {
      case Tok::kIn:
        op = Operator::kIn;
        break;
      case Tok::kEquals:
        op = Operator::kEquals;
        break;
      case Tok::kDoubleEquals:
        op = Operator::kDoubleEquals;
        break;
      case Tok::kGreaterThan:
        op = Operator::kGreaterThan;
        break;
      case Tok::kLessThan:
        op = Operator::kLessThan;
        break;
      case Tok::kNotIn:
        op = Operator::kNotIn;
        break;
      case Tok::kNotEquals:
        op = Operator::kNotEquals;
        break;
      default:
        return InvalidArgumentError("found '" + op_lit +
                                    "', expected: in, notin, =, ==, !=, gt, lt");
    }
    std::set<std::string> values;
    if (op == Operator::kIn || op == Operator::kNotIn) {
      CG_RETURN_IF_ERROR(ParseValues(&values));
    } else {
      CG_RETURN_IF_ERROR(ParseExactValue(&values));
    }
    return Finish(key, op, std::move(values));
  }

  Status ParseValues(std::set<std::string>* s) {
    auto [tok, lit] = Next(true);
    if (tok != Tok::kOpenPar) {
      return InvalidArgumentError("found '" + lit + "' expected: '('");
    }
    std::tie(tok, lit) = Peek(true);
    if (tok == Tok::kIdentifier || tok == Tok::kComma) {
      CG_RETURN_IF_ERROR(ParseIdentifiersList(s));
      if (Next(true).first != Tok::kClosedPar) {
        return InvalidArgumentError("found '" + lit + "', expected: ')'");
      }
      return OkStatus();
    }
    if (tok == Tok::kClosedPar) {
      Next(true);
      s->insert("");
      return OkStatus();
    }
    return InvalidArgumentError("found '" + lit + "', expected: ',', ')' or identifier");
  }

  Status ParseIdentifiersList(std::set<std::string>* s) {
    while (true) {
      auto [tok, lit] = Next(true);
      if (tok == Tok::kIdentifier) {
        s->insert(lit);
        auto [t2, l2] = Peek(true);
        if (t2 == Tok::kComma) {
          continue;
        }
        if (t2 == Tok::kClosedPar) {
          return OkStatus();
        }
        return InvalidArgumentError("found '" + l2 + "', expected: ',' or ')'");
      }
      if (tok == Tok::kComma) {
        if (s->empty()) {
          s->insert("");
        }
        Tok t2 = Peek(true).first;
        if (t2 == Tok::kClosedPar) {
          s->insert("");
          return OkStatus();
        }
        if (t2 == Tok::kComma) {
          Next(true);
          s->insert("");
        }
        continue;
      }
      return InvalidArgumentError("found '" + lit + "', expected: ',', or identifier");
    }
  }

  Status ParseExactValue(std::set<std::string>* s) {
    Tok t = Peek(true).first;
    if (t == Tok::kEnd || t == Tok::kComma) {
      s->insert("");
      return OkStatus();
    }
    auto [tok, lit] = Next(true);
    if (tok == Tok::kIdentifier) {
      s->insert(lit);
      return OkStatus();
    }
    return InvalidArgumentError("found '" + lit + "', expected: identifier");
  }

  std::vector<Item> items_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<LabelSelector> ParseSelectorString(std::string_view text) {
  SelectorParser p(text);
  CG_ASSIGN_OR_RETURN(std::vector<LabelSelector::Requirement> reqs, p.Parse());
  LabelSelector s;
  s.requirements_ = std::move(reqs);
  SortByKey(&s.requirements_);
  return s;
}

}  // namespace celgate::k8s
