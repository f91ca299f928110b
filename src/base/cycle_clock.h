// base/cycle_clock.h: a cheap monotonic tick counter for timing short stretches of code on
// the hot path (per-expression check metrics), where steady_clock::now() (~25 ns through the
// vDSO here) would cost more than the work measured.
//
// CycleClock::Now() reads the time-stamp counter on x86-64 (~10 ns) and steady_clock
// elsewhere. Ticks become nanoseconds with ToNanos(), which scales by the tick rate measured
// against steady_clock since the first use (a few steady_clock reads per call: use it when a
// value is recorded, not per measurement). Invariant TSCs (every x86-64 CPU of the last decade,
// and KVM/Firecracker guests with the tsc clocksource) tick at a constant rate across cores.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace celgate {

class CycleClock {
 public:
  static int64_t Now() {
#if defined(__x86_64__)
    return static_cast<int64_t>(__rdtsc());
#else
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
#endif
  }

  // Nanoseconds in `ticks` (a difference of two Now() values).
  static int64_t ToNanos(int64_t ticks) {
#if defined(__x86_64__)
    return static_cast<int64_t>(static_cast<double>(ticks) * NanosPerTick());
#else
    return ticks;
#endif
  }

 private:
#if defined(__x86_64__)
  // Rate since the first call; until 1 ms has passed, a 1 GHz guess is returned (only the
  // first few records of a process can be that early).
  static double NanosPerTick() {
    struct Origin {
      int64_t tick = Now();
      std::chrono::steady_clock::time_point time = std::chrono::steady_clock::now();
    };
    static const Origin origin;
    static std::atomic<double> rate{0};
    double r = rate.load(std::memory_order_relaxed);
    if (r > 0) return r;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - origin.time)
                  .count();
    int64_t ticks = Now() - origin.tick;
    if (ns < 1'000'000 || ticks <= 0) return 1.0;
    r = static_cast<double>(ns) / static_cast<double>(ticks);
    // Keep refining until 1 s has passed, then freeze the rate.
    if (ns >= 1'000'000'000) rate.store(r, std::memory_order_relaxed);
    return r;
  }
#endif
};

}  // namespace celgate
