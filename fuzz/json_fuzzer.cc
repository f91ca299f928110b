// fuzz/json_fuzzer.cc: libFuzzer target for json::Parse and the writers (STYLE.md H15).
//
// Checks, for every input: Parse never crashes or leaks; it agrees with the RapidJSON reference
// parser alone (same acceptance, same error text, same serialized document), so the simdjson
// fast path is fuzzed differentially; an accepted document serializes, and the serialized
// text parses again and serializes to the same bytes (a fixed point).
//
// Build note: clang's UBSan reports a harmless `nullptr + n` in RapidJSON 1.1
// (internal/stack.h, first push onto its lazily allocated stack). Either build with
// -fno-sanitize=pointer-overflow or let it recover; it is not a bug in our code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  celgate::json::ParseOptions options;
  options.max_depth = 64;  // keep iterations fast; depth handling is unit-tested
  celgate::StatusOr<celgate::json::Document> doc = celgate::json::Parse(text, options);
  celgate::StatusOr<celgate::json::Document> reference =
      celgate::json::internal::ParseReferenceForTest(text, options);
  if (doc.ok() != reference.ok()) {
    std::abort();  // the fast path and the reference parser disagree on acceptance
  }
  if (!doc.ok()) {
    if (doc.status().ToString() != reference.status().ToString()) std::abort();
    return 0;
  }
  const std::string once = celgate::json::Serialize(doc->root());
  if (celgate::json::Serialize(reference->root()) != once) {
    std::abort();  // the fast path built a different document
  }
  celgate::StatusOr<celgate::json::Document> again = celgate::json::Parse(once, options);
  if (!again.ok() || celgate::json::Serialize(again->root()) != once) {
    std::abort();  // the writer produced JSON the reader rejects, or a non-fixed point
  }
  (void)celgate::json::SerializePretty(doc->root());
  return 0;
}
