// k8s/internal/go_text.h: small helpers that format text exactly as Go's standard library does,
// so that error messages copied from Kubernetes match byte for byte.
//
// Private to src/k8s: nothing outside this folder includes it. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace celgate::k8s::internal {

// Go's strconv.Quote: double-quoted with Go escapes (\a \b \f \n \r \t \v \\ \", \xNN for
// control bytes and invalid UTF-8, \uNNNN for non-printable runes). Printability is
// approximated: every valid rune >= U+00A0 except U+00AD counts as printable.
std::string GoQuote(std::string_view s);

// Go's strconv.ParseUint(s, 10, 64) / ParseInt(s, 10, 64) restricted to plain decimal input
// (ParseInt accepts one leading '+' or '-'). nullopt on syntax error or overflow. `range_error`
// (optional) is set to true when the failure is an out-of-range value.
std::optional<uint64_t> GoParseUint(std::string_view s, bool* range_error = nullptr);
std::optional<int64_t> GoParseInt(std::string_view s, bool* range_error = nullptr);

// The message of the error Go's strconv.ParseUint/ParseInt returns for `s`
// (`strconv.ParseUint: parsing "<s>": invalid syntax` / `value out of range`).
std::string GoNumError(std::string_view fn, std::string_view s, bool range_error);

}  // namespace celgate::k8s::internal
