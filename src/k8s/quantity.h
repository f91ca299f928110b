// k8s/quantity.h: Kubernetes resource quantities ("500m", "1.5Gi", "1e3") as exact decimals.
//
// Where this sits: k8s/ (plain C++, no CEL). k8s/cellib/quantity wraps it for CEL; policy code
// may use it directly. Include this header; there is no other entry point.
//
// Semantics are those of k8s.io/apimachinery/pkg/api/resource.Quantity:
// - Parse accepts exactly what resource.ParseQuantity accepts and returns its error texts.
//   Parsed values are exact, except that non-zero values are rounded away from zero to a
//   multiple of 1e-9 and BinarySI values are capped at 2^63-1 in magnitude, as upstream does.
// - Like upstream, a Quantity remembers whether it is held in the "int64 mantissa + base-10
//   scale" form or in the arbitrary-precision form. This matters only for AsInt64/IsInteger
//   (which succeed only for the int64 form, e.g. "1000m" and "1.5Gi" are NOT integers there) and
//   for the last bit of AsApproximateFloat64.
// - Compare/Sign/== are exact numeric comparisons. Add/Sub are exact, except that an operand
//   more than ~4 million decimal digits below the other is dropped (a memory guard; upstream
//   would try to build the aligned integer, e.g. for quantity("1e2000000000").add(1)).
// - ToString is Quantity.String(): canonical form, suffix family preserved. Values beyond the
//   last suffix fall back to exponent notation ("1000E" -> "1e21"; BinarySI past Ei -> decimal),
//   following kubernetes/kubernetes#140459.
//
// Values are immutable and cheap to copy for the common int64 form. Thread-safe (no mutation
// after construction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace celgate::k8s {

class Quantity {
 public:
  // The suffix family a quantity is printed with (upstream resource.Format).
  enum class Format { kDecimalExponent, kBinarySI, kDecimalSI };

  // Zero, DecimalSI (what ParseQuantity("0") returns).
  Quantity() = default;

  // Parses `text` like resource.ParseQuantity. No whitespace trimming. Errors (kInvalidArgument)
  // carry the upstream messages verbatim:
  //   "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
  //   "unable to parse quantity's suffix"
  //   "unable to parse numeric part of quantity"
  static StatusOr<Quantity> Parse(std::string_view text);

  // resource.NewQuantity(v, format): int64 form, scale 0.
  static Quantity FromInt64(int64_t value, Format format = Format::kDecimalExponent);

  // -1, 0 or 1 comparing numeric values exactly.
  int Compare(const Quantity& other) const;
  // Exact sum / difference (upstream Quantity.Add/Sub on a copy). The result keeps this
  // quantity's format unless this quantity is zero, in which case it takes `other`'s format.
  Quantity Add(const Quantity& other) const;
  Quantity Sub(const Quantity& other) const;
  // Same with `other` = FromInt64(value, kDecimalExponent), as the CEL library does.
  Quantity Add(int64_t value) const;
  Quantity Sub(int64_t value) const;

  // Upstream AsInt64: the exact value when held in int64 form with a non-negative scale that
  // fits; nullopt otherwise (the CEL error text is "cannot convert value to integer").
  std::optional<int64_t> AsInt64() const;
  bool IsInteger() const { return AsInt64().has_value(); }
  // Upstream AsApproximateFloat64 (mantissa as double times math.Pow10(exponent)); +-Inf
  // outside the double range.
  double AsApproximateFloat64() const;
  // -1, 0 or 1.
  int Sign() const;
  Format format() const { return format_; }

  // Upstream Quantity.String(). A parsed string already in canonical form is returned as
  // written (upstream caches it, so "+1k" prints as "+1k").
  std::string ToString() const;

  bool operator==(const Quantity& other) const { return Compare(other) == 0; }
  bool operator!=(const Quantity& other) const { return Compare(other) != 0; }

 private:
  struct Big {
    bool neg = false;
    std::string digits;    // magnitude, no leading or trailing zeros; empty means zero
    int64_t exp = 0;       // value = digits * 10^exp
    int64_t go_scale = 0;  // the inf.Dec scale upstream would hold (for AsApproximateFloat64)
  };
  Big ToBig() const;
  static Quantity FromBig(Big b, Format format);

  bool big_ = false;  // false: value_ * 10^scale_ (upstream int64Amount)
  int64_t value_ = 0;
  int32_t scale_ = 0;
  Big b_;  // valid when big_ (upstream inf.Dec)
  Format format_ = Format::kDecimalSI;
  std::string cached_;  // non-empty: String() result reused from the parsed text
};

}  // namespace celgate::k8s
