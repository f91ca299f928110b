// fuzz/yaml_fuzzer.cc: libFuzzer target for yaml::LoadAll (STYLE.md H15).
//
// Checks, for every input: LoadAll never crashes, throws or leaks, and stays within small
// limits (so alias bombs and deep nesting are exercised against the limits, not the machine);
// every loaded document serializes to JSON that json::Parse accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json/json.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  celgate::yaml::LoadOptions options;
  options.max_depth = 64;
  options.max_nodes = 100'000;
  options.max_bytes = 1 << 20;
  auto docs = celgate::yaml::LoadAll(text, options);
  if (!docs.ok()) {
    return 0;
  }
  for (const celgate::yaml::YamlDocument& d : *docs) {
    const std::string json = celgate::json::Serialize(d.doc.root());
    celgate::json::ParseOptions parse_options;
    parse_options.max_depth = 128;
    if (!celgate::json::Parse(json, parse_options).ok()) {
      std::abort();  // YAML produced something that is not valid JSON
    }
  }
  return 0;
}
