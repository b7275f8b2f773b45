// DncFile: the on-disk snapshot of a DNC registry round-trips exactly, every
// kind of damage is refused with a message naming the file, and the write is
// atomic (no ".tmp" left behind, nothing written into a missing directory).
#include "connector/policy/dnc_file.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace cti::policy {
namespace {

namespace fs = std::filesystem;

class DncFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cti-dncfile-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static std::vector<std::uint64_t> sorted_keys(std::size_t n, unsigned seed = 5) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> keys(n);
    for (auto& k : keys) k = rng();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }
  static DncFileHeader header(std::size_t count) {
    DncFileHeader h;
    h.list = "robinson";
    h.kind = DncKind::RobinsonHashes;
    h.list_date = core::from_unix_micros(1767225600000000);    // 2026-01-01
    h.imported_at = core::from_unix_micros(1767312000123456);  // 2026-01-02, with micros
    h.count = count;
    h.source = "robinson_2026-01-01.txt";
    return h;
  }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void spit(const std::string& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  // Replaces the trailing SHA-256 so the file passes the checksum again
  // (to reach the checks behind it).
  static std::string reseal(std::string bytes) {
    bytes.resize(bytes.size() - 32);
    unsigned char d[32];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
    bytes.append(reinterpret_cast<const char*>(d), 32);
    return bytes;
  }
  // The error for `bytes` written to a file: it must name the file.
  std::string error_for(const std::string& bytes) {
    const std::string p = path("damaged.dnc");
    spit(p, bytes);
    auto r = read_dnc_file(p);
    if (r) return "<loaded>";
    EXPECT_NE(r.error().find(p), std::string::npos) << r.error();
    return r.error();
  }

  fs::path dir_;
};

constexpr std::size_t kHeaderSize = 44 + 8 + 23;  // fixed + "robinson" + source name

TEST_F(DncFile, RoundTripKeepsHeaderAndEveryKey) {
  const auto keys = sorted_keys(300000);
  const std::string p = path("robinson.dnc");
  ASSERT_TRUE(write_dnc_file(p, header(keys.size()), keys));
  EXPECT_EQ(fs::file_size(p), kHeaderSize + 8 * keys.size() + 32);

  auto loaded = read_dnc_file(p);
  ASSERT_TRUE(loaded) << loaded.error();
  const auto want = header(keys.size());
  EXPECT_EQ(loaded->header.list, want.list);
  EXPECT_EQ(loaded->header.kind, want.kind);
  EXPECT_EQ(loaded->header.list_date, want.list_date);
  EXPECT_EQ(loaded->header.imported_at, want.imported_at);
  EXPECT_EQ(loaded->header.count, keys.size());
  EXPECT_EQ(loaded->header.source, want.source);
  EXPECT_EQ(loaded->set.keys(), keys);
  for (std::size_t i = 0; i < keys.size(); i += 997) EXPECT_TRUE(loaded->set.contains(keys[i]));
  EXPECT_FALSE(loaded->set.contains(keys[0] - 1));
}

TEST_F(DncFile, RoundTripOfRealKeysAndEdgeSizes) {
  const std::vector<std::uint64_t> numbers = [] {
    std::vector<std::uint64_t> k{*dnc_key_for_e164("+34912345678"),
                                 *dnc_key_for_e164("+447583123456")};
    std::sort(k.begin(), k.end());
    return k;
  }();
  auto h = header(numbers.size());
  h.list = "internal";
  h.kind = DncKind::Numbers;
  h.source = "";
  ASSERT_TRUE(write_dnc_file(path("internal.dnc"), h, numbers));
  auto loaded = read_dnc_file(path("internal.dnc"));
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->header.kind, DncKind::Numbers);
  EXPECT_EQ(loaded->header.source, "");
  EXPECT_TRUE(loaded->set.contains(*dnc_key_for_e164("+34912345678")));
  EXPECT_FALSE(loaded->set.contains(*dnc_key_for_e164("+34912345679")));

  // Empty, and exactly one read block and a bit (4 MiB = 2^19 keys).
  for (std::size_t n : {std::size_t{0}, (std::size_t{1} << 19) + 3}) {
    std::vector<std::uint64_t> keys(n);
    for (std::size_t i = 0; i < n; ++i) keys[i] = i * 3 + 1;
    ASSERT_TRUE(write_dnc_file(path("edge.dnc"), header(n), keys));
    auto l = read_dnc_file(path("edge.dnc"));
    ASSERT_TRUE(l) << l.error();
    EXPECT_EQ(l->set.size(), n);
    EXPECT_EQ(l->set.contains(n * 3 - 2), n > 0);
  }
}

TEST_F(DncFile, TheChecksumIsAPlainSha256OfEverythingBeforeIt) {
  const auto keys = sorted_keys(10);
  ASSERT_TRUE(write_dnc_file(path("a.dnc"), header(keys.size()), keys));
  const std::string bytes = slurp(path("a.dnc"));
  EXPECT_EQ(bytes.substr(0, 8), std::string("CTI-DNC\0", 8));
  EXPECT_EQ(reseal(bytes), bytes);
}

TEST_F(DncFile, SuccessLeavesNoTmpAndReplacesTheOldFile) {
  const std::string p = path("list.dnc");
  ASSERT_TRUE(write_dnc_file(p, header(3), {1, 2, 3}));
  ASSERT_TRUE(write_dnc_file(p, header(2), {10, 20}));
  EXPECT_FALSE(fs::exists(p + ".tmp"));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"list.dnc"});
  auto loaded = read_dnc_file(p);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->set.keys(), (std::vector<std::uint64_t>{10, 20}));
}

