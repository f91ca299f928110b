// cel/common/source.h: expression text, positions and positioned issues (STYLE.md H5).
//
// Every AST node records a code-point offset into its Source; Source turns offsets into
// 1-based line:column and renders cel-go style issue text:
//   ERROR: <input>:1:5: undeclared reference to 'x'
//    | a + x
//    | ....^
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace celgate::cel {

struct Location {
  int32_t line = 0;    // 1-based; 0 = unknown
  int32_t column = 0;  // 1-based, in code points
};

class Source {
 public:
  // `description` names the input in messages ("<input>", or "policy.yaml:12").
  explicit Source(std::string text, std::string description = "<input>");

  const std::string& text() const { return text_; }
  const std::string& description() const { return description_; }
  // Number of code points in the text.
  int32_t size() const { return static_cast<int32_t>(code_points_); }
  // Location of a code-point offset (clamped to the text).
  Location LocationOf(int32_t offset) const;
  // The text of 1-based line `line`, without its newline.
  std::string_view Line(int32_t line) const;

 private:
  std::string text_;
  std::string description_;
  size_t code_points_ = 0;
  std::vector<int32_t> line_starts_;       // code-point offset of each line start
  std::vector<size_t> line_byte_starts_;   // byte offset of each line start
};

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  int32_t offset = -1;  // code-point offset into the source; -1 = no position
  std::string message;
};

// Renders issues as cel-go does (one "ERROR: desc:line:col: message" block each, with the
// source line and a caret), separated by newlines.
std::string FormatIssues(const Source& source, const std::vector<Issue>& issues);

}  // namespace celgate::cel
