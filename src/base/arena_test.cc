#include "base/arena.h"

#include <gtest/gtest.h>

namespace celgate {
namespace {

TEST(Arena, CopiesStringsThatOutliveTheSource) {
  Arena arena(16);
  std::string_view v;
  {
    std::string s = "a string longer than the first block";
    v = arena.CopyString(s);
  }
  EXPECT_EQ(v, "a string longer than the first block");
  EXPECT_GE(arena.allocated_bytes(), v.size());
}

TEST(Arena, ResetForgetsAllocations) {
  Arena arena;
  for (int i = 0; i < 1000; ++i) arena.New<int64_t>(i);
  EXPECT_GE(arena.allocated_bytes(), 8000u);
  arena.Reset();
  EXPECT_EQ(arena.allocated_bytes(), 0u);
}

}  // namespace
}  // namespace celgate
