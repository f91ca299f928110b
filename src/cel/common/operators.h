// cel/common/operators.h: the function names operators are parsed into (cel-go's names).
#pragma once

#include <string_view>

namespace celgate::cel::op {

inline constexpr std::string_view kConditional = "_?_:_";
inline constexpr std::string_view kLogicalAnd = "_&&_";
inline constexpr std::string_view kLogicalOr = "_||_";
inline constexpr std::string_view kLogicalNot = "!_";
inline constexpr std::string_view kEquals = "_==_";
inline constexpr std::string_view kNotEquals = "_!=_";
inline constexpr std::string_view kLess = "_<_";
inline constexpr std::string_view kLessEquals = "_<=_";
inline constexpr std::string_view kGreater = "_>_";
inline constexpr std::string_view kGreaterEquals = "_>=_";
inline constexpr std::string_view kAdd = "_+_";
inline constexpr std::string_view kSubtract = "_-_";
inline constexpr std::string_view kMultiply = "_*_";
inline constexpr std::string_view kDivide = "_/_";
inline constexpr std::string_view kModulo = "_%_";
inline constexpr std::string_view kNegate = "-_";
inline constexpr std::string_view kIndex = "_[_]";
inline constexpr std::string_view kOptIndex = "_[?_]";
inline constexpr std::string_view kOptSelect = "_?._";
inline constexpr std::string_view kIn = "@in";
inline constexpr std::string_view kNotStrictlyFalse = "@not_strictly_false";

// Name of the accumulator variable the macros introduce.
inline constexpr std::string_view kAccumulatorName = "@result";

// cel-go's block extension (ParserOptions::enable_block_macros): `cel.block([e0, ...], r)`
// becomes the call kBlock(list, r), and `cel.index(i)` the identifier kBlockIndexPrefix + i,
// which names the value of e_i inside later elements and r.
inline constexpr std::string_view kBlock = "cel.@block";
inline constexpr std::string_view kBlockIndexPrefix = "@index";

}  // namespace celgate::cel::op
