// test/conformance/conformance_runner.cc: step two of the CEL conformance pipeline, the oracle
// for the whole engine (STYLE.md H15).
//
//   export.mjs (cel-spec simple tests -> JSON, encoding 1) -> this runner -> cel/cel.h
//
// For every exported test it builds a cel::Env (standard library plus the extension libraries
// the test file needs, see kFileLibraries), declares the test's variables, compiles with the
// test's options, evaluates with its bindings and compares the result with the expectation.
// Tests that need protobuf messages or are check-only are skipped (we have no protobuf types;
// see the `requires` tags in the export's README).
//
//   conformance_runner --suite DIR [--known-failures FILE] [--files a,b] [--verbose]
//                      [--core-only] [--no-fork]
//
// Each test runs in a forked child (unless --no-fork), so an engine crash or a hang (30 s) is
// reported as that test's failure and the run goes on.
// Prints one line per section, then the core and total summaries. Exit status: 0 when every
// failing test is listed in the known-failures file and every listed test still fails; 1
// otherwise (each surprise is printed); 2 for usage or input errors.
//
// Known-failures file: one `file/section/test  # reason` per line; blank lines and lines
// starting with '#' are ignored. A reason starting with "flaky:" marks a test whose outcome is
// not deterministic (undefined behaviour in the engine): it may pass without being reported.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "cel/cel.h"
#include "cel/common/time.h"
#include "cel/common/type.h"
#include "cel/common/value.h"
#include "cel/lib/ext/ext.h"
#include "cel/lib/std/std_lib.h"
#include "json/json.h"

