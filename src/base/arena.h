// base/arena.h: per-request bump allocator (STYLE.md H10).
//
// Everything a CEL evaluation creates (strings, lists, maps, error texts) lives in an Arena
// and dies with it in one step. Objects placed here must be trivially destructible or must not
// need their destructor run (their memory is simply dropped). Not thread-safe: one arena per
// evaluation or request.
#pragma once

#include <cstddef>
#include <cstdint>
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
      : initial_size_(initial_bytes < 64 ? 64 : initial_bytes),
        initial_(new char[initial_size_]),
        resource_(std::pmr::new_delete_resource()),
        cur_(initial_.get()),
        end_(initial_.get() + initial_size_) {}
  Arena(const Arena&) = delete;  // owns the memory every Value of an evaluation points into
  Arena& operator=(const Arena&) = delete;

  // Inlined at every call site: the bump is a few instructions and sits on every hot path
  // (JSON nodes, CEL values); GCC otherwise stops inlining it in large translation units.
  [[gnu::always_inline]] void* Allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    allocated_ += bytes;
    // Bump allocation from the current block; the resource is asked only for a new block.
    uintptr_t p = (reinterpret_cast<uintptr_t>(cur_) + (align - 1)) & ~(uintptr_t(align) - 1);
    if (p + bytes <= reinterpret_cast<uintptr_t>(end_)) {
      cur_ = reinterpret_cast<char*>(p + bytes);
      return reinterpret_cast<void*>(p);
    }
    return AllocateSlow(bytes, align);
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
    cur_ = initial_.get();
    end_ = initial_.get() + initial_size_;
  }
  // Bytes handed out since construction or the last Reset (for budgets and tests).
  size_t allocated_bytes() const { return allocated_; }
  std::pmr::memory_resource* resource() { return &resource_; }

 private:
  // Later blocks: geometric growth, at least the request.
  [[gnu::noinline]] void* AllocateSlow(size_t bytes, size_t align) {
    next_block_ = next_block_ < initial_size_ * 2 ? initial_size_ * 2 : next_block_;
    size_t block = bytes + align > next_block_ ? bytes + align : next_block_;
    next_block_ = block * 2;
    char* b = static_cast<char*>(resource_.allocate(block, alignof(std::max_align_t)));
    cur_ = b;
    end_ = b + block;
    uintptr_t p = (reinterpret_cast<uintptr_t>(cur_) + (align - 1)) & ~(uintptr_t(align) - 1);
    cur_ = reinterpret_cast<char*>(p + bytes);
    return reinterpret_cast<void*>(p);
  }

  size_t initial_size_;
  std::unique_ptr<char[]> initial_;  // kept across Reset()
  std::pmr::monotonic_buffer_resource resource_;  // later blocks, freed by Reset()
  char* cur_;
  char* end_;
  size_t next_block_ = 0;
  size_t allocated_ = 0;
};

}  // namespace celgate
