// The "directory" crm[] block: the contacts file is read and checked when
// the config is parsed; a bad row stops start-up with file:line and reason
// at $.crm[i].file; a relative file is relative to the config file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "adapters/directory/directory_adapter.h"
#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;
using nlohmann::json;
namespace fs = std::filesystem;

class DirectoryConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cti-directory-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  static json with_directory(json block) {
    json j = base_config();
    j["crm"].push_back(std::move(block));
    return j;
  }
  json block(const std::string& file) const {
    return {{"type", "directory"}, {"name", "dir"}, {"file", file}};
  }
  fs::path dir_;
};

const char* kContacts =
    "id,name,company,phone,updated_at\n"
    "c-1,Lucía Fernández,Acme Logística,912 345 678,2026-11-02T09:15:00Z\n";

TEST_F(DirectoryConfig, ValidBlockBuildsTheAdapterFromTheFile) {
  json b = block(write("contacts.csv", kContacts));
  b["url_template"] = "https://intranet.example/people/{id}";
  auto c = parse(with_directory(b));
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->crm_adapters.size(), 1u);
  EXPECT_EQ(c->crm_adapters[0].type, "directory");
  const auto& adapter = *c->crm_adapters[0].adapter;
  EXPECT_EQ(adapter.name(), "dir");
  EXPECT_FALSE(adapter.logs_calls());
  const adapters::Step s = adapter.lookup_step(core::PhoneNumber::parse("+34912345678", "ES"), {});
  ASSERT_TRUE(s.is(adapters::Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->name, "Lucía Fernández");
  EXPECT_EQ(s.contact->url, "https://intranet.example/people/c-1");
}

TEST_F(DirectoryConfig, NumbersUseTheConfiguredRegion) {
  json j = with_directory(block(write("contacts.csv", "id,name,phone\nb,Ben,020 7946 0000\n")));
  j["numbers"]["default_region"] = "GB";
  auto c = parse(j);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->crm_adapters[0]
                  .adapter->lookup_step(core::PhoneNumber::parse("+442079460000", "GB"), {})
                  .contact);
}

TEST_F(DirectoryConfig, RelativeFileIsRelativeToTheConfigFile) {
  write("contacts.csv", kContacts);
  const std::string config = write("connector.json", with_directory(block("contacts.csv")).dump());
  auto c = load_config_file(config, test_env());
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->config_dir, dir_.string());
  EXPECT_EQ(c->crm_adapters.size(), 1u);
  // Parsed from text there is no config file: relative to the working directory.
  const ConfigError e = error_of(with_directory(block("no-such-contacts.csv")));
  EXPECT_EQ(e.path, "$.crm[1].file");
  EXPECT_EQ(e.reason, "cannot read \"no-such-contacts.csv\": No such file or directory");
}

TEST_F(DirectoryConfig, BadRowStopsStartUpWithFileLineAndReason) {
  const std::string file = write("contacts.csv", std::string(kContacts) + "c-2,Ben,,1001,\n");
  const ConfigError e = error_of(with_directory(block(file)));
  EXPECT_EQ(e.path, "$.crm[1].file");
  EXPECT_EQ(e.reason, file + ":3: \"1001\" is not a phone number (region ES)");
  const std::string empty = write("empty.csv", "id,name,phone\n");
  EXPECT_EQ(error_of(with_directory(block(empty))).reason, empty + ": no contacts");
}

TEST_F(DirectoryConfig, MistakesAreReportedAtTheirPath) {
  const std::string file = write("contacts.csv", kContacts);
  struct Case {
    const char* name;
    json block;
    const char* path;
    const char* reason;
  };
  const Case cases[] = {
      {"no file", {{"type", "directory"}, {"name", "dir"}}, "$.crm[1].file", "required"},
      {"empty file name",
       {{"type", "directory"}, {"name", "dir"}, {"file", ""}},
       "$.crm[1].file",
       "empty"},
      {"no name", {{"type", "directory"}, {"file", file}}, "$.crm[1].name", "required"},
      {"missing file",
       {{"type", "directory"}, {"name", "dir"}, {"file", (dir_ / "nope.csv").string()}},
       "$.crm[1].file",
       "cannot read"},
      {"bad template",
       {{"type", "directory"}, {"name", "dir"}, {"file", file}, {"url_template", "intranet/{id}"}},
       "$.crm[1].url_template",
       "expected an http:// or https:// URL"},
      {"template without id",
       {{"type", "directory"},
        {"name", "dir"},
        {"file", file},
        {"url_template", "https://intranet.example/people"}},
       "$.crm[1].url_template",
       "{id}"},
      {"typo",
       {{"type", "directory"}, {"name", "dir"}, {"file", file}, {"token", "x"}},
       "$.crm[1].token",
       "unknown key"},
      {"duplicate name",
       {{"type", "directory"}, {"name", "hooks"}, {"file", file}},
       "$.crm[1].name",
       "duplicate CRM name"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ConfigError e = error_of(with_directory(c.block));
    EXPECT_EQ(e.path, c.path) << e.to_string();
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
  }
}

}  // namespace
}  // namespace cti::config
