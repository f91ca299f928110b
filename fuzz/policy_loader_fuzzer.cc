// fuzz/policy_loader_fuzzer.cc: libFuzzer target for the manifest loader (policy/loader.h
// LoadText, then BuildPolicySet): YAML/JSON streams of ValidatingAdmissionPolicies, bindings,
// List objects and cluster objects (reliability.md 8.1 F5/F6).
//
// Invariants checked: nothing crashes, throws, leaks or overflows the stack; every issue names
// the file it came from and renders with ToString(); the snapshot builds from whatever was
// loaded. Compiling the policies' expressions exercises the checker and planner on real
// policy shapes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/loader.h"
#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) {
    return 0;  // manifests are small; the byte limits themselves are unit-tested
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = "fuzz.yaml";
  celgate::policy::Manifests m;
  celgate::policy::LoadText(text, file, {}, &m);
  for (const celgate::policy::LoadIssue& issue : m.issues) {
    if (issue.file != file || issue.message.empty()) {
      std::abort();  // every issue must say where it is and what is wrong
    }
    (void)issue.ToString();
  }
  (void)m.has_errors();
  (void)celgate::policy::BuildPolicySet(m);
  return 0;
}
