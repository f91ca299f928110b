// The default I/O thread count: affinity mask capped by the cgroup CPU limit (server.h).
#include <gtest/gtest.h>

#include "server/server.h"

namespace celgate::server {
namespace {

TEST(DefaultIoThreads, AffinityCappedByTheCgroupLimitRoundedUpButNotBelowTwo) {
  EXPECT_EQ(DefaultIoThreads(16, std::nullopt), 16);
  EXPECT_EQ(DefaultIoThreads(16, 1.5), 2);
  EXPECT_EQ(DefaultIoThreads(16, 0.1), 2);
  EXPECT_EQ(DefaultIoThreads(16, 3.2), 4);
  EXPECT_EQ(DefaultIoThreads(16, 16.0), 16);
  EXPECT_EQ(DefaultIoThreads(4, 8.0), 4);
  EXPECT_EQ(DefaultIoThreads(1, 4.0), 1);  // taskset to one CPU
  EXPECT_EQ(DefaultIoThreads(1, 0.5), 1);
  EXPECT_EQ(DefaultIoThreads(0, std::nullopt), 1);
}

TEST(DefaultIoThreads, ReadsCgroupV2Files) {
  EXPECT_EQ(ParseCgroupCpuMax("max 100000\n"), std::nullopt);
  EXPECT_EQ(ParseCgroupCpuMax("150000 100000\n"), 1.5);
  EXPECT_EQ(ParseCgroupCpuMax("50000 100000"), 0.5);
  EXPECT_EQ(ParseCgroupCpuMax(""), std::nullopt);
  EXPECT_EQ(ParseCgroupCpuMax("abc 100000"), std::nullopt);
  EXPECT_EQ(ParseCgroupCpuMax("100000 0"), std::nullopt);
  EXPECT_EQ(ParseCgroupV2Path("0::/kubepods/burstable/pod1/abc\n"),
            "/kubepods/burstable/pod1/abc");
  EXPECT_EQ(ParseCgroupV2Path("12:cpu,cpuacct:/docker/x\n0::/\n"), "/");
  EXPECT_EQ(ParseCgroupV2Path("12:cpu,cpuacct:/docker/x\n"), std::nullopt);
  EXPECT_EQ(ParseCgroupV2Path("0::/a:b"), "/a:b");  // the path may hold colons
  EXPECT_EQ(ParseCgroupV1CpuPath("4:memory:/x\n2:cpuacct,cpu:/kubepods/pod2\n0::/\n"),
            "/kubepods/pod2");
  EXPECT_EQ(ParseCgroupV1CpuPath("1:cpu:/\n"), "/");
  EXPECT_EQ(ParseCgroupV1CpuPath("2:cpuacct:/\n3:cpuset:/\n0::/\n"), std::nullopt);
  EXPECT_EQ(ParseCgroupV1Quota("-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(ParseCgroupV1Quota("250000\n", "100000\n"), 2.5);
  EXPECT_GE(AvailableCpus(), 1);
}

}  // namespace
}  // namespace celgate::server
