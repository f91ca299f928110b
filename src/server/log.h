// server/log.h: the process log of `celgate serve`. One line per event on stderr: JSON
// (`{"ts":...,"level":"info","msg":...,<fields>}`) by default, `ts LEVEL msg k=v ...` text
// when asked (or when stderr is a terminal and no format was chosen).
//
// Thread-safe: each line is formatted on the caller's stack and written with one fwrite,
// which stdio serialises. Object contents are never passed here except at debug level.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace celgate::server {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kAuto, kJson, kText };

// One key/value pair of a log line. Numbers are written unquoted in JSON.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, long long v) : key(k), value(std::to_string(v)), number(true) {}
  LogField(std::string_view k, int v) : LogField(k, static_cast<long long>(v)) {}
  LogField(std::string_view k, unsigned v) : LogField(k, static_cast<long long>(v)) {}
  LogField(std::string_view k, unsigned long v) : LogField(k, static_cast<long long>(v)) {}
  LogField(std::string_view k, long v) : LogField(k, static_cast<long long>(v)) {}
  LogField(std::string_view k, double v);
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), number(true) {}
  std::string_view key;
  std::string value;
  bool number = false;
};

// Process-wide settings; call before starting threads.
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
// Parses "debug|info|warn|error"; false when unknown.
bool ParseLogLevel(std::string_view s, LogLevel* out);

bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

inline void LogInfo(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, msg, f);
}
inline void LogWarn(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, msg, f);
}
inline void LogError(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, msg, f);
}

}  // namespace celgate::server
