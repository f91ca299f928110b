// base/deadline.h: an absolute point in time after which work must stop (STYLE.md H12).
#pragma once

#include <chrono>
#include <cstdint>

namespace celgate {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  static Deadline Infinite() { return Deadline(Clock::time_point::max()); }
  static Deadline In(std::chrono::nanoseconds d) { return Deadline(Clock::now() + d); }
  static Deadline At(Clock::time_point t) { return Deadline(t); }

  bool infinite() const { return when_ == Clock::time_point::max(); }
  bool Expired() const { return !infinite() && Clock::now() >= when_; }
  Clock::time_point when() const { return when_; }
  // Time left, zero once expired, a very large value when infinite.
  std::chrono::nanoseconds Remaining() const {
    if (infinite()) return std::chrono::nanoseconds::max();
    auto now = Clock::now();
    return now >= when_ ? std::chrono::nanoseconds(0) : when_ - now;
  }

 private:
  explicit Deadline(Clock::time_point t) : when_(t) {}
  Clock::time_point when_;
};

}  // namespace celgate
