#include <gtest/gtest.h>
TEST(Cellib, Placeholder) {}
