// DncImporter: numbers and Robinson hashes from files split anywhere; bad
// lines are counted with the first one shown, never dropped silently.
#include "connector/policy/dnc_import.h"

#include <gtest/gtest.h>

namespace cti::policy {
namespace {

std::vector<std::uint64_t> import_all(DncImporter& imp, std::string_view text, std::size_t chunk) {
  for (std::size_t i = 0; i < text.size(); i += chunk) imp.feed(text.substr(i, chunk));
  return imp.finish();
}

TEST(DncImport, NumbersInEveryCommonWrittenForm) {
  const std::string file =
      "# internal opt-outs\n+34 912 345 678\r\n0034612345678\n912000100\n(91) 200-0200\n\n"
      "+44 20 7946 0000\nnot a number\n12\n";
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{4096}}) {
    DncImporter imp(DncKind::Numbers);
    DncSet set(import_all(imp, file, chunk));
    EXPECT_EQ(imp.stats().accepted, 5u) << chunk;
    EXPECT_EQ(imp.stats().rejected, 2u) << chunk;
    EXPECT_EQ(imp.stats().first_rejected, "not a number");
    EXPECT_EQ(imp.stats().first_rejected_line, 6u);
    for (const char* n :
         {"+34912345678", "+34612345678", "+34912000100", "+34912000200", "+442079460000"})
      EXPECT_TRUE(set.contains(*dnc_key_for_e164(n))) << n << " chunk " << chunk;
    EXPECT_FALSE(set.contains(*dnc_key_for_e164("+34912345679")));
  }
}

TEST(DncImport, RobinsonFilesOfHashesOrNumbersKeepOnlyHashes) {
  const std::string hashes =
      "9a0d14c71b6bb4b50fd4a9efc0536de8c7198f4bebdadcc4e7ee32731fb75c15\n"
      "+34 93 240 40 70\nzz0d14c71b6bb4b50fd4a9efc0536de8c7198f4bebdadcc4e7ee32731fb75c1\n";
  DncImporter imp(DncKind::RobinsonHashes);
  DncSet set(import_all(imp, hashes, 7));
  EXPECT_EQ(imp.stats().accepted, 2u);
  EXPECT_EQ(imp.stats().rejected, 1u);
  EXPECT_TRUE(set.contains(dnc_key_for_hash(robinson_hash("345678890"))));
  EXPECT_TRUE(set.contains(dnc_key_for_hash(robinson_hash("932404070"))));
  EXPECT_FALSE(set.contains(dnc_key_for_hash(robinson_hash("932404071"))));
}

TEST(DncImport, AnEndlessLineIsCountedNotBuffered) {
  DncImporter imp(DncKind::Numbers);
  imp.feed(std::string(10000, '9'));
  imp.feed("\n+34912345678\n");
  DncSet set(imp.finish());
  EXPECT_EQ(imp.stats().accepted, 1u);
  EXPECT_GE(imp.stats().rejected, 1u);
}

}  // namespace
}  // namespace cti::policy
