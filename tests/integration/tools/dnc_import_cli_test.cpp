// `cti-connector dnc-import` run as the operator runs it: files of numbers
// and of Lista Robinson hashes become .dnc snapshots that read_dnc_file
// loads with the right header and members; bad arguments exit 2, a file of
// the wrong kind exits 1 with a hint and writes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connector/policy/dnc_file.h"
#include "connector/policy/robinson.h"
#include "tool_test_support.h"
#include "tools/support/child_process.h"

namespace {

using namespace cti::policy;
namespace fs = std::filesystem;

std::string bin(const std::string& name) { return std::string(CTI_BINARY_DIR) + "/" + name; }

// The child's stderr goes to dir/err (truncated first), stdout to dir/out.
int run(const std::vector<std::string>& args, const fs::path& dir) {
  fs::remove(dir / "out");
  fs::remove(dir / "err");
  std::vector<std::string> argv{bin("cti-connector"), "dnc-import"};
  argv.insert(argv.end(), args.begin(), args.end());
  return cti::tools::test::run_to_exit(argv, dir);
}

std::string err(const fs::path& dir) { return cti::tools::test::read_file(dir / "err"); }

// Spanish mobile numbers, national 9 digits: 600000000 + 37 i.
std::string national(int i) { return std::to_string(600000000 + 37 * i); }
constexpr int kNumbers = 10000;

// 10,000 distinct numbers written three ways, 100 of them again in another
// form, three junk lines (the first is the 11th entry line), a comment and
// blank lines.
void write_numbers(const fs::path& p) {
  std::ofstream f(p);
  f << "# opt-outs exported from the CRM\n\n";
  for (int i = 0; i < kNumbers; ++i) {
    if (i == 10) f << "not a number\n";
    if (i == 5000) f << "-----\n\n";
    if (i == 9000) f << "call me maybe\r\n";
    switch (i % 3) {
      case 0:
        f << "+34 " << national(i) << "\n";
        break;
      case 1:
        f << "0034" << national(i) << "\r\n";
        break;
      default:
        f << national(i) << "\n";
    }
  }
  for (int i = 0; i < 100; ++i) f << "+34" << national(i * 13) << "\n";
}

void write_hashes(const fs::path& p, int n) {
  std::ofstream f(p);
  for (int i = 0; i < n; ++i) f << to_hex(robinson_hash(national(i))) << "\n";
}

cti::core::Timestamp day(int y, unsigned m, unsigned d) {
  return cti::core::Timestamp{
      std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}};
}

TEST(DncImportCli, NumbersBecomeE164Keys) {
  cti::tools::test::TempDir dir;
  write_numbers(dir.path() / "numbers.txt");
  const auto before = cti::core::SystemClock().now();
  ASSERT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 dir / "internal.dnc", dir / "numbers.txt"},
                dir.path()),
            0)
      << err(dir.path());
  const auto after = cti::core::SystemClock().now();

  auto loaded = read_dnc_file(dir / "internal.dnc");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->header.list, "internal");
  EXPECT_EQ(loaded->header.kind, DncKind::Numbers);
  EXPECT_EQ(loaded->header.list_date, day(2024, 3, 15));
  EXPECT_GE(loaded->header.imported_at, before);
  EXPECT_LE(loaded->header.imported_at, after);
  EXPECT_EQ(loaded->header.source, "numbers.txt");
  EXPECT_EQ(loaded->header.count, std::uint64_t(kNumbers));
  EXPECT_EQ(loaded->set.size(), std::size_t(kNumbers));
  for (int i : {0, 1, 2, 10, 4999, 5000, 9000, kNumbers - 1})
    EXPECT_TRUE(loaded->set.contains(*dnc_key_for_e164("+34" + national(i)))) << i;
  EXPECT_FALSE(loaded->set.contains(*dnc_key_for_e164("+34600000001")));
  EXPECT_FALSE(loaded->set.contains(*dnc_key_for_e164("+44" + national(1))));
  EXPECT_FALSE(fs::exists(dir / "internal.dnc.tmp"));

  // Not a terminal: no progress bar, one summary line with every figure.
  const std::string e = err(dir.path());
  EXPECT_EQ(e.find('\r'), std::string::npos) << e;
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << e;
  for (const std::string& part : std::vector<std::string>{
           "10103 lines", "10100 accepted", "100 duplicates removed", "3 rejected",
           "first at line 11", "\"not a number\"", "10000 entries",
           std::to_string(fs::file_size(dir / "internal.dnc")) + " bytes written"})
    EXPECT_NE(e.find(part), std::string::npos) << part << " in: " << e;
  // Numbers never appear in the output, except the first rejected line.
  EXPECT_EQ(e.find(national(0)), std::string::npos) << e;
}

