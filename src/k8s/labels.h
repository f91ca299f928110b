// k8s/labels.h: Kubernetes label selectors, in both written forms:
// - the API form (metav1.LabelSelector: matchLabels + matchExpressions), used by
//   namespaceSelector, objectSelector and paramRef.selector (admission-policies.md 2.5, 2.6);
// - the string form ("a=b,c!=d,e in (x,y),!f") of `kubectl -l` and the authorizer library's
//   labelSelector(), parsed as k8s.io/apimachinery/pkg/labels.Parse does.
//
// Where this sits: k8s/ (plain C++, no CEL). Compile a selector once (FromApi / Parse...), then
// call Matches per object. A LabelSelector is immutable after construction and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace celgate::k8s {

// One matchExpressions entry as written in the API (operator kept as text so that invalid
// operators can be reported).
struct LabelSelectorRequirementSpec {
  std::string key;
  std::string op;  // "In", "NotIn", "Exists", "DoesNotExist"
  std::vector<std::string> values;
};

// metav1.LabelSelector as written. Use std::optional<LabelSelectorSpec> (or a null pointer) for
// a null selector.
struct LabelSelectorSpec {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelSelectorRequirementSpec> match_expressions;
};

// apimachinery ValidateLabelSelector (metav1 validation, default options): every problem, each
// formatted as field.Error.Error(), under `field_path` (e.g. "spec.matchConstraints.
// namespaceSelector"; "" for none):
//   "<path>.matchExpressions[0].values: Required value: must be specified when `operator` is
//    'In' or 'NotIn'"
//   "<path>.matchExpressions[1].values: Forbidden: may not be specified when `operator` is
//    'Exists' or 'DoesNotExist'"
//   "<path>.matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator"
//   "<path>.matchLabels: Invalid value: \"bad key\": name part must consist of ..."
// matchLabels are visited in key order.
std::vector<std::string> ValidateLabelSelector(const LabelSelectorSpec& spec,
                                               std::string_view field_path);

class LabelSelector {
 public:
  enum class Operator {
    kIn,
    kNotIn,
    kExists,
    kDoesNotExist,
    kEquals,
    kDoubleEquals,
    kNotEquals,
    kGreaterThan,
    kLessThan,
  };
  struct Requirement {
    std::string key;
    Operator op = Operator::kExists;
    std::vector<std::string> values;
    // labels.Requirement.Matches: In/=/== need the key present with one of the values;
    // NotIn/!= match when the key is absent; Gt/Lt compare as int64 (non-integers never match).
    bool Matches(
        const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const;
  };

  // Matches nothing (labels.Nothing(); a null API selector).
  static LabelSelector Nothing();
  // Matches everything (labels.Everything(); an empty API selector `{}`).
  static LabelSelector Everything();

  // metav1.LabelSelectorAsSelector: nullptr -> Nothing(); no labels and no expressions ->
  // Everything(); else one requirement per entry, sorted by key. Errors (kInvalidArgument) are
  // first the ValidateLabelSelector list for `field_path` (joined Go-aggregate style: the one
  // message, or "[m1, m2]"), so user-facing messages name the field.
  static StatusOr<LabelSelector> FromApi(const LabelSelectorSpec* spec,
                                         std::string_view field_path = "");

  // True for Nothing().
  bool is_nothing() const { return nothing_; }
  // True when every label set matches (no requirements and not Nothing()).
  bool is_everything() const { return !nothing_ && requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

  // All requirements hold. `lookup(key)` returns the label value or nullopt when absent.
  bool Matches(
      const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const;
  bool Matches(const std::map<std::string, std::string>& labels) const;

  // labels.Selector.String(): requirements joined by ',' ("a=b,!c,d in (x,y)").
  std::string ToString() const;

 private:
  friend StatusOr<LabelSelector> ParseSelectorString(std::string_view text);
  bool nothing_ = false;
  std::vector<Requirement> requirements_;
};

// labels.Parse: the string syntax. "" gives Everything(). Supports =, ==, !=, in, notin, exists
// (bare key), !key, and the integer comparisons > and <. Values in "in (...)" become a sorted
// set. Errors (kInvalidArgument) carry upstream's texts, e.g.
//   "unable to parse requirement: found '', expected: identifier"
//   "found ')', expected: !, identifier, or 'end of string'"
//   "unable to parse requirement: values[0][k]: Invalid value: \"a b\": ..."
StatusOr<LabelSelector> ParseSelectorString(std::string_view text);

}  // namespace celgate::k8s
