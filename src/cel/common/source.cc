// cel/common/source.cc: offsets to line:column, and cel-go style issue rendering.
#include "cel/common/source.h"

#include <algorithm>

namespace celgate::cel {
namespace {
bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

Source::Source(std::string text, std::string description)
    : text_(std::move(text)), description_(std::move(description)) {
  line_starts_.push_back(0);
  line_byte_starts_.push_back(0);
  int32_t cp = 0;
  for (size_t i = 0; i < text_.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text_[i]);
    if (IsContinuation(c)) continue;
    ++cp;
    if (c == '\n') {
      line_starts_.push_back(cp);
      line_byte_starts_.push_back(i + 1);
    }
  }
  code_points_ = static_cast<size_t>(cp);
}

Location Source::LocationOf(int32_t offset) const {
  if (offset < 0) return Location{};
  offset = std::min<int32_t>(offset, static_cast<int32_t>(code_points_));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  int32_t line = static_cast<int32_t>(it - line_starts_.begin());
  return Location{line, offset - line_starts_[line - 1] + 1};
}

std::string_view Source::Line(int32_t line) const {
  if (line < 1 || line > static_cast<int32_t>(line_byte_starts_.size())) return {};
  size_t start = line_byte_starts_[line - 1];
  size_t end = line < static_cast<int32_t>(line_byte_starts_.size())
                   ? line_byte_starts_[line] - 1
                   : text_.size();
  return std::string_view(text_).substr(start, end - start);
}

std::string FormatIssues(const Source& source, const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& issue : issues) {
    if (!out.empty()) out += "\n";
    out += issue.severity == Severity::kError ? "ERROR: " : "WARNING: ";
    out += source.description();
    Location loc = source.LocationOf(issue.offset);
    if (loc.line > 0) {
      out += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
    }
    out += ": ";
    out += issue.message;
    if (loc.line > 0) {
      std::string_view line = source.Line(loc.line);
      out += "\n | ";
      out += line;
      out += "\n | ";
      // cel-go marks the column with dots then a caret.
      for (int32_t i = 1; i < loc.column; ++i) out += '.';
      out += '^';
    }
  }
  return out;
}

}  // namespace celgate::cel
