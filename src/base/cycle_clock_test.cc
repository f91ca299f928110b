// CycleClock's tick-to-nanosecond conversion agrees with steady_clock over the same interval.
#include "base/cycle_clock.h"

#include <gtest/gtest.h>

#include <thread>

namespace celgate {
namespace {

TEST(CycleClock, TicksConvertToTheSameDurationAsSteadyClock) {
  (void)CycleClock::ToNanos(0);  // starts the rate measurement
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto t0 = std::chrono::steady_clock::now();
  int64_t c0 = CycleClock::Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int64_t c1 = CycleClock::Now();
  auto t1 = std::chrono::steady_clock::now();
  double steady = std::chrono::duration<double, std::nano>(t1 - t0).count();
  double cycles = static_cast<double>(CycleClock::ToNanos(c1 - c0));
  EXPECT_GT(c1, c0);
  EXPECT_NEAR(cycles / steady, 1.0, 0.1) << cycles << " ns vs " << steady << " ns";
}

}  // namespace
}  // namespace celgate
