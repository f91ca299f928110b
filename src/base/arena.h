// base/arena.h: per-request bump allocator (STYLE.md H10).
//
// Everything a CEL evaluation creates (strings, lists, maps, error texts) lives in an Arena
// and dies with it in one step. Objects placed here must be trivially destructible or must not
// need their destructor run (their memory is simply dropped). Not thread-safe: one arena per
// evaluation or request.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <memory_resource>
#include <new>
#include <string_view>
#include <utility>

namespace celgate {

class Arena {
 public:
  // `initial_bytes` sizes the first block; later blocks grow geometrically.
  // The first block is kept across Reset(), so an arena reused per request does not go back
  // to the global heap unless a request outgrows it.
  explicit Arena(size_t initial_bytes = 4096)
      : initial_(new char[initial_bytes < 64 ? 64 : initial_bytes]),
        resource_(initial_.get(), initial_bytes < 64 ? 64 : initial_bytes,
                  std::pmr::new_delete_resource()) {}
  Arena(const Arena&) = delete;  // owns the memory every Value of an evaluation points into
  Arena& operator=(const Arena&) = delete;

  void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    allocated_ += bytes;
    return resource_.allocate(bytes, align);
  }
  template <typename T, typename... Args>
  T* New(Args&&... args) {
    return new (Allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }
  template <typename T>
  T* NewArray(size_t n) {
    return static_cast<T*>(Allocate(sizeof(T) * (n ? n : 1), alignof(T)));
  }
  // Copies `s` into the arena; the view stays valid as long as the arena lives.
  std::string_view CopyString(std::string_view s) {
    if (s.empty()) return std::string_view();
    char* p = static_cast<char*>(Allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return std::string_view(p, s.size());
  }
  // Frees every allocation at once; the arena can be reused.
  void Reset() {
    resource_.release();
    allocated_ = 0;
  }
  // Bytes handed out since construction or the last Reset (for budgets and tests).
  size_t allocated_bytes() const { return allocated_; }
  std::pmr::memory_resource* resource() { return &resource_; }

 private:
  std::unique_ptr<char[]> initial_;
  std::pmr::monotonic_buffer_resource resource_;
  size_t allocated_ = 0;
};

}  // namespace celgate
