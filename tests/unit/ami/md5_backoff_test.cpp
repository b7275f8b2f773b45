#include <gtest/gtest.h>

#include "connector/pbx/ami/backoff.h"
#include "connector/pbx/ami/md5.h"

namespace cti::pbx::ami {
namespace {

using std::chrono::milliseconds;

TEST(Md5, Rfc1321TestVectors) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(Backoff, CeilingDoublesUpToTheCapAndResets) {
  Backoff b(milliseconds{100}, milliseconds{1000}, 42);
  const std::vector<long> expected{100, 200, 400, 800, 1000, 1000};
  for (long e : expected) {
    EXPECT_EQ(b.ceiling().count(), e);
    const auto d = b.next();
    EXPECT_GE(d.count(), 0);
    EXPECT_LE(d.count(), e);
  }
  for (int i = 0; i < 100; ++i) b.next();  // no overflow however long it fails
  EXPECT_EQ(b.ceiling().count(), 1000);
  b.reset();
  EXPECT_EQ(b.ceiling().count(), 100);
}

TEST(Backoff, FullJitterSpreadsTheDelays) {
  Backoff b(milliseconds{1000}, milliseconds{1000}, 7);
  long lo = 1000, hi = 0;
  for (int i = 0; i < 200; ++i) {
    const long d = b.next().count();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 250);  // 200 uniform draws in [0, 1000]: extremes near both ends
  EXPECT_GT(hi, 750);
}

}  // namespace
}  // namespace cti::pbx::ami