namespace celgate::conformance {
namespace {

// ---- Which libraries each test file needs ----------------------------------------------------
//
// Extension libraries live in src/cel/lib/ext (cel/lib/ext/ext.h, target cg_cel_ext). Each
// entry names a factory; nullptr marks a library that does not exist yet, and every test of a
// section that needs it fails with "extension library ... not implemented yet".
// Libraries whose syntax is only a macro the parser expands (cel.bind: ParserOptions::
// enable_bind_macro, on by default; cel.block: enable_block_macros, set per section) are marked
// built-in: they need no cel::Library.

struct ExtensionLibrary {
  std::string_view name;
  // Library factory; nullptr while the library is not implemented (its tests then fail).
  cel::Library (*make)();
  // Provided by the parser's macro expansion; `make` is unused.
  bool built_in = false;
};

constexpr ExtensionLibrary kExtensionLibraries[] = {
    // Version 4+ formats as the conformance suite expects; 1000 means "latest".
    {"strings", [] { return cel::StringsLibrary(1000); }},
    {"math", [] { return cel::MathLibrary(2); }},
    {"encoders", &cel::EncodersLibrary},
    {"optional", &cel::OptionalLibrary},
    {"two_var_comprehensions", &cel::TwoVarComprehensionsLibrary},  // cel.@mapInsert
    // cel.block / cel.index / cel.iterVar / cel.accuVar: parser macros
    // (ParserOptions::enable_block_macros) that the checker and planner understand.
    {"block", nullptr, /*built_in=*/true},
    {"bind", nullptr, /*built_in=*/true},  // cel.bind(v, init, body) is a parser macro
};

// Keys are a file name ("string_ext") or a section ("file/section"); a section gets the
// libraries of its file plus its own entry.
const std::map<std::string, std::vector<std::string_view>, std::less<>> kFileLibraries = {
    {"string_ext", {"strings"}},
    {"math_ext", {"math"}},
    {"encoders_ext", {"encoders"}},
    {"optionals", {"optional"}},
    {"bindings_ext", {"bind"}},
    {"block_ext", {"block", "optional"}},
    {"macros2", {"two_var_comprehensions"}},
};

// Files outside the core summary: the extension libraries.
const std::set<std::string, std::less<>> kNonCoreFiles = {
    "string_ext", "math_ext", "encoders_ext", "optionals", "bindings_ext", "block_ext",
    "macros2"};

// `requires` tags we cannot run (no protobuf types, no type-check-only mode, no unknowns).
const std::set<std::string, std::less<>> kUnsupportedCapabilities = {
    "proto", "check-only", "unknowns", "error-bindings"};

// The libraries for one section, or the name of the first missing one.
struct SectionLibraries {
  std::vector<cel::Library> libraries;
  std::string missing;  // empty when everything is available
  bool block_macros = false;  // the section uses cel.block (ParserOptions::enable_block_macros)
};

SectionLibraries LibrariesFor(std::string_view file, std::string_view section) {
  SectionLibraries out;
  out.libraries.push_back(cel::StandardLibrary());
  std::vector<std::string_view> wanted;
  std::string file_key(file);
  for (const std::string& key : {file_key, file_key + "/" + std::string(section)}) {
    auto it = kFileLibraries.find(key);
    if (it != kFileLibraries.end()) {
      wanted.insert(wanted.end(), it->second.begin(), it->second.end());
    }
  }
  for (std::string_view name : wanted) {
    const ExtensionLibrary* found = nullptr;
    for (const ExtensionLibrary& lib : kExtensionLibraries) {
      if (lib.name == name) {
        found = &lib;
      }
    }
    if (found == nullptr || (!found->built_in && found->make == nullptr)) {
      if (out.missing.empty()) {
        out.missing = std::string(name);
      }
      continue;
    }
    if (!found->built_in) {
      out.libraries.push_back(found->make());
    }
    if (name == "block") {
      out.block_macros = true;
    }
  }
  return out;
}

// ---- Decoding the export ----------------------------------------------------------------------

bool DecodeBase64(std::string_view in, std::string* out) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') {
      break;
    }
    int v = sextet(c);
    if (v < 0) {
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

template <typename T>
bool ParseDecimal(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// A double from the export: a JSON number, or "NaN", "Infinity", "-Infinity", "-0".
bool DecodeDouble(json::Value v, double* out) {
  if (v.is_number()) {
    *out = v.as_double();
    return true;
  }
  std::string_view s = v.as_string();
  if (s == "NaN") {
    *out = std::nan("");
  } else if (s == "Infinity") {
    *out = INFINITY;
  } else if (s == "-Infinity") {
    *out = -INFINITY;
  } else if (s == "-0") {
    *out = -0.0;
  } else {
    return false;
  }
  return true;
}

// The single key of an encoded value ({"int": "42"} -> "int", "42").
bool SplitEncoded(json::Value v, std::string_view* key, json::Value* payload) {
  if (!v.is_object() || v.size() != 1) {
    return false;
  }
  *key = v.key_at(0);
  *payload = v.value_at(0);
  return true;
}

// Encoded value -> cel::Value in `arena`. Returns false with *error set for encodings we
// cannot represent (messages, enums).
bool DecodeValue(json::Value v, Arena& arena, cel::Value* out, std::string* error) {
  std::string_view key;
  json::Value p;
  if (!SplitEncoded(v, &key, &p)) {
    *error = "malformed encoded value: " + json::Serialize(v);
    return false;
  }
  if (key == "null") {
    *out = cel::Value::Null();
  } else if (key == "bool") {
    *out = cel::Value::Bool(p.as_bool());
  } else if (key == "int") {
    int64_t i = 0;
    if (!ParseDecimal(p.as_string(), &i)) {
      *error = "bad int " + json::Serialize(p);
      return false;
    }
    *out = cel::Value::Int(i);
  } else if (key == "uint") {
    uint64_t u = 0;
    if (!ParseDecimal(p.as_string(), &u)) {
      *error = "bad uint " + json::Serialize(p);
      return false;
    }
    *out = cel::Value::Uint(u);
  } else if (key == "double") {
    double d = 0;
    if (!DecodeDouble(p, &d)) {
      *error = "bad double " + json::Serialize(p);
      return false;
    }
    *out = cel::Value::Double(d);
  } else if (key == "string") {
    *out = cel::MakeString(arena, p.as_string());
  } else if (key == "bytes") {
    std::string bytes;
    if (!DecodeBase64(p.as_string(), &bytes)) {
      *error = "bad base64 " + json::Serialize(p);
      return false;
    }
    *out = cel::MakeBytes(arena, bytes);
  } else if (key == "list") {
    std::vector<cel::Value> items(p.size());
    for (size_t i = 0; i < p.size(); ++i) {
      if (!DecodeValue(p.at(i), arena, &items[i], error)) {
        return false;
      }
    }
    *out = cel::MakeList(arena, items.data(), items.size());
  } else if (key == "map") {
    size_t n = p.size();
    cel::Value* keys = arena.NewArray<cel::Value>(n);
    cel::Value* values = arena.NewArray<cel::Value>(n);
    for (size_t i = 0; i < n; ++i) {
      if (!DecodeValue(p.at(i).at(0), arena, &keys[i], error) ||
          !DecodeValue(p.at(i).at(1), arena, &values[i], error)) {
        return false;
      }
    }
    *out = cel::Value::Map(arena.New<cel::ArrayMap>(keys, values, n));
  } else if (key == "type") {
    const cel::TypeInfo* info = cel::types::FindBuiltin(p.as_string());
    if (info == nullptr) {
      *error = "unknown type value " + std::string(p.as_string());
      return false;
    }
    *out = cel::Value::Type(info);
  } else if (key == "duration") {
    int64_t nanos = 0;
    std::string why;
    if (!cel::ParseDuration(p.as_string(), &nanos, &why)) {
      *error = "bad duration: " + why;
      return false;
    }
    *out = cel::Value::Duration(nanos);
  } else if (key == "timestamp") {
    cel::Timestamp ts;
    std::string why;
    if (!cel::ParseTimestamp(p.as_string(), &ts, &why)) {
      *error = "bad timestamp: " + why;
      return false;
    }
    *out = cel::Value::Timestamp(ts);
  } else {
    *error = "unsupported encoded value kind '" + std::string(key) + "'";
    return false;
  }
  return true;
}

// cel.expr.Type in proto3 JSON -> cel::Type. Protobuf wrappers and google.protobuf.Value /
// Any are nullable or dynamic in CEL, so they become dyn; ListValue and Struct are CEL's
// JSON list and map.
bool DecodeType(json::Value t, cel::Type* out, std::string* error) {
  std::string_view key;
  json::Value p;
  if (!SplitEncoded(t, &key, &p)) {
    *error = "malformed type: " + json::Serialize(t);
    return false;
  }
  if (key == "dyn") {
    *out = cel::Type::Dyn();
  } else if (key == "null") {
    *out = cel::Type::Null();
  } else if (key == "primitive") {
    static const std::map<std::string_view, cel::Type (*)()> kPrimitives = {
        {"BOOL", &cel::Type::Bool},     {"INT64", &cel::Type::Int},
        {"UINT64", &cel::Type::Uint},   {"DOUBLE", &cel::Type::Double},
        {"STRING", &cel::Type::String}, {"BYTES", &cel::Type::Bytes}};
    auto it = kPrimitives.find(p.as_string());
    if (it == kPrimitives.end()) {
      *error = "unknown primitive type " + json::Serialize(p);
      return false;
    }
    *out = it->second();
  } else if (key == "wellKnown") {
    std::string_view wk = p.as_string();
    if (wk == "TIMESTAMP") {
      *out = cel::Type::Timestamp();
    } else if (wk == "DURATION") {
      *out = cel::Type::Duration();
    } else {
      *out = cel::Type::Dyn();  // ANY
    }
  } else if (key == "messageType") {
    std::string_view name = p.as_string();
    if (name == "google.protobuf.Duration") {
      *out = cel::Type::Duration();
    } else if (name == "google.protobuf.Timestamp") {
      *out = cel::Type::Timestamp();
    } else if (name == "google.protobuf.ListValue") {
      *out = cel::Type::List(cel::Type::Dyn());
    } else if (name == "google.protobuf.Struct") {
      *out = cel::Type::Map(cel::Type::String(), cel::Type::Dyn());
    } else if (name.starts_with("google.protobuf.")) {
      *out = cel::Type::Dyn();  // wrappers, Value, Any
    } else {
      *error = "message type " + std::string(name) + " needs protobuf support";
      return false;
    }
  } else if (key == "listType") {
    cel::Type elem;
    if (!DecodeType(p.Find("elemType"), &elem, error)) {
      return false;
    }
    *out = cel::Type::List(elem);
  } else if (key == "mapType") {
    cel::Type k;
    cel::Type v;
    if (!DecodeType(p.Find("keyType"), &k, error) || !DecodeType(p.Find("valueType"), &v, error)) {
      return false;
    }
    *out = cel::Type::Map(k, v);
  } else if (key == "type") {
    cel::Type inner;
    if (!DecodeType(p, &inner, error)) {
      return false;
    }
    *out = cel::Type::TypeOf(inner);
  } else if (key == "typeParam") {
    *out = cel::Type::Param(std::string(p.as_string()));
  } else if (key == "abstractType") {
    std::vector<cel::Type> params;
    json::Value ps = p.Find("parameterTypes");
    for (size_t i = 0; i < ps.size(); ++i) {
      params.emplace_back();
      if (!DecodeType(ps.at(i), &params.back(), error)) {
        return false;
      }
    }
    std::string name(p.Find("name").as_string());
    if (name == "optional_type" && params.size() == 1) {
      *out = cel::Type::Optional(params[0]);
    } else {
      *out = cel::Type::Opaque(name, std::move(params));
    }
  } else {
    *error = "unsupported type kind '" + std::string(key) + "'";
    return false;
  }
  return true;
}

// ---- Comparing results ------------------------------------------------------------------------

bool SameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

// Does `got` equal the encoded `want`? Same CEL kind required (no int/uint/double mixing);
// lists in order; maps as unordered entry sets.
bool Matches(const cel::Value& got, json::Value want, Arena& arena) {
  std::string_view key;
  json::Value p;
  if (!SplitEncoded(want, &key, &p)) {
    return false;
  }
  using cel::ValueKind;
  if (key == "list") {
    if (got.kind() != ValueKind::kList || got.list().size() != p.size()) {
      return false;
    }
    for (size_t i = 0; i < p.size(); ++i) {
      if (!Matches(got.list().Get(i, arena), p.at(i), arena)) {
        return false;
      }
    }
    return true;
  }
  if (key == "map") {
    if (got.kind() != ValueKind::kMap || got.map().size() != p.size()) {
      return false;
    }
    const cel::MapValue& m = got.map();
    for (size_t i = 0; i < p.size(); ++i) {
      bool found = false;
      for (size_t j = 0; j < m.size() && !found; ++j) {
        found = Matches(m.KeyAt(j, arena), p.at(i).at(0), arena) &&
                Matches(m.ValueAt(j, arena), p.at(i).at(1), arena);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
  if (key == "double") {
    double d = 0;
    return got.kind() == ValueKind::kDouble && DecodeDouble(p, &d) &&
           SameDouble(got.double_value(), d);
  }
  if (key == "type") {
    return got.kind() == ValueKind::kType && got.type_value().name == p.as_string();
  }
  cel::Value expected;
  std::string error;
  if (!DecodeValue(want, arena, &expected, &error) || got.kind() != expected.kind()) {
    return false;
  }
  switch (got.kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return got.bool_value() == expected.bool_value();
    case ValueKind::kInt:
      return got.int_value() == expected.int_value();
    case ValueKind::kUint:
      return got.uint_value() == expected.uint_value();
    case ValueKind::kString:
      return got.string_value() == expected.string_value();
    case ValueKind::kBytes:
      return got.bytes_value() == expected.bytes_value();
    case ValueKind::kDuration:
      return got.duration_value() == expected.duration_value();
    case ValueKind::kTimestamp:
      return got.timestamp_value() == expected.timestamp_value();
    default:
      return false;
  }
}

// ---- Running tests ----------------------------------------------------------------------------

enum class Outcome : char { kPass = 'P', kFail = 'F', kSkip = 'S' };

struct TestResult {
  Outcome outcome = Outcome::kPass;
  std::string detail;  // for failures: what went wrong (one or more lines)
};

bool HasUnsupportedCapability(json::Value test) {
  json::Value tags = test.Find("requires");
  for (size_t i = 0; i < tags.size(); ++i) {
    if (kUnsupportedCapabilities.contains(tags.at(i).as_string())) {
      return true;
    }
  }
  return false;
}

TestResult Fail(std::string detail) { return TestResult{Outcome::kFail, std::move(detail)}; }

TestResult RunTest(json::Value test, const SectionLibraries& libs) {
  if (HasUnsupportedCapability(test)) {
    return TestResult{Outcome::kSkip, ""};
  }
  if (!libs.missing.empty()) {
    return Fail("extension library '" + libs.missing + "' not implemented yet");
  }

  cel::EnvOptions options;
  options.container = std::string(test.Find("container").as_string());
  options.parser.enable_macros = !test.Find("disableMacros").as_bool();
  options.parser.enable_block_macros = libs.block_macros;
  options.enable_checker = !test.Find("disableCheck").as_bool();
  // cel-spec's checker accepts mixed literals ([1, 'a'] is list(dyn)); the homogeneous rule is
  // a Kubernetes restriction, not part of the language the suite tests.
  options.checker.homogeneous_aggregate_literals = false;
  cel::EnvBuilder builder;
  builder.SetOptions(options);
  for (const cel::Library& lib : libs.libraries) {
    builder.AddLibrary(lib);
  }

  std::set<std::string, std::less<>> declared;
  json::Value type_env = test.Find("typeEnv");
  for (size_t i = 0; i < type_env.size(); ++i) {
    json::Value decl = type_env.at(i);
    json::Value ident = decl.Find("ident");
    if (!ident.valid()) {
      return Fail("typeEnv function declarations are not supported by the runner");
    }
    cel::Type type;
    std::string error;
    if (!DecodeType(ident.Find("type"), &type, &error)) {
      return Fail("typeEnv: " + error);
    }
    std::string name(decl.Find("name").as_string());
    declared.insert(name);
    builder.AddVariable(name, type);
  }
  json::Value bindings = test.Find("bindings");
  for (size_t i = 0; i < bindings.size(); ++i) {
    std::string name(bindings.key_at(i));
    if (!declared.contains(name)) {
      builder.AddVariable(name, cel::Type::Dyn());
    }
  }
  std::shared_ptr<const cel::Env> env = builder.Build();

  json::Value expect = test.Find("expect");
  bool want_error = expect.Find("error").valid() || expect.Find("anyError").valid();
  json::Value want_value = expect.Find("value");

  cel::CompileResult compiled = env->Compile(test.Find("expr").as_string());
  if (!compiled.ok()) {
    if (want_error) {
      return TestResult{};
    }
    return Fail("compile error:\n" + compiled.FormatIssues());
  }

  Arena arena;
  cel::Activation activation(env->variable_count());
  for (size_t i = 0; i < bindings.size(); ++i) {
    cel::Value v;
    std::string error;
    if (!DecodeValue(bindings.value_at(i), arena, &v, &error)) {
      return Fail("binding " + std::string(bindings.key_at(i)) + ": " + error);
    }
    activation.Set(env->VariableSlot(bindings.key_at(i)), v);
  }
  cel::EvalOptions eval_options;
  eval_options.cost_limit = 0;  // conformance checks semantics, not budgets
  eval_options.deadline = Deadline::In(std::chrono::seconds(10));
  StatusOr<cel::Value> result = compiled.program->Eval(activation, arena, eval_options);
  if (!result.ok()) {
    if (want_error) {
      return TestResult{};
    }
    return Fail("evaluation stopped: " + std::string(result.status().message()));
  }
  const cel::Value& got = *result;
  if (want_error) {
    if (got.is_error()) {
      return TestResult{};
    }
    return Fail("got " + cel::DebugString(got, arena) + ", want error " +
                json::Serialize(expect));
  }
  if (!want_value.valid()) {
    // deducedType alone is check-only (skipped above); unknown sets are skipped too.
    return Fail("unsupported expectation " + json::Serialize(expect));
  }
  // TODO: compare compiled.result_type with expect.deducedType once the checker deduces types.
  if (got.is_error()) {
    return Fail("got error '" + std::string(got.error().message) + "', want " +
                json::Serialize(want_value));
  }
  if (!Matches(got, want_value, arena)) {
    return Fail("got " + cel::DebugString(got, arena) + ", want " + json::Serialize(want_value));
  }
  return TestResult{};
}

// Runs RunTest in a child process, so that an engine crash or hang fails one test instead of
// the whole run. The child sends the outcome byte and the detail text through a pipe.
TestResult RunIsolated(json::Value test, const SectionLibraries& libs) {
  int fds[2];
  if (pipe(fds) != 0) {
    return RunTest(test, libs);
  }
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return RunTest(test, libs);
  }
  if (pid == 0) {
    close(fds[0]);
    alarm(30);  // a hang counts as a failure (SIGALRM)
    TestResult r = RunTest(test, libs);
    std::string msg(1, static_cast<char>(r.outcome));
    msg += r.detail;
    size_t off = 0;
    while (off < msg.size()) {
      ssize_t n = write(fds[1], msg.data() + off, msg.size() - off);
      if (n <= 0) {
        break;
      }
      off += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string msg;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    msg.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return Fail(sig == SIGALRM ? std::string("timed out (30 s)")
                               : "crashed with signal " + std::to_string(sig) + " (" +
                                     strsignal(sig) + ")");
  }
  if (msg.empty()) {
    return Fail("test process exited without a result");
  }
  return TestResult{static_cast<Outcome>(msg[0]), msg.substr(1)};
}

// ---- Command line, known failures, reporting -----------------------------------------------

struct Flags {
  std::string suite;
  std::string known_failures;
  std::set<std::string, std::less<>> files;  // empty = all
  bool verbose = false;
  bool core_only = false;
  bool isolate = true;  // --no-fork runs every test in this process (for debuggers)
};

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --suite DIR [--known-failures FILE] [--files a,b] [--verbose] "
               "[--core-only] [--no-fork]\n",
               argv0);
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

// Test id -> reason.
bool ReadKnownFailures(const std::string& path, std::map<std::string, std::string>* out) {
  std::string text;
  if (!ReadFile(path, &text)) {
    return false;
  }
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string_view l = Trim(line);
    if (l.empty() || l.front() == '#') {
      continue;
    }
    // The reason starts at the first '#' preceded by whitespace.
    std::string_view reason;
    for (size_t i = 1; i < l.size(); ++i) {
      if (l[i] == '#' && std::isspace(static_cast<unsigned char>(l[i - 1]))) {
        reason = Trim(l.substr(i + 1));
        l = Trim(l.substr(0, i));
        break;
      }
    }
    (*out)[std::string(l)] = std::string(reason);
  }
  return true;
}

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  void Add(Outcome o) {
    if (o == Outcome::kPass) {
      ++passed;
    } else if (o == Outcome::kFail) {
      ++failed;
    } else {
      ++skipped;
    }
  }
  void Add(const Tally& t) {
    passed += t.passed;
    failed += t.failed;
    skipped += t.skipped;
  }
  std::string Format() const {
    return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
           std::to_string(skipped) + " skipped";
  }
};

int Main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string files;
    if (arg == "--suite") {
      if (!value(&flags.suite)) return Usage(argv[0]);
    } else if (arg == "--known-failures") {
      if (!value(&flags.known_failures)) return Usage(argv[0]);
    } else if (arg == "--files") {
      if (!value(&files)) return Usage(argv[0]);
      std::istringstream parts(files);
      std::string part;
      while (std::getline(parts, part, ',')) {
        if (!part.empty()) {
          flags.files.insert(part);
        }
      }
    } else if (arg == "--verbose" || arg == "-v") {
      flags.verbose = true;
    } else if (arg == "--no-fork") {
      flags.isolate = false;
    } else if (arg == "--core-only") {
      flags.core_only = true;
    } else {
      return Usage(argv[0]);
    }
  }
  if (flags.suite.empty()) {
    return Usage(argv[0]);
  }

  std::string index_text;
  if (!ReadFile(flags.suite + "/index.json", &index_text)) {
    std::fprintf(stderr,
                 "conformance: no exported suite at %s (index.json missing).\n"
                 "The cel-spec tests come from npm: run `make deps` (npm ci in "
                 "test/conformance), then rebuild so that export.mjs writes the JSON.\n",
                 flags.suite.c_str());
    return 2;
  }
  StatusOr<json::Document> index = json::Parse(index_text);
  if (!index.ok()) {
    std::fprintf(stderr, "conformance: %s/index.json: %s\n", flags.suite.c_str(),
                 std::string(index.status().message()).c_str());
    return 2;
  }

  std::map<std::string, std::string> known;
  if (!flags.known_failures.empty() && !ReadKnownFailures(flags.known_failures, &known)) {
    std::fprintf(stderr, "conformance: cannot read %s\n", flags.known_failures.c_str());
    return 2;
  }

  Tally core;
  Tally total;
  std::vector<std::string> unexpected_failures;
  std::vector<std::string> unexpected_passes;
  std::set<std::string> seen;  // ids of tests that ran (pass or fail) in the selected files
  std::set<std::string> selected_files;
  json::Value files = index->root().Find("files");
  for (size_t fi = 0; fi < files.size(); ++fi) {
    std::string file_name(files.at(fi).Find("file").as_string());
    std::string file = file_name.substr(0, file_name.rfind(".json"));
    if (!flags.files.empty() && !flags.files.contains(file)) {
      continue;
    }
    bool is_core = !kNonCoreFiles.contains(file);
    if (flags.core_only && !is_core) {
      continue;
    }
    selected_files.insert(file);
    std::string text;
    if (!ReadFile(flags.suite + "/" + file_name, &text)) {
      std::fprintf(stderr, "conformance: cannot read %s/%s\n", flags.suite.c_str(),
                   file_name.c_str());
      return 2;
    }
    StatusOr<json::Document> doc = json::Parse(text);
    if (!doc.ok()) {
      std::fprintf(stderr, "conformance: %s: %s\n", file_name.c_str(),
                   std::string(doc.status().message()).c_str());
      return 2;
    }
    json::Value sections = doc->root().Find("sections");
    for (size_t si = 0; si < sections.size(); ++si) {
      json::Value section = sections.at(si);
      std::string section_name(section.Find("name").as_string());
      SectionLibraries libs = LibrariesFor(file, section_name);
      Tally tally;
      json::Value tests = section.Find("tests");
      for (size_t ti = 0; ti < tests.size(); ++ti) {
        json::Value test = tests.at(ti);
        std::string id =
            file + "/" + section_name + "/" + std::string(test.Find("name").as_string());
        TestResult r = flags.isolate ? RunIsolated(test, libs) : RunTest(test, libs);
        tally.Add(r.outcome);
        if (r.outcome == Outcome::kSkip) {
          continue;
        }
        seen.insert(id);
        bool listed = known.contains(id);
        if (r.outcome == Outcome::kFail && !listed) {
          unexpected_failures.push_back(id);
        } else if (r.outcome == Outcome::kPass && listed && !known[id].starts_with("flaky:")) {
          unexpected_passes.push_back(id);
        }
        if (r.outcome == Outcome::kFail && flags.verbose) {
          std::printf("  FAIL %s%s\n    expr: %s\n    %s\n", id.c_str(),
                      listed ? " (known)" : "", std::string(test.Find("expr").as_string()).c_str(),
                      r.detail.c_str());
        }
      }
      std::printf("%s/%s: %s\n", file.c_str(), section_name.c_str(), tally.Format().c_str());
      total.Add(tally);
      if (is_core) {
        core.Add(tally);
      }
    }
  }

  // Entries for the selected files that match no runnable test are stale.
  std::vector<std::string> stale;
  for (const auto& [id, reason] : known) {
    std::string file = id.substr(0, id.find('/'));
    if (selected_files.contains(file) && !seen.contains(id)) {
      stale.push_back(id);
    }
  }

  for (const std::string& id : unexpected_failures) {
    std::printf("UNEXPECTED FAILURE (not in known failures): %s\n", id.c_str());
  }
  for (const std::string& id : unexpected_passes) {
    std::printf("UNEXPECTED PASS (remove from known failures): %s\n", id.c_str());
  }
  for (const std::string& id : stale) {
    std::printf("STALE known-failures entry (no such runnable test): %s\n", id.c_str());
  }
  std::printf("conformance core: %s\n", core.Format().c_str());
  std::printf("conformance total: %s\n", total.Format().c_str());
  return (unexpected_failures.empty() && unexpected_passes.empty() && stale.empty()) ? 0 : 1;
}

}  // namespace
}  // namespace celgate::conformance

int main(int argc, char** argv) { return celgate::conformance::Main(argc, argv); }
