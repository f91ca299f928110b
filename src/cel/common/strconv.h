// cel/common/strconv.h: number <-> text conversions with Go's strconv semantics, which is what
// CEL's int(string), uint(string), double(string) and string(double) do at runtime (cel-go).
//
// Where this sits: cel/common, target cg_cel_time. Called by the standard library's conversion
// overloads (cel/lib/std); knows nothing of CEL values. Failures are reported as `false`; the
// caller turns them into CEL error values.
//
// Thread safety: all functions are pure and may be called concurrently. None depends on the C
// locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace celgate::cel {

// string(double): Go's fmt "%g" with shortest precision, i.e.
// strconv.FormatFloat(d, 'g', -1, 64): the shortest decimal digits that read back as `d`;
// exponent form ("1e+06", "1.234567e+06", "1e-05", at least two exponent digits) when the
// decimal exponent is < -4 or >= 6, else plain form without trailing zeros ("123456", "0.0001",
// "-0.0045"). Negative zero prints as "-0". Special values: "+Inf", "-Inf", "NaN".
std::string FormatDouble(double d);

// Go's strconv.FormatFloat(d, 'f', -1, 64): shortest round-trip digits, never an exponent
// ("0.000000001", "1e21" prints as "1000000000000000000000"). Used for string(duration).
std::string FormatDoubleFixed(double d);

// int(string): Go's strconv.ParseInt(s, 10, 64). Optional '+' or '-', then one or more ASCII
// digits; no spaces, underscores, base prefixes or fractions. Returns false on syntax error or
// when the value does not fit int64 (`*out` is then unspecified). REQUIRES: out non-null.
bool ParseInt64(std::string_view s, int64_t* out);

// uint(string): Go's strconv.ParseUint(s, 10, 64). One or more ASCII digits, no sign at all.
// Returns false on syntax error or overflow. REQUIRES: out non-null.
bool ParseUint64(std::string_view s, uint64_t* out);

// double(string): Go's strconv.ParseFloat(s, 64).
// Accepts: optional sign; decimal mantissa with optional '.', optional exponent e/E[+-]digits;
// hexadecimal "0x" mantissa with mandatory p/P binary exponent; "inf"/"infinity" (optionally
// signed) and "nan" (unsigned), case-insensitive; '_' between digits (and after a 0x prefix)
// exactly where Go's underscoreOK allows it, so "1_000" is accepted as in Go (note: spec
// section 2.10 claims otherwise; cel-go calls ParseFloat, which accepts it).
// Rounds to nearest even. Returns false on syntax error and when the magnitude overflows
// (Go returns ±Inf with ErrRange, which cel-go turns into a conversion error); underflow
// silently gives a subnormal or zero, as in Go. REQUIRES: out non-null.
bool ParseDouble(std::string_view s, double* out);

}  // namespace celgate::cel
