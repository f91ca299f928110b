// server/log.cc: JSON-lines / text logger behind server/log.h.
#include "server/log.h"

#include <unistd.h>

#include <chrono>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace celgate::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kAuto)};

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms));
  return buf;
}

bool UseJson() {
  auto f = static_cast<LogFormat>(g_format.load(std::memory_order_relaxed));
  if (f == LogFormat::kJson) return true;
  if (f == LogFormat::kText) return false;
  static const bool tty = isatty(STDERR_FILENO) != 0;
  return !tty;
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), number(true) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  value = buf;
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
void SetLogFormat(LogFormat format) { g_format.store(static_cast<int>(format)); }

bool ParseLogLevel(std::string_view s, LogLevel* out) {
  if (s == "debug") *out = LogLevel::kDebug;
  else if (s == "info") *out = LogLevel::kInfo;
  else if (s == "warn" || s == "warning") *out = LogLevel::kWarn;
  else if (s == "error") *out = LogLevel::kError;
  else return false;
  return true;
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::string line;
  line.reserve(160);
  if (UseJson()) {
    line.append("{\"ts\":\"").append(Timestamp()).append("\",\"level\":\"");
    line.append(LevelName(level)).append("\",\"msg\":");
    AppendJsonString(&line, msg);
    for (const LogField& f : fields) {
      line.push_back(',');
      AppendJsonString(&line, f.key);
      line.push_back(':');
      if (f.number) {
        line.append(f.value);
      } else {
        AppendJsonString(&line, f.value);
      }
    }
    line.append("}\n");
  } else {
    line.append(Timestamp()).push_back(' ');
    std::string lv = LevelName(level);
    for (char& c : lv) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    line.append(lv).push_back(' ');
    line.append(msg);
    for (const LogField& f : fields) {
      line.push_back(' ');
      line.append(f.key).push_back('=');
      if (!f.number && (f.value.empty() || f.value.find_first_of(" \"=") != std::string::npos)) {
        AppendJsonString(&line, f.value);
      } else {
        line.append(f.value);
      }
    }
    line.push_back('\n');
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace celgate::server
