// cel/lib/ext/ext.h: the cel-go extension libraries (shared/spec/cel-kubernetes.md section 4),
// one Library per file in this folder (STYLE.md H13). Each function returns declarations and
// implementations together; add the ones an environment wants with EnvBuilder::AddLibrary:
//
//   auto env = cel::EnvBuilder()
//                  .AddLibrary(cel::StandardLibrary())
//                  .AddLibrary(cel::StringsLibrary(2))
//                  .AddLibrary(cel::OptionalLibrary())
//                  .Build();
//
// Kubernetes enables strings (version 0 until 1.28, version 2 from 1.29), sets (1.29),
// optional types (1.28) and two-variable comprehensions (1.32). Lists, math and encoders are
// extensions Kubernetes does not enable; offer them only in an extended mode.
//
// Semantics and error texts follow cel-go (ext/strings.go, ext/sets.go, ext/lists.go,
// ext/math.go, ext/encoders.go, ext/comprehensions.go and the optional library in
// cel/library.go). Where cel-go releases disagree the conformance suite (cel-spec 0.25.1) wins,
// and the difference is noted at the function.
//
// Everything returned here is a plain value: build once, share freely. Implementations are
// thread-safe (no shared mutable state) and allocate results in the evaluation's arena.
#pragma once

#include "cel/common/function.h"

namespace celgate::cel {

// Strings extension ("cel.lib.ext.strings"). All indexes are code-point offsets.
//   version 0: charAt, indexOf (1, 2 args), lastIndexOf (1, 2 args), lowerAscii, upperAscii,
//              replace (2, 3 args), split (1, 2 args), substring (1, 2 args), trim,
//              join (0, 1 args) on list(string)
//   version 1: + string.format(list), strings.quote(string)   (format: cel-go's first
//              implementation: %f/%e locale-formatted for en_US, lists print CEL literals)
//   version 2: join accepts any list whose elements are all strings (what Kubernetes 1.29+ uses)
//   version 3: + string.reverse()
//   version 4+: format uses cel-go's second implementation (the conformance suite's oracle:
//              plain `[a, 1, 2.5]` lists, %d/%f/%e accept ints, uints and doubles)
// Pass a large number (e.g. 1000) for "latest". Kubernetes costs (spec 5.3) are attached.
// A result string longer than 32 MiB (replace with a huge count, format with a huge precision)
// is an error value instead of an allocation (cel-go has no such bound).
Library StringsLibrary(int version);

// Sets extension: sets.contains, sets.equivalent, sets.intersects on list(T) (CEL equality,
// so 1 == 1u == 1.0). Cost as cel-go's tracker: 1 + size(a) * size(b) (twice that for
// equivalent).
Library SetsLibrary();

// Optional types library (version 2 of cel-go's OptionalTypes):
//   optional.of(T), optional.ofNonZeroValue(T), optional.none(), opt.value(), opt.hasValue(),
//   opt.or(opt), opt.orValue(T), optional.unwrap(list(optional(T))), list.unwrapOpt(),
//   list.first(), list.last(); the `optional_type` type name; and the declarations of the
//   optional operators `_?._`, `_[?_]` and `_[_]` on optionals (the planner implements them).
// `opt.optMap(v, e)` / `opt.optFlatMap(v, e)` are parser macros; their expansions only call
// optional.of, optional.none, hasValue and value.
Library OptionalLibrary();

// Runtime support for the two-variable comprehension macros the parser expands:
// cel.@mapInsert(map, key, value) (transformMap) and cel.@mapInsert(map, map)
// (transformMapEntry). A key inserted twice is the error "insert failed: key <k> already exists".
Library TwoVarComprehensionsLibrary();

// Lists extension (not enabled by Kubernetes).
//   version 0: list.slice(int, int)
//   version 1: + list.flatten(), list.flatten(int)
//   version 2: + list.sort(), list.distinct(), list.reverse(), lists.range(int), and
//              @sortByAssociatedKeys(list, keys) for the sortBy macro when the parser expands it.
Library ListsLibrary(int version);

// Math extension (not enabled by Kubernetes).
//   version 0: math.greatest / math.least over 1..kMaxMathArgs numeric arguments or one list
//              of numbers (cel-go makes them macros over math.@max / math.@min; both spellings
//              are declared, so an expanded AST works too)
//   version 1: + math.ceil, floor, round, trunc, abs, sign, isInf, isNaN, isFinite, bitAnd,
//              bitOr, bitXor, bitNot, bitShiftLeft, bitShiftRight
//   version 2: + math.sqrt
Library MathLibrary(int version);
inline constexpr int kMaxMathArgs = 16;

// Encoders extension (not enabled by Kubernetes): base64.encode(bytes) -> string (standard
// alphabet, padded), base64.decode(string) -> bytes (padded or unpadded input).
Library EncodersLibrary();

}  // namespace celgate::cel