TEST_F(DncFile, WritingIntoAMissingDirectoryFailsWithAMessage) {
  const std::string p = path("no/such/dir/list.dnc");
  auto r = write_dnc_file(p, header(1), {1});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(p), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("No such file or directory"), std::string::npos) << r.error();
}

TEST_F(DncFile, TheWriterRefusesBadInput) {
  EXPECT_FALSE(write_dnc_file(path("x.dnc"), header(3), {1, 3, 2}));  // unsorted
  EXPECT_FALSE(write_dnc_file(path("x.dnc"), header(3), {1, 2, 2}));  // duplicate
  EXPECT_FALSE(write_dnc_file(path("x.dnc"), header(2), {1, 2, 3}));  // count
  auto h = header(1);
  h.list = "";
  EXPECT_FALSE(write_dnc_file(path("x.dnc"), h, {1}));
  h.list = std::string(65, 'a');
  EXPECT_FALSE(write_dnc_file(path("x.dnc"), h, {1}));
  EXPECT_FALSE(fs::exists(path("x.dnc")));
  EXPECT_FALSE(fs::exists(path("x.dnc.tmp")));
}

TEST_F(DncFile, AMissingFileIsNamed) {
  auto r = read_dnc_file(path("absent.dnc"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(path("absent.dnc")), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("No such file"), std::string::npos) << r.error();
}

TEST_F(DncFile, WrongMagicOrVersionIsRefused) {
  const auto keys = sorted_keys(100);
  ASSERT_TRUE(write_dnc_file(path("a.dnc"), header(keys.size()), keys));
  const std::string good = slurp(path("a.dnc"));

  std::string bad = good;
  bad[0] = 'X';
  EXPECT_NE(error_for(bad).find("wrong magic"), std::string::npos);
  EXPECT_NE(error_for("+34912345678\n").find("wrong magic"), std::string::npos) << "a text file";
  EXPECT_NE(error_for(std::string(4096, '9')).find("wrong magic"), std::string::npos);

  bad = good;
  bad[8] = 2;  // version 2, resealed: a newer writer, not damage
  EXPECT_NE(error_for(reseal(bad)).find("unsupported version 2"), std::string::npos);
}

TEST_F(DncFile, TruncationAndCountMismatchAreRefused) {
  const auto keys = sorted_keys(1000);
  ASSERT_TRUE(write_dnc_file(path("a.dnc"), header(keys.size()), keys));
  const std::string good = slurp(path("a.dnc"));

  EXPECT_NE(error_for("").find("truncated"), std::string::npos);
  EXPECT_NE(error_for(good.substr(0, 20)).find("truncated"), std::string::npos);
  // Cut anywhere: inside the header, the keys, the checksum.
  for (std::size_t cut : {std::size_t{50}, kHeaderSize, kHeaderSize + 5, kHeaderSize + 800,
                          good.size() - 32, good.size() - 1}) {
    const std::string e = error_for(good.substr(0, cut));
    EXPECT_TRUE(e.find("truncated") != std::string::npos ||
                e.find("count mismatch") != std::string::npos)
        << cut << ": " << e;
  }
  // Whole keys missing: the count no longer matches the size.
  EXPECT_NE(error_for(good.substr(0, kHeaderSize + 8 * 999) + good.substr(good.size() - 32))
                .find("count mismatch: the header says 1000 entries, the file holds 999"),
            std::string::npos);
  // Or extra keys appended.
  EXPECT_NE(error_for(good.substr(0, good.size() - 32) + std::string(8, '\xff') +
                      good.substr(good.size() - 32))
                .find("count mismatch"),
            std::string::npos);
}

TEST_F(DncFile, EveryFlippedByteIsCaught) {
  const auto keys = sorted_keys(40);
  ASSERT_TRUE(write_dnc_file(path("a.dnc"), header(keys.size()), keys));
  const std::string good = slurp(path("a.dnc"));
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x10);
    EXPECT_NE(error_for(bad), "<loaded>") << "byte " << i;
  }
  // A flip in the keys is a checksum failure.
  std::string bad = good;
  bad[kHeaderSize + 17] ^= 1;
  EXPECT_NE(error_for(bad).find("checksum mismatch"), std::string::npos);
  bad = good;
  bad[good.size() - 1] ^= 1;
  EXPECT_NE(error_for(bad).find("checksum mismatch"), std::string::npos);
}

TEST_F(DncFile, UnsortedKeysWithAValidChecksumAreRefused) {
  ASSERT_TRUE(write_dnc_file(path("a.dnc"), header(3), {1, 2, 3}));
  std::string bytes = slurp(path("a.dnc"));
  std::swap(bytes[kHeaderSize], bytes[kHeaderSize + 8]);  // low bytes: 2, 1, 3
  EXPECT_NE(error_for(reseal(bytes)).find("not in strictly ascending order"), std::string::npos);
  bytes = slurp(path("a.dnc"));
  bytes[kHeaderSize + 8] = 1;  // 1, 1, 3
  EXPECT_NE(error_for(reseal(bytes)).find("not in strictly ascending order"), std::string::npos);
}

TEST(DncFileSetFromSorted, IndexesSortedKeysAndRefusesOthers) {
  auto set = DncSet::from_sorted({2, 5, 9});
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->contains(5));
  EXPECT_FALSE(set->contains(6));
  EXPECT_FALSE(DncSet::from_sorted({2, 9, 5}));
  EXPECT_FALSE(DncSet::from_sorted({2, 2}));
  EXPECT_TRUE(DncSet::from_sorted({}));
}

}  // namespace
}  // namespace cti::policy
