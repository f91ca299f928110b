// yaml/yaml.h: Kubernetes-style YAML → json::Document, keeping line:column for every node.
//
// Where it sits: the only home of yaml-cpp (STYLE.md section 1). Policy loading, `celgate
// review`/`test` fixtures and lint read manifests through LoadAll; everything downstream sees
// only json::Value (whose position() and key_position_at() carry the YAML source location).
// yaml-cpp exceptions are caught here; LoadAll never throws.
//
// Semantics follow what kubectl does with a manifest (sigs.k8s.io/yaml over go-yaml v2, then
// JSON): YAML 1.1 scalar resolution for plain scalars, keys turned into strings, merge keys,
// aliases expanded. Details (see LoadAll) matter because CEL sees the resulting types.
//
// Thread-safety: LoadAll is a pure function; call it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "json/json.h"

namespace celgate::yaml {

struct LoadOptions {
  // Maximum nesting of sequences/mappings (also applied after alias expansion). Deeper input
  // fails with kInvalidArgument before yaml-cpp's own recursion limit is reached.
  size_t max_depth = 256;
  // Inputs longer than this fail with kResourceExhausted before any parsing.
  size_t max_bytes = 64 << 20;
  // Upper bound on JSON nodes (values and keys) produced for the whole stream, counting every
  // alias expansion.
  // Bounds time and memory against alias bombs ("billion laughs"): the expanded size is
  // computed from the parse tree before anything is expanded, so a bomb fails in time linear
  // in the input. kResourceExhausted.
  size_t max_nodes = 10'000'000;
};

struct YamlDocument {
  json::Document doc;
  uint32_t index;       // 0-based document number in the stream (empty documents count)
  uint32_t start_line;  // 1-based line where the document starts (its `---` if any)
};

// Parses a multi-document YAML stream (documents separated by `---`). Documents that are empty
// or only comments (or whose root is null) are skipped.
//
// Conversion rules (as kubectl / sigs.k8s.io/yaml with go-yaml v2):
//  * Plain scalars: "", ~, null, Null, NULL → null; y Y yes Yes YES true True TRUE on On ON →
//    true; n N no No NO false False FALSE off Off OFF → false; integers (sign, `_` separators,
//    0x hex, 0o and leading-0 octal, 0b binary) that fit int64 → int; other numbers (floats,
//    `1e3`, `1.`, `.5`, integers beyond int64, `08`) → double, EXCEPT that a double with an
//    integral value that fits int64 becomes int (kubectl sends it as JSON `1000`, which the
//    apiserver reads back as an integer); .inf/-.inf/.nan → error (not representable in JSON);
//    everything else (including timestamps) → string.
//  * Quoted and block (| >) scalars → string. Explicit tags: !!str/!!binary/!!timestamp and
//    custom tags → string; !!int/!!float/!!bool/!!null must match the value (!!float accepts
//    integers) or the load fails.
//  * Mapping keys become strings: bools as "true"/"false", ints in decimal (0x1F → "31"),
//    floats as Go's %g of the float32 value (1e3 → "1000"); null and collection keys fail.
//  * Merge keys (`<<: *a` or `<<: [*a, *b]`) copy the members of the referenced mappings that
//    the mapping does not define itself; among several sources, the earlier wins. Merged
//    members take the place of the `<<` entry.
//  * Aliases are expanded (positions are those of the anchored node). A recursive alias
//    (an anchor used inside itself) fails.
//  * A key repeated in one mapping fails: "mapping key "x" already defined at line N".
//  * Positions are 1-based line and column as reported by yaml-cpp; an empty value (`a:`)
//    is positioned at the next token.
//
// Errors: kInvalidArgument "document D, line L column C: <what>" for syntax and conversion
// errors (invalid UTF-8 and control characters included); kResourceExhausted for max_bytes
// and max_nodes.
StatusOr<std::vector<YamlDocument>> LoadAll(std::string_view text, const LoadOptions& options = {});

}  // namespace celgate::yaml
