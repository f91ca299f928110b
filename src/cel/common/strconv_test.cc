#include <gtest/gtest.h>
TEST(StrconvPlaceholder, Builds) { SUCCEED(); }
