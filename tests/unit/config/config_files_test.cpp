// The configuration files shipped in config/ parse and mean what they say.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "test_support.h"

namespace cti::config {
namespace {

using namespace testing;

const std::string kConfigDir = CTI_FIXTURES "/../../config";

TEST(ShippedConfig, ExampleParsesWithDefaultsSpelledOut) {
  auto r = load_config_file(kConfigDir + "/connector.example.json", test_env());
  ASSERT_TRUE(r) << r.error().to_string();
  // The example spells out every optional key at its default, so it must
  // equal the minimal example with defaults applied.
  auto minimal = parse(base_config());
  ASSERT_TRUE(minimal) << minimal.error().to_string();
  const Config& a = *r;
  const Config& b = *minimal;
  ASSERT_EQ(a.pbx.size(), 1u);
  EXPECT_EQ(a.pbx[0].type, b.pbx[0].type);
  EXPECT_EQ(a.pbx[0].name, b.pbx[0].name);
  EXPECT_EQ(a.pbx[0].host, b.pbx[0].host);
  EXPECT_EQ(a.pbx[0].port, b.pbx[0].port);
  EXPECT_EQ(a.pbx[0].username, b.pbx[0].username);
  EXPECT_EQ(a.pbx[0].secret, kAmiSecret);
  EXPECT_EQ(a.pbx[0].md5_login, b.pbx[0].md5_login);
  EXPECT_EQ(a.pbx[0].ping_interval_ms, b.pbx[0].ping_interval_ms);
  EXPECT_EQ(a.pbx[0].backoff_initial_ms, b.pbx[0].backoff_initial_ms);
  EXPECT_EQ(a.pbx[0].backoff_max_ms, b.pbx[0].backoff_max_ms);
  EXPECT_EQ(a.pbx[0].max_frame_bytes, b.pbx[0].max_frame_bytes);
  ASSERT_EQ(a.agents.size(), 1u);
  EXPECT_EQ(a.agents[0].extension, "1001");
  EXPECT_EQ(a.numbers.default_region, b.numbers.default_region);
  EXPECT_EQ(a.numbers.max_extension_digits, b.numbers.max_extension_digits);
  ASSERT_EQ(a.crm.size(), 1u);
  EXPECT_EQ(a.crm[0].url, b.crm[0].url);
  EXPECT_EQ(a.crm[0].secret, kWebhookSecret);
  EXPECT_EQ(a.crm[0].timeout_ms, b.crm[0].timeout_ms);
  EXPECT_EQ(a.store.path, b.store.path);
  EXPECT_EQ(a.store.commit_interval_ms, b.store.commit_interval_ms);
  EXPECT_EQ(a.api.listen, b.api.listen);
  EXPECT_EQ(a.api.tokens, b.api.tokens);
  EXPECT_EQ(a.api.max_body_bytes, b.api.max_body_bytes);
  EXPECT_EQ(a.delivery.workers, b.delivery.workers);
  EXPECT_EQ(a.delivery.max_attempts, b.delivery.max_attempts);
  EXPECT_EQ(a.delivery.max_age_s, b.delivery.max_age_s);
  EXPECT_EQ(a.delivery.backoff_initial_ms, b.delivery.backoff_initial_ms);
  EXPECT_EQ(a.delivery.backoff_max_ms, b.delivery.backoff_max_ms);
  EXPECT_EQ(a.delivery.timeout_ms, b.delivery.timeout_ms);
  EXPECT_EQ(a.log.level, b.log.level);
}

TEST(ShippedConfig, ExampleNeedsItsEnvironment) {
  auto r = load_config_file(kConfigDir + "/connector.example.json", fake_env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(), "$.pbx[0].secret: environment variable AMI_SECRET is not set");
}

TEST(ShippedConfig, DemoParses) {
  auto r = load_config_file(kConfigDir + "/demo.json", test_env());
  ASSERT_TRUE(r) << r.error().to_string();
  const Config& c = *r;
  ASSERT_EQ(c.pbx.size(), 1u);
  EXPECT_EQ(c.pbx[0].name, "main");
  EXPECT_EQ(c.pbx[0].host, "127.0.0.1");
  EXPECT_EQ(c.pbx[0].port, 15038);
  EXPECT_EQ(c.pbx[0].username, "cti");
  EXPECT_EQ(c.pbx[0].secret, kAmiSecret);
  ASSERT_EQ(c.agents.size(), 3u);
  EXPECT_EQ(c.agents[0].id, "ana");
  EXPECT_EQ(c.agents[0].extension, "1001");
  EXPECT_EQ(c.agents[1].id, "ben");
  EXPECT_EQ(c.agents[1].extension, "1002");
  EXPECT_EQ(c.agents[2].id, "eva");
  EXPECT_EQ(c.agents[2].extension, "1003");
  EXPECT_EQ(c.numbers.default_region, "ES");
  EXPECT_EQ(c.numbers.dids,
            (std::vector<std::string>{"+34912000100", "+34912000200", "+34910000001"}));
  // The replayed click-to-call (capture h) presents +34910000001: the demo's default line.
  EXPECT_EQ(c.policy.gate.default_line, "+34910000001");
  EXPECT_EQ(c.policy.originate.endpoint, "Local/{extension}@agents");
  ASSERT_EQ(c.crm.size(), 1u);
  EXPECT_EQ(c.crm[0].name, "hooks");
  EXPECT_EQ(c.crm[0].url, "http://127.0.0.1:19000/hook");
  EXPECT_EQ(c.crm[0].secret, kWebhookSecret);
  // The directory CRM (config/demo-contacts.csv, next to demo.json) knows
  // the replayed captures' caller.
  ASSERT_EQ(c.crm_adapters.size(), 1u);
  EXPECT_EQ(c.crm_adapters[0].type, "directory");
  const auto pop =
      c.crm_adapters[0].adapter->lookup_step(core::PhoneNumber::parse("+34912345678", "ES"), {});
  ASSERT_TRUE(pop.contact);
  EXPECT_EQ(pop.contact->name, "Lucía Fernández");
  EXPECT_EQ(c.store.path, "demo.db");
  EXPECT_EQ(c.api.listen, "127.0.0.1:18080");
  EXPECT_EQ(c.api.tokens, std::vector<std::string>{kApiToken});
}

TEST(ShippedConfig, SchemaIsValidJsonAndCoversEveryTopLevelKey) {
  std::ifstream in(kConfigDir + "/connector.schema.json");
  ASSERT_TRUE(in) << "connector.schema.json missing";
  std::stringstream text;
  text << in.rdbuf();
  const auto schema = nlohmann::json::parse(text.str());
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.at("additionalProperties"), false);
  const auto& props = schema.at("properties");
  for (const char* key : {"pbx", "agents", "numbers", "crm", "store", "api", "delivery", "log",
                          "policy", "screen_pop"}) {
    EXPECT_TRUE(props.contains(key)) << key;
  }
  // Every key of the fully spelled-out example is described by the schema.
  std::ifstream ex(kConfigDir + "/connector.example.json");
  std::stringstream ex_text;
  ex_text << ex.rdbuf();
  const auto example = nlohmann::json::parse(ex_text.str());
  const auto& defs = schema.at("$defs");
  // The properties a (sub)schema describes: through $ref, array items and
  // oneOf alternatives (crm[] items are a webhook or a CRM adapter block).
  std::function<nlohmann::json(const nlohmann::json&)> props_of =
      [&](const nlohmann::json& s) -> nlohmann::json {
    if (s.contains("$ref")) {
      const std::string ref = s.at("$ref");
      return props_of(defs.at(ref.substr(ref.rfind('/') + 1)));
    }
    if (s.contains("items")) return props_of(s.at("items"));
    if (s.contains("oneOf")) {
      nlohmann::json all = nlohmann::json::object();
      for (const auto& alt : s.at("oneOf")) all.update(props_of(alt));
      return all;
    }
    return s.at("properties");
  };
  for (const auto& [section, value] : example.items()) {
    const nlohmann::json section_props = props_of(props.at(section));
    const auto& sample = value.is_array() ? value.at(0) : value;
    for (const auto& [key, unused] : sample.items()) {
      (void)unused;
      EXPECT_TRUE(section_props.contains(key)) << section << "." << key;
    }
  }
}

}  // namespace
}  // namespace cti::config