TEST(DncImportCli, RobinsonNumbersAreHashedOnTheWayIn) {
  cti::tools::test::TempDir dir;
  write_numbers(dir.path() / "numbers.txt");
  ASSERT_EQ(run({"--list", "robinson", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 dir / "robinson.dnc", dir / "numbers.txt"},
                dir.path()),
            0)
      << err(dir.path());
  auto loaded = read_dnc_file(dir / "robinson.dnc");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->header.kind, DncKind::RobinsonHashes);
  EXPECT_EQ(loaded->header.count, std::uint64_t(kNumbers));
  for (int i : {0, 1, 2, kNumbers - 1}) {
    EXPECT_TRUE(loaded->set.contains(dnc_key_for_hash(robinson_hash(national(i))))) << i;
    EXPECT_TRUE(loaded->set.contains(dnc_key_for_hash(robinson_hash("+34 " + national(i)))));
  }
  EXPECT_FALSE(loaded->set.contains(dnc_key_for_hash(robinson_hash("600000001"))));
}

TEST(DncImportCli, RobinsonHashesAreImported) {
  cti::tools::test::TempDir dir;
  write_hashes(dir.path() / "robinson.txt", 1000);
  ASSERT_EQ(run({"--list", "robinson", "--kind", "hashes", "--date", "2024-03-01", "--out",
                 dir / "robinson.dnc", dir / "robinson.txt"},
                dir.path()),
            0)
      << err(dir.path());
  auto loaded = read_dnc_file(dir / "robinson.dnc");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->header.list, "robinson");
  EXPECT_EQ(loaded->header.kind, DncKind::RobinsonHashes);
  EXPECT_EQ(loaded->header.list_date, day(2024, 3, 1));
  EXPECT_EQ(loaded->header.count, 1000u);
  EXPECT_TRUE(loaded->set.contains(dnc_key_for_hash(robinson_hash(national(0)))));
  EXPECT_TRUE(loaded->set.contains(dnc_key_for_hash(robinson_hash("0034" + national(999)))));
  EXPECT_FALSE(loaded->set.contains(dnc_key_for_hash(robinson_hash(national(1000)))));
  EXPECT_NE(err(dir.path()).find("0 rejected"), std::string::npos) << err(dir.path());
}

TEST(DncImportCli, BadArgumentsExit2) {
  cti::tools::test::TempDir dir;
  write_numbers(dir.path() / "numbers.txt");
  const std::string out = dir / "x.dnc", in = dir / "numbers.txt";
  for (const char* date : {"2024-02-30", "15/03/2024", "2024-3-15", "yesterday", "9999-01-01"}) {
    EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", date, "--out", out, in},
                  dir.path()),
              2)
        << date;
    EXPECT_NE(err(dir.path()).find("--date"), std::string::npos) << err(dir.path());
  }
  EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--out", out, in}, dir.path()), 2);
  EXPECT_EQ(
      run({"--list", "internal", "--kind", "phones", "--date", "2024-03-15", "--out", out, in},
          dir.path()),
      2);
  EXPECT_EQ(run({"--list", "Robinson List", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 out, in},
                dir.path()),
            2);
  EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", "2024-03-15", "--region",
                 "XX", "--out", out, in},
                dir.path()),
            2);
  EXPECT_FALSE(fs::exists(out));
}

TEST(DncImportCli, HashesImportedAsNumbersExit1WithAHint) {
  cti::tools::test::TempDir dir;
  write_hashes(dir.path() / "robinson.txt", 1000);
  EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 dir / "internal.dnc", dir / "robinson.txt"},
                dir.path()),
            1);
  const std::string e = err(dir.path());
  EXPECT_NE(e.find("wrong --kind"), std::string::npos) << e;
  EXPECT_NE(e.find("1000 rejected"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir / "internal.dnc"));
  EXPECT_FALSE(fs::exists(dir / "internal.dnc.tmp"));
}

TEST(DncImportCli, IoErrorsExit1) {
  cti::tools::test::TempDir dir;
  write_numbers(dir.path() / "numbers.txt");
  EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 dir / "x.dnc", dir / "missing.txt"},
                dir.path()),
            1);
  EXPECT_NE(err(dir.path()).find("missing.txt"), std::string::npos) << err(dir.path());
  EXPECT_EQ(run({"--list", "internal", "--kind", "numbers", "--date", "2024-03-15", "--out",
                 dir / "no-such-dir/x.dnc", dir / "numbers.txt"},
                dir.path()),
            1);
  EXPECT_NE(err(dir.path()).find("no-such-dir/x.dnc"), std::string::npos) << err(dir.path());
}

}  // namespace
