// `cti-connector replay` with a production-style config whose secrets come
// from environment variables this shell does not set: the replay needs only
// agents, region and PBX name, so it runs; `check-config` still refuses.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tool_test_support.h"
#include "tools/support/child_process.h"

namespace {

std::string bin(const std::string& name) { return std::string(CTI_BINARY_DIR) + "/" + name; }

void write_config(const std::filesystem::path& p) {
  std::ofstream(p) << R"({
  "pbx": [{"type": "ami", "name": "pbx1", "host": "127.0.0.1", "port": 5038,
           "username": "cti", "secret": "${CTI_TEST_UNSET_AMI_SECRET}"}],
  "agents": [{"id": "ana", "extension": "1001"}, {"id": "ben", "extension": "1002"}],
  "numbers": {"default_region": "ES"},
  "crm": [{"type": "webhook", "name": "hooks", "url": "http://127.0.0.1:9/hook",
           "secret": "${CTI_TEST_UNSET_WEBHOOK_SECRET}"}],
  "store": {"path": "unused.db"},
  "api": {"listen": "127.0.0.1:0", "tokens": ["${CTI_TEST_UNSET_API_TOKEN}"]}
})";
}

int run(const std::vector<std::string>& argv, const std::filesystem::path& dir) {
  return cti::tools::test::run_to_exit(argv, dir);
}

TEST(ReplayCli, RunsWithAProductionConfigWhoseSecretsAreNotSet) {
  cti::tools::test::TempDir dir;
  write_config(dir.path() / "config.json");
  const std::string capture = std::string(CTI_FIXTURES) + "/ami/g_attended_transfer.ami";
  ASSERT_EQ(
      run({bin("cti-connector"), "replay", "-c", (dir.path() / "config.json").string(), capture},
          dir.path()),
      0)
      << cti::tools::test::read_file(dir.path() / "err");
  std::istringstream out(cti::tools::test::read_file(dir.path() / "out"));
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(out, line);)
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["call_id"], "pbx1-1795878876.0-consult-1");
  EXPECT_EQ(records[0]["parent_call_id"], "pbx1-1795878876.0");
  EXPECT_EQ(records[1]["transfers"][0]["to"], "1002");
  EXPECT_EQ(records[1]["pbx"], "pbx1");

  EXPECT_NE(
      run({bin("cti-connector"), "check-config", "--config", (dir.path() / "config.json").string()},
          dir.path()),
      0);
  EXPECT_NE(cti::tools::test::read_file(dir.path() / "err").find("CTI_TEST_UNSET"),
            std::string::npos)
      << "check-config names the missing variable";
}

}  // namespace
